import Foundation
import LeadRelayCore
@testable import LeadRelayCRM
import Testing

/// Numbers and headers a server (or a mangling proxy) can send, fed to the code that turns them into waits and limits:
/// none may trap, none may stall a call for longer than a day, none may empty the pacing bucket.
@Suite("Hostile numbers from servers")
struct HostileValuesTests {
    @Test("a wait a server names is used only when it is a finite, non-negative number, and at most a day", arguments: [
        ("5", 5.0), ("0", 0), (" 2.5 ", 2.5), ("86400", 86_400), ("1e30", 86_400), ("1e400", nil), ("inf", nil), ("-inf", nil), ("nan", nil),
        ("-1", nil), ("Wed, 21 Oct 2015 07:28:00 GMT", nil), ("", nil),
    ] as [(String, Double?)])
    func serverWait(text: String, expected: Double?) {
        #expect(FailureClassifier.serverWait(text) == expected)
    }

    @Test("a 429 whose Retry-After is absurd holds for a day at most, never forever")
    func absurdRetryAfter() {
        let outcome = FailureClassifier.classify(.salesforce, status: 429, headers: ["retry-after": "1e300"], body: Data())
        guard case .rateLimited(let wait, _) = outcome else { Issue.record("not rate-limited: \(outcome)"); return }
        #expect(wait == 86_400)
    }

    @Test("nonsense rate-limit headers leave the configured bucket and pacing alone; a call still goes through at once")
    func nonsenseHeaders() async throws {
        let clock = TestClock()
        let gate = RateLimitGate(policy: QuotaPolicy(perWindow: 10, window: 10, dailyBudget: 1000), system: .hubspot,
                                 now: { clock.elapsed }, wallClock: { clock.date }, sleep: clock.sleep)
        for headers in [["x-hubspot-ratelimit-remaining": "5", "x-hubspot-ratelimit-max": "0"],
                        ["x-hubspot-ratelimit-remaining": "5", "x-hubspot-ratelimit-max": "-3"],
                        ["x-hubspot-ratelimit-remaining": "0", "x-hubspot-ratelimit-interval-milliseconds": "inf"],
                        ["x-hubspot-ratelimit-remaining": "0", "x-hubspot-ratelimit-interval-milliseconds": "nan"],
                        ["x-hubspot-ratelimit-daily": "-5", "x-hubspot-ratelimit-daily-remaining": "7"],
                        ["sforce-limit-info": "api-usage=5/0"], ["sforce-limit-info": "api-usage=-1/-1"]] {
            await gate.observe(headers: headers)
        }
        let policy = await gate.currentPolicy()
        #expect(policy.perWindow == 10 && policy.dailyBudget == 1000)
        // An "inf"/"nan" interval falls back to HubSpot's ten seconds: the call waits that, not forever.
        let before = clock.elapsed
        _ = try await gate.admit()
        #expect(clock.elapsed - before <= 10.5)
        await gate.hold(for: .infinity)
        await gate.hold(for: .nan)
        await gate.hold(for: 1e300)
        let held = clock.elapsed
        _ = try await gate.admit()
        #expect(clock.elapsed - held <= 86_400.5)
    }
}

@Suite("Write rounds")
struct WriteRoundsTests {
    @Test("no record appears twice in a round, each write lands in the first round its record is free, order kept")
    func rounds() {
        func write(_ id: String, _ field: String) -> RecordWrite {
            RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: id, fields: [field: "x"])
        }
        let items = [(0, write("1", "hubspot_owner_id")), (1, write("2", "hubspot_owner_id")), (2, write("1", "company")),
                     (3, write("3", "company")), (4, write("1", "jobtitle")), (5, write("2", "company"))].map { (index: $0.0, write: $0.1) }
        let rounds = WritePlan.rounds(items)
        #expect(rounds.map { $0.map(\.index) } == [[0, 1, 3], [2, 5], [4]])
        for round in rounds { #expect(Set(round.map { $0.write.id ?? "" }).count == round.count) }
        #expect(WritePlan.rounds([]).isEmpty)
    }
}
