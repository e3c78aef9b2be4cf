import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
@testable import LeadRelayCRM
import Logging
import Synchronization
import Testing
import LeadRelayHTTP

@Suite("Secrets stay out of logs and errors")
struct LogSafetyTests {
    @Test("tokens, client secrets and refresh tokens never appear in any log line, at any level")
    func neverLogged() async throws {
        let logs = CapturedLogs()
        var traced = Logger(label: "test", factory: logs.handler)
        traced.logLevel = .trace
        let logger = traced
        let clock = TestClock()
        // Long, distinctive secrets: a short one would "appear" in any line by accident.
        let simulator = CRMSimulator(state: SimulatorState(credentials: .init(
            hubspotToken: "pat-na1-" + UUID().uuidString, salesforceClientID: "3MVG9" + UUID().uuidString,
            salesforceClientSecret: "sfsecret-" + UUID().uuidString, salesforceRefreshToken: "5Aep-" + UUID().uuidString,
            hubspotClientID: "app-" + UUID().uuidString, hubspotClientSecret: "hssecret-" + UUID().uuidString,
            hubspotRefreshToken: "na1-" + UUID().uuidString), clock: { clock.date }))
        _ = try await SeedGenerator(options: .init(seed: 1, people: 30)).populate(simulator.state)
        let credentials = simulator.state.credentials
        let seen = try await simulator.withRunningInSlot { endpoints -> [String] in
            var seen: [String] = []
            let transport = AsyncHTTPClientTransport()
            let oauth = HubSpotOAuth(baseURL: endpoints.hubspotBaseURL, clientID: Secret(credentials.hubspotClientID),
                                     clientSecret: Secret(credentials.hubspotClientSecret), refreshToken: Secret(credentials.hubspotRefreshToken),
                                     transport: transport, now: { clock.date })
            let hubspot = HubSpotConnector(client: APIClient(system: .hubspot, transport: transport, auth: oauth,
                                                             gate: RateLimitGate(now: { clock.elapsed }, wallClock: { clock.date }, sleep: clock.sleep),
                                                             logger: logger,
                                                             sleep: clock.sleep, jitter: { 0.5 }), logger: logger)
            _ = try await hubspot.pollLeads(since: nil, lookback: 0, fields: ["email"])
            seen.append(try await oauth.current().token.value)
            await simulator.state.expireHubSpotTokens()
            await simulator.state.inject([.hubspotRateLimit(policy: "TEN_SECONDLY_ROLLING", retryAfter: 1), .serverError], into: .hubspot)
            _ = try await hubspot.pollLeads(since: nil, lookback: 0, fields: ["email"])
            seen.append(try await oauth.current().token.value)

            let salesforceAuth = SalesforceClientCredentials(loginURL: endpoints.salesforceLoginURL, clientID: Secret(credentials.salesforceClientID),
                                                             clientSecret: Secret(credentials.salesforceClientSecret), transport: transport)
            let salesforce = SalesforceConnector(client: APIClient(system: .salesforce, transport: transport, auth: salesforceAuth, logger: logger,
                                                                   sleep: clock.sleep, jitter: { 0.5 }), apiVersion: "v62.0", logger: logger)
            _ = try await salesforce.pollLeads(since: nil, lookback: 0, fields: ["Email"])
            seen.append(try await salesforceAuth.current().token.value)
            await simulator.state.expireSalesforceSessions()
            _ = try await salesforce.pollLeads(since: nil, lookback: 0, fields: ["Email"])
            seen.append(try await salesforceAuth.current().token.value)
            return seen
        }
        let lines = logs.lines.withLock { $0 }
        #expect(lines.contains { $0.contains("authenticating again") }, "the re-authentications were logged")
        #expect(lines.contains { $0.contains("Rate limited") })
        let secrets = seen + [credentials.hubspotClientSecret, credentials.hubspotRefreshToken, credentials.salesforceClientSecret]
        for secret in secrets {
            #expect(!lines.contains { $0.contains(secret) }, "a secret reached the logs: \(lines.filter { $0.contains(secret) }.prefix(2))")
        }
        #expect("\(Secret("pat-na1-x"))" == "***")
    }
}
