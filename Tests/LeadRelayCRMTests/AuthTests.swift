import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
@testable import LeadRelayCRM
import Synchronization
import Testing
import LeadRelayHTTP

/// Counts requests whose path ends with `suffix` (token endpoint calls).
final class CountingTransport: HTTPTransport {
    let inner = AsyncHTTPClientTransport()
    let suffix: String
    let count = Mutex(0)
    init(counting suffix: String) { self.suffix = suffix }
    func send(_ request: TransportRequest) async throws -> TransportResponse {
        if request.url.path.hasSuffix(suffix) { count.withLock { $0 += 1 } }
        return try await inner.send(request)
    }
    var calls: Int { count.withLock { $0 } }
}

@Suite("Authentication")
struct AuthTests {
    @Test("HubSpot OAuth: refreshed before expires_in runs out, once more on EXPIRED_AUTHENTICATION, revoked refresh token is exit-78 material")
    func hubspotOAuth() async throws {
        let clock = TestClock()
        let simulator = QuotaSchedulerTests.simulator(clock)
        try await simulator.withRunningInSlot { endpoints in
            let credentials = simulator.state.credentials
            let transport = CountingTransport(counting: "/oauth/v1/token")
            let auth = HubSpotOAuth(baseURL: endpoints.hubspotBaseURL, clientID: Secret(credentials.hubspotClientID),
                                    clientSecret: Secret(credentials.hubspotClientSecret), refreshToken: Secret(credentials.hubspotRefreshToken),
                                    transport: transport, now: { clock.date })
            let client = APIClient(system: .hubspot, transport: transport, auth: auth, sleep: clock.sleep, jitter: { 0.5 })
            _ = try await client.json("GET", "/crm/v3/objects/contacts")
            _ = try await client.json("GET", "/crm/v3/objects/contacts")
            #expect(transport.calls == 1, "one token for many calls")
            clock.advance(1650)   // 150 s left of 1800: inside the renewal margin
            _ = try await client.json("GET", "/crm/v3/objects/contacts")
            #expect(transport.calls == 2, "renewed before it expired, without a 401")
            await simulator.state.expireHubSpotTokens()
            _ = try await client.json("GET", "/crm/v3/objects/contacts")
            #expect(transport.calls == 3, "EXPIRED_AUTHENTICATION forces one refresh and the call goes through")

            let revoked = HubSpotOAuth(baseURL: endpoints.hubspotBaseURL, clientID: Secret(credentials.hubspotClientID),
                                       clientSecret: Secret(credentials.hubspotClientSecret), refreshToken: Secret("na1-revoked"),
                                       transport: transport, now: { clock.date })
            let refused = APIClient(system: .hubspot, transport: transport, auth: revoked, sleep: clock.sleep)
            await #expect(throws: CRMError.self) { _ = try await refused.json("GET", "/crm/v3/objects/contacts") }
            do {
                _ = try await refused.json("GET", "/crm/v3/objects/contacts")
            } catch let error as CRMError {
                guard case .authentication(_, let message) = error else { Issue.record("expected authentication, got \(error)"); return }
                #expect(message.contains("BAD_REFRESH_TOKEN"))
                #expect(!message.contains("na1-revoked"), "secrets never appear in errors")
            }
        }
    }

    @Test("a refused HubSpot private-app token is an authentication error, not a skipped record")
    func badPrivateToken() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let client = APIClient(system: .hubspot, transport: AsyncHTTPClientTransport(),
                                   auth: StaticTokenProvider(token: Secret("pat-na1-wrong"), baseURL: endpoints.hubspotBaseURL))
            do {
                _ = try await client.json("GET", "/crm/v3/objects/contacts")
                Issue.record("a wrong token must fail")
            } catch let error as CRMError {
                guard case .authentication = error else { Issue.record("expected authentication, got \(error)"); return }
            }
        }
    }

    @Test("Salesforce refresh-token grant: a session from the refresh token, re-authenticated once on INVALID_SESSION_ID")
    func salesforceRefreshToken() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 2, people: 20)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let credentials = simulator.state.credentials
            let transport = CountingTransport(counting: "/services/oauth2/token")
            let auth = SalesforceClientCredentials(loginURL: endpoints.salesforceLoginURL, clientID: Secret(credentials.salesforceClientID),
                                                   clientSecret: Secret(credentials.salesforceClientSecret),
                                                   grant: .refreshToken(Secret(credentials.salesforceRefreshToken)), transport: transport)
            let connector = SalesforceConnector(client: APIClient(system: .salesforce, transport: transport, auth: auth), apiVersion: "v62.0")
            let first = try await connector.pollLeads(since: nil, lookback: 0, fields: ["Email"])
            #expect(!first.items.isEmpty)
            await simulator.state.expireSalesforceSessions()
            _ = try await connector.pollLeads(since: nil, lookback: 0, fields: ["Email"])
            #expect(transport.calls == 2)

            let wrong = SalesforceClientCredentials(loginURL: endpoints.salesforceLoginURL, clientID: Secret(credentials.salesforceClientID),
                                                    clientSecret: Secret(credentials.salesforceClientSecret), grant: .refreshToken(Secret("stale")),
                                                    transport: transport)
            do {
                _ = try await wrong.current()
                Issue.record("a stale refresh token must fail")
            } catch let error as CRMError {
                guard case .authentication(_, let message) = error else { Issue.record("expected authentication, got \(error)"); return }
                #expect(message.hasPrefix("invalid_grant"))
            }
        }
    }
}
