import _CryptoExtras
import Foundation

/// An RSA key pair for the JWT bearer tests, made once per test process (2048 bits: Salesforce's minimum).
public enum TestKeys {
    public struct Pair: Sendable {
        public let privatePEM: String
        public let publicPEM: String
    }

    public static let connectedApp: Pair = make()
    /// A second key, whose assertions the connected app's certificate must refuse.
    public static let stranger: Pair = make()

    static func make() -> Pair {
        // Key generation fails only when the system cannot supply randomness; a test process cannot go on without it.
        guard let key = try? _RSA.Signing.PrivateKey(keySize: .bits2048) else { fatalError("cannot generate an RSA key") }
        return Pair(privatePEM: key.pemRepresentation, publicPEM: key.publicKey.pemRepresentation)
    }
}

extension TestKeys.Pair {
    /// RS256 (PKCS #1 v1.5 over SHA-256) of `input`, base64url without padding, as a JWT's third part.
    public func rs256(_ input: String) throws -> String {
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: privatePEM)
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return signature.rawRepresentation.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
