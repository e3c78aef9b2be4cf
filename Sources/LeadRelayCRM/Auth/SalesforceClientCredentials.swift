import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// Salesforce OAuth 2.0: the client-credentials or refresh-token grant, with the token and `instance_url` cached.
///
/// Salesforce sends no expiry; the token is renewed only when a call comes back
/// `401 INVALID_SESSION_ID`. An actor because concurrent calls share one session.
public actor SalesforceClientCredentials: AccessTokenProvider {
    /// How the session is obtained.
    public enum Grant: Sendable {
        case clientCredentials
        /// A refresh token issued to this connected app (web-server flow done once, by a person).
        case refreshToken(Secret)
    }

    let loginURL: URL
    let clientID: Secret
    let clientSecret: Secret
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

    public func current() async throws(CRMError) -> AccessToken {
        if let cached { return cached }
        return try await refresh()
    }

    public func refresh() async throws(CRMError) -> AccessToken {
        var form = [("client_id", clientID.value), ("client_secret", clientSecret.value)]
        switch grant {
        case .clientCredentials: form.insert(("grant_type", "client_credentials"), at: 0)
        case .refreshToken(let token): form = [("grant_type", "refresh_token")] + form + [("refresh_token", token.value)]
        }
        let (status, json) = try await TokenEndpoint.post(loginURL.appendingPathComponent("services/oauth2/token"), form: form,
                                                          system: .salesforce, transport: transport)
        guard status == 200, let token = json["access_token"]?.stringValue,
              let instance = json["instance_url"]?.stringValue.flatMap(URL.init(string:)) else {
            let code = json["error"]?.stringValue ?? "HTTP_\(status)"
            let detail = json["error_description"]?.stringValue ?? "no access_token in the response"
            throw .authentication(system: .salesforce, message: "\(code): \(detail)")
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
