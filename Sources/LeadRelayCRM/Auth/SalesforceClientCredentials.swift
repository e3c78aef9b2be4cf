import Foundation
import LeadRelayCore

/// Salesforce OAuth 2.0 client-credentials flow, with the token and `instance_url` cached.
///
/// Salesforce sends no expiry; the token is renewed only when a call comes back
/// `401 INVALID_SESSION_ID`. An actor because concurrent calls share one session.
public actor SalesforceClientCredentials: AccessTokenProvider {
    let loginURL: URL
    let clientID: Secret
    let clientSecret: Secret
    let transport: any HTTPTransport
    private var cached: AccessToken?

    public init(loginURL: URL, clientID: Secret, clientSecret: Secret, transport: any HTTPTransport) {
        self.loginURL = loginURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.transport = transport
    }

    public func current() async throws(CRMError) -> AccessToken {
        if let cached { return cached }
        return try await refresh()
    }

    public func refresh() async throws(CRMError) -> AccessToken {
        let form = [("grant_type", "client_credentials"), ("client_id", clientID.value), ("client_secret", clientSecret.value)]
            .map { "\($0.0)=\(FormEncoding.escape($0.1))" }.joined(separator: "&")
        let request = TransportRequest(method: "POST", url: loginURL.appendingPathComponent("services/oauth2/token"),
                                       headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                                       body: Data(form.utf8))
        var lastError = ""
        for attempt in 1...3 {
            let response: TransportResponse
            do {
                response = try await transport.send(request)
            } catch {
                lastError = "\(error)"
                try? await Task.sleep(for: .milliseconds(200 * attempt))
                continue
            }
            if response.status >= 500 {
                lastError = "HTTP \(response.status)"
                try? await Task.sleep(for: .milliseconds(200 * attempt))
                continue
            }
            guard let json = try? JSONValue.decode(response.body) else {
                throw .invalidResponse(system: .salesforce, message: "token endpoint returned HTTP \(response.status) without JSON")
            }
            guard response.status == 200, let token = json["access_token"]?.stringValue,
                  let instance = json["instance_url"]?.stringValue.flatMap(URL.init(string:)) else {
                let code = json["error"]?.stringValue ?? "HTTP_\(response.status)"
                let detail = json["error_description"]?.stringValue ?? "no access_token in the response"
                throw .authentication(system: .salesforce, message: "\(code): \(detail)")
            }
            let fresh = AccessToken(token: Secret(token), baseURL: instance)
            cached = fresh
            return fresh
        }
        throw .unavailable(system: .salesforce, attempts: 3, lastError: "token endpoint: \(lastError)")
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
