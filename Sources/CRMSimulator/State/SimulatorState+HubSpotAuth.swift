import Foundation
import LeadRelayCore

/// HubSpot authentication: the private-app token never expires; OAuth access tokens do (CRM-APIS.md §1.1).
extension SimulatorState {
    enum HubSpotCaller: Equatable {
        case privateApp
        case oauth
    }

    /// Who a bearer token belongs to, or the 401 to answer.
    func authenticateHubSpot(_ token: String?) -> Result<HubSpotCaller, HubSpotError> {
        guard let token else {
            return .failure(HubSpotError(status: 401, category: "INVALID_AUTHENTICATION",
                                         message: "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"))
        }
        if token == credentials.hubspotToken { return .success(.privateApp) }
        if let expiry = hubspotAccessTokens[token] {
            let now = clock()
            guard expiry > now else {
                let ago = Int(now.timeIntervalSince(expiry).rounded(.down))
                return .failure(HubSpotError(status: 401, category: "EXPIRED_AUTHENTICATION",
                                             message: "The OAuth token used to make this call expired \(ago) second(s) ago."))
            }
            return .success(.oauth)
        }
        return .failure(HubSpotError(status: 401, category: "INVALID_AUTHENTICATION",
                                     message: "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"))
    }

    /// The refresh-token grant: a new access token living `hubspotTokenLifetime` seconds, or the error status HubSpot uses.
    func issueHubSpotAccessToken(clientID: String?, clientSecret: String?, refreshToken: String?) -> Result<(token: String, expiresIn: Int), HubSpotOAuthError> {
        guard clientID == credentials.hubspotClientID else { return .failure(.init(status: "BAD_CLIENT_ID", message: "missing or unknown client id")) }
        guard clientSecret == credentials.hubspotClientSecret else {
            return .failure(.init(status: "BAD_CLIENT_SECRET", message: "missing or invalid client secret"))
        }
        guard refreshToken == credentials.hubspotRefreshToken else {
            return .failure(.init(status: "BAD_REFRESH_TOKEN", message: "missing or unknown refresh token"))
        }
        let token = "CJT" + String(UInt64.random(in: 1...UInt64.max), radix: 36) + String(hubspotAccessTokens.count)
        hubspotAccessTokens[token] = clock().addingTimeInterval(hubspotTokenLifetime)
        return .success((token, Int(hubspotTokenLifetime)))
    }

    /// Seconds left on an issued access token (introspection), `nil` when unknown.
    func hubspotTokenSecondsLeft(_ token: String) -> Int? {
        hubspotAccessTokens[token].map { max(0, Int($0.timeIntervalSince(clock()))) }
    }

    /// `expires_in` of access tokens issued from now on (HubSpot: 1800).
    public func setHubSpotTokenLifetime(_ seconds: Double) { hubspotTokenLifetime = seconds }

    /// Expires every issued HubSpot access token now ("expire now"); the private-app token is unaffected.
    public func expireHubSpotTokens() {
        let now = clock()
        for token in hubspotAccessTokens.keys { hubspotAccessTokens[token] = now }
    }
}

/// The token endpoint's error body: `{"status":"BAD_REFRESH_TOKEN","message":…}`.
struct HubSpotOAuthError: Error {
    var status: String
    var message: String
}
