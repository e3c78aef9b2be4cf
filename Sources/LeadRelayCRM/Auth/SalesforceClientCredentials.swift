import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// Salesforce OAuth 2.0: the client-credentials, refresh-token or JWT bearer grant, with the token and `instance_url`
/// cached.
///
/// Salesforce sends no expiry; the token is renewed only when a call comes back
/// `401 INVALID_SESSION_ID`. An actor because concurrent calls share one session. Where the client secret is known, a
/// response whose `signature` is not HMAC-SHA256(secret, `id` + `issued_at`) is refused: it did not come from the org.
public actor SalesforceClientCredentials: AccessTokenProvider {
    /// How the session is obtained.
    public enum Grant: Sendable {
        case clientCredentials
        /// A refresh token issued to this connected app (web-server flow done once, by a person).
        case refreshToken(Secret)
        /// A signed assertion (RS256, the connected app's certificate): no secret, no refresh token.
        case jwtBearer(SalesforceJWTSigner)
    }

    let loginURL: URL
    let clientID: Secret
    let clientSecret: Secret?
    let grant: Grant
    let transport: any HTTPTransport
    private var cached: AccessToken?

    public init(loginURL: URL, clientID: Secret, clientSecret: Secret, grant: Grant = .clientCredentials, transport: any HTTPTransport) {
        self.loginURL = loginURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.grant = grant
        self.transport = transport
    }

    /// The JWT bearer flow: the signer carries the consumer key, the username and the key.
    public init(loginURL: URL, jwt signer: SalesforceJWTSigner, transport: any HTTPTransport) {
        self.loginURL = loginURL
        self.clientID = signer.clientID
        self.clientSecret = nil
        self.grant = .jwtBearer(signer)
        self.transport = transport
    }

    public func current() async throws(CRMError) -> AccessToken {
        if let cached { return cached }
        return try await refresh()
    }

    public func refresh() async throws(CRMError) -> AccessToken {
        var form = [("client_id", clientID.value), ("client_secret", clientSecret?.value ?? "")]
        switch grant {
        case .clientCredentials: form.insert(("grant_type", "client_credentials"), at: 0)
        case .refreshToken(let token): form = [("grant_type", "refresh_token")] + form + [("refresh_token", token.value)]
        case .jwtBearer(let signer):
            let assertion: String
            do { assertion = try signer.assertion() } catch {
                throw .authentication(system: .salesforce, message: "cannot sign the JWT assertion: \(error)")
            }
            form = [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)]
        }
        let (status, json) = try await TokenEndpoint.post(loginURL.appendingPathComponent("services/oauth2/token"), form: form,
                                                          system: .salesforce, transport: transport)
        guard status == 200, let token = json["access_token"]?.stringValue,
              let instance = json["instance_url"]?.stringValue.flatMap(URL.init(string:)) else {
            let code = json["error"]?.stringValue ?? "HTTP_\(status)"
            let detail = json["error_description"]?.stringValue ?? "no access_token in the response"
            throw .authentication(system: .salesforce, message: "\(code): \(detail)")
        }
        if let clientSecret, let signature = json["signature"]?.stringValue, let id = json["id"]?.stringValue,
           let issued = json["issued_at"]?.stringValue,
           !SalesforceTokenSignature.verifies(signature, id: id, issuedAt: issued, clientSecret: clientSecret) {
            throw .authentication(system: .salesforce, message: "the token response's signature does not match the client secret; it is not from this org's connected app")
        }
        let fresh = AccessToken(token: Secret(token), baseURL: instance)
        cached = fresh
        return fresh
    }
}

enum FormEncoding {
    static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    /// Percent-encodes everything but unreserved characters (so `+`, `&`, `=` survive).
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
