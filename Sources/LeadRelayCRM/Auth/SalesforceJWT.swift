import Crypto
import _CryptoExtras
import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// The OAuth 2.0 JWT bearer assertion Salesforce takes for a server-to-server login: RS256 over
/// `{"alg":"RS256"}` and the claims `iss` (the connected app's consumer key), `sub` (the integration user's username),
/// `aud` (the login host: `https://login.salesforce.com`, `https://test.salesforce.com` or the My Domain) and `exp`
/// (three minutes ahead, as Salesforce allows). The key is the private half of the certificate uploaded to the
/// connected app; no secret travels.
public struct SalesforceJWTSigner: Sendable {
    public enum KeyError: Error, CustomStringConvertible, Equatable {
        case unreadable(path: String)
        case notAKey(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path): "cannot read the private key file \(path)"
            case .notAKey(let path, let reason): "\(path) holds no RSA private key of 2048 bits or more in PEM form (\(reason))"
            }
        }
    }

    let clientID: Secret
    public let username: String
    public let audience: String
    let key: _RSA.Signing.PrivateKey
    let now: @Sendable () -> Date

    public init(clientID: Secret, username: String, audience: String, privateKeyPEM: String,
                now: @escaping @Sendable () -> Date = Date.init) throws(KeyError) {
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw .notAKey(path: "the key", reason: "\(error)")
        }
        self.clientID = clientID
        self.username = username
        self.audience = audience
        self.now = now
    }

    /// Reads and checks the PEM file (`check` runs this: a key that does not load fails start-up, not the first login).
    public static func load(clientID: Secret, username: String, audience: String, keyFile path: String) throws(KeyError) -> SalesforceJWTSigner {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        do {
            return try SalesforceJWTSigner(clientID: clientID, username: username, audience: audience,
                                           privateKeyPEM: String(decoding: data, as: UTF8.self))
        } catch {
            if case .notAKey(_, let reason) = error { throw .notAKey(path: path, reason: reason) }
            throw error
        }
    }

    /// A fresh signed assertion.
    public func assertion() throws -> String {
        let header = Self.base64URL(Data(#"{"alg":"RS256"}"#.utf8))
        let expiry = Int64(now().timeIntervalSince1970) + 180
        let claims: [String: JSONValue] = [
            "iss": .string(clientID.value), "sub": .string(username), "aud": .string(audience), "exp": .number(Double(expiry)),
        ]
        let body = Self.base64URL(try JSONValue.object(claims).encoded())
        let input = header + "." + body
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + Self.base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// Salesforce signs each token response: `signature` = base64(HMAC-SHA256(client secret, `id` + `issued_at`)).
public enum SalesforceTokenSignature {
    public static func expected(id: String, issuedAt: String, clientSecret: Secret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data((id + issuedAt).utf8), using: SymmetricKey(data: Data(clientSecret.value.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Whether the response's signature is the one the client secret gives (compared in constant time).
    public static func verifies(_ signature: String, id: String, issuedAt: String, clientSecret: Secret) -> Bool {
        guard let given = Data(base64Encoded: signature) else { return false }
        let key = SymmetricKey(data: Data(clientSecret.value.utf8))
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Data((id + issuedAt).utf8), using: key)
    }
}
