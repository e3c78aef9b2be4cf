import Foundation
import LeadRelayCore

/// A bearer token and the base URL it is valid for.
public struct AccessToken: Sendable {
    public var token: Secret
    public var baseURL: URL

    public init(token: Secret, baseURL: URL) {
        self.token = token
        self.baseURL = baseURL
    }
}

/// Supplies the token for each call; `refresh` is asked after the server said the token expired.
public protocol AccessTokenProvider: Sendable {
    func current() async throws(CRMError) -> AccessToken
    func refresh() async throws(CRMError) -> AccessToken
}

/// A token that never changes (HubSpot private-app tokens).
public struct StaticTokenProvider: AccessTokenProvider {
    let token: AccessToken

    public init(token: Secret, baseURL: URL) { self.token = AccessToken(token: token, baseURL: baseURL) }

    public func current() async throws(CRMError) -> AccessToken { token }
    public func refresh() async throws(CRMError) -> AccessToken { token }
}
