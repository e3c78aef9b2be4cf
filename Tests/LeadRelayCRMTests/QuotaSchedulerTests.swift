import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
@testable import LeadRelayCRM
import Synchronization
import Testing
import LeadRelayHTTP

/// A clock that moves only when told: sleeping on it advances it, so pacing is measured, not waited for.
final class TestClock: Sendable {
    private let seconds: Mutex<Double>
    let start: Date
    init(_ start: Date = Date(timeIntervalSince1970: 1_760_000_000)) {
        self.start = start
        seconds = Mutex(0)
    }
    var elapsed: Double { seconds.withLock { $0 } }
    var date: Date { start.addingTimeInterval(elapsed) }
    func advance(_ by: Double) { seconds.withLock { $0 += by } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { duration in self.advance(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18) }
    }
}

@Suite("Quota scheduler")
struct QuotaSchedulerTests {
    /// A HubSpot client whose gate and the simulator share one test clock.
    static func hubspot(_ simulator: CRMSimulator, _ endpoints: CRMSimulator.Endpoints, _ clock: TestClock, policy: QuotaPolicy) -> APIClient {
        APIClient(system: .hubspot, transport: AsyncHTTPClientTransport(),
                  auth: StaticTokenProvider(token: Secret(simulator.state.credentials.hubspotToken), baseURL: endpoints.hubspotBaseURL),
                  gate: RateLimitGate(policy: policy, system: .hubspot, now: { clock.elapsed }, wallClock: { clock.date }, sleep: clock.sleep),
                  sleep: clock.sleep, jitter: { 0.5 })
    }

    static func simulator(_ clock: TestClock) -> CRMSimulator {
        CRMSimulator(state: SimulatorState(credentials: .init(hubspotToken: "pat-na1-q", salesforceClientID: "c", salesforceClientSecret: "s"),
                                           clock: { clock.date }))
    }

    @Test("paced to the configured ten-second bucket: 100 calls, no 429, the time the limit allows")
    func paced() async throws {
        let clock = TestClock()
        let simulator = Self.simulator(clock)
        await simulator.state.setHubSpotTenSecondLimit(20)
        try await simulator.withRunningInSlot { endpoints in
            let client = Self.hubspot(simulator, endpoints, clock, policy: QuotaPolicy(perWindow: 20, window: 10))
            for _ in 0..<100 { _ = try await client.json("GET", "/crm/v3/objects/contacts", query: [("limit", "1")]) }
            #expect(await simulator.state.requests(.hubspot) == 100, "every call was served the first time: no 429")
            // 100 calls at 20 per 10 s: the 21st, 41st, 61st and 81st each wait for a window to pass.
            #expect(clock.elapsed >= 40 && clock.elapsed < 41, "took \(clock.elapsed) s of the test clock")
        }
    }

    @Test("search has its own per-second pacing and is exempt from the ten-second bucket")
    func searchPaced() async throws {
        let clock = TestClock()
        let simulator = Self.simulator(clock)
        await simulator.state.setHubSpotSearchPerSecond(4)
        await simulator.state.setHubSpotTenSecondLimit(5)
        try await simulator.withRunningInSlot { endpoints in
            let client = Self.hubspot(simulator, endpoints, clock, policy: QuotaPolicy(perWindow: 5, window: 10, searchPerSecond: 4))
            for _ in 0..<20 { _ = try await client.json("POST", "/crm/v3/objects/contacts/search", json: ["limit": 1]) }
            #expect(await simulator.state.requests(.hubspot) == 20)
            #expect(clock.elapsed >= 4 && clock.elapsed < 5, "20 searches at 4 per second, not the ten-second bucket's pace")
        }
    }

    @Test("the daily allowance keeps the configured share free, then pauses until the next day")
    func dailyHeadroom() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_760_000_000))
        let simulator = Self.simulator(clock)
        try await simulator.withRunningInSlot { endpoints in
            let client = Self.hubspot(simulator, endpoints, clock, policy: QuotaPolicy(dailyBudget: 50, keepFree: 0.2))
            for _ in 0..<40 { _ = try await client.json("GET", "/crm/v3/objects/contacts", query: [("limit", "1")]) }
            do {
                _ = try await client.json("GET", "/crm/v3/objects/contacts", query: [("limit", "1")])
                Issue.record("the 41st call should have been held back")
            } catch let error as CRMError {
                guard case .budgetReserved(let system, let resumeAt, let message) = error else { Issue.record("unexpected \(error)"); return }
                #expect(system == .hubspot)
                #expect(resumeAt == Date(timeIntervalSince1970: 1_760_054_400), "midnight UTC after the start")
                #expect(message.contains("40 of the 40"))
            }
            #expect(await simulator.state.requests(.hubspot) == 40, "the held call never reached the CRM")
            clock.advance(86_400)
            _ = try await client.json("GET", "/crm/v3/objects/contacts", query: [("limit", "1")])
        }
    }

    @Test("the server's counts correct the local ones: HubSpot daily headers, a smaller bucket, Sforce-Limit-Info")
    func headers() async throws {
        let clock = TestClock()
        let gate = RateLimitGate(policy: QuotaPolicy(perWindow: 190, dailyBudget: 1000, keepFree: 0.2), now: { clock.elapsed },
                                 wallClock: { clock.date }, sleep: clock.sleep)
        await gate.observe(headers: ["x-hubspot-ratelimit-daily": "1000", "x-hubspot-ratelimit-daily-remaining": "150",
                                     "x-hubspot-ratelimit-max": "100", "x-hubspot-ratelimit-remaining": "60",
                                     "x-hubspot-ratelimit-interval-milliseconds": "10000"])
        let usage = await gate.dailyUsage()
        #expect(usage.used == 850 && usage.allowance == 800)
        #expect(await gate.currentPolicy().perWindow == 100, "another app shares the bucket: pace to what the server says")
        await #expect(throws: QuotaPause.self) { try await gate.admit() }

        let salesforce = RateLimitGate(policy: QuotaPolicy(dailyBudget: 100_000, keepFree: 0.2, dailyReset: .rolling24Hours),
                                       now: { clock.elapsed }, wallClock: { clock.date }, sleep: clock.sleep)
        await salesforce.observe(headers: ["sforce-limit-info": "api-usage=79999/100000"])
        try await salesforce.admit()
        await salesforce.observe(headers: ["sforce-limit-info": "api-usage=80000/100000"])
        await #expect(throws: QuotaPause.self) { try await salesforce.admit() }
        let parsed = RateLimitGate.salesforceUsage("api-usage=12/15000")
        #expect(parsed?.used == 12 && parsed?.max == 15000)
        #expect(RateLimitGate.salesforceUsage("no usage here") == nil)
    }

    @Test("an empty bucket reported by the server holds calls for its interval; a 429 holds at least its window")
    func holds() async throws {
        let clock = TestClock()
        let gate = RateLimitGate(policy: .unlimited, now: { clock.elapsed }, wallClock: { clock.date }, sleep: clock.sleep)
        await gate.observe(headers: ["x-hubspot-ratelimit-remaining": "0", "x-hubspot-ratelimit-interval-milliseconds": "10000"])
        try await gate.admit()
        #expect(clock.elapsed >= 10)
    }
}
