import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// Posts a form to an OAuth token endpoint, retrying network faults and 5xx; anything else is the server's answer.
enum TokenEndpoint {
    static func post(_ url: URL, form: [(String, String)], system: CRMSystem, transport: any HTTPTransport,
                     timeout: TimeInterval = 30) async throws(CRMError) -> (status: Int, json: JSONValue) {
        let body = form.map { "\($0.0)=\(FormEncoding.escape($0.1))" }.joined(separator: "&")
        let request = TransportRequest(method: "POST", url: url,
                                       headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                                       body: Data(body.utf8), timeout: timeout)
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
                throw .invalidResponse(system: system, message: "token endpoint returned HTTP \(response.status) without JSON")
            }
            return (response.status, json)
        }
        throw .unavailable(system: system, attempts: 3, lastError: "token endpoint: \(lastError)")
    }
}

/// HubSpot OAuth (public app): access tokens from the refresh-token grant, renewed before `expires_in` runs out.
///
/// HubSpot's guidance is to refresh proactively rather than treat every 401 as "refresh needed"; a call
/// that still meets `EXPIRED_AUTHENTICATION` (a clock skew, a revoked token) gets one forced refresh.
/// An actor because concurrent calls share one token.
public actor HubSpotOAuth: AccessTokenProvider {
    let baseURL: URL
    let clientID: Secret
    let clientSecret: Secret
    private var refreshToken: Secret
    let transport: any HTTPTransport
    let now: @Sendable () -> Date
    private var cached: (token: AccessToken, expiresAt: Date)?

    public init(baseURL: URL, clientID: Secret, clientSecret: Secret, refreshToken: Secret, transport: any HTTPTransport,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.baseURL = baseURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.transport = transport
        self.now = now
    }

    /// The cached token, renewed first when less than a tenth of its life (at most five minutes) is left.
    public func current() async throws(CRMError) -> AccessToken {
        if let cached, cached.expiresAt > now() { return cached.token }
        return try await refresh()
    }

    public func refresh() async throws(CRMError) -> AccessToken {
        let (status, json) = try await TokenEndpoint.post(baseURL.appendingPathComponent("oauth/v1/token"), form: [
            ("grant_type", "refresh_token"), ("client_id", clientID.value), ("client_secret", clientSecret.value),
            ("refresh_token", refreshToken.value),
        ], system: .hubspot, transport: transport)
        guard status == 200, let token = json["access_token"]?.stringValue,
              let lifetime = json["expires_in"]?.doubleValue.flatMap({ $0.isFinite && $0 > 0 ? min($0, 86_400) : nil }) else {
            let code = json["status"]?.stringValue ?? "HTTP_\(status)"
            throw .authentication(system: .hubspot, message: "\(code): \(json["message"]?.stringValue ?? "no access_token in the response")")
        }
        if let renewed = json["refresh_token"]?.stringValue, !renewed.isEmpty { refreshToken = Secret(renewed) }
        let margin = min(300, lifetime / 10)
        let fresh = AccessToken(token: Secret(token), baseURL: baseURL)
        cached = (fresh, now().addingTimeInterval(lifetime - margin))
        return fresh
    }
}
