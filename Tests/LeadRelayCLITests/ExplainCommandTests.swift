import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayCLI
import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("leadrelay explain lead")
struct ExplainCommandTests {
    @Test("explains a routed demo request now and as it stood before its form, by email or by record, as text and JSON; unknown leads are named")
    func explainLead() async throws {
        try await withSeededSimulator(seed: 8, people: 40) { simulator, endpoints in try await Self.scenario(simulator, endpoints) }
    }

    static func scenario(_ simulator: CRMSimulator, _ endpoints: CRMSimulator.Endpoints) async throws {
        let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-explain-\(UUID().uuidString)"))
        try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
        let none = try await runCLI(["explain", "lead", "x@y.io", "--config", workspace.configPath])
        #expect(none.status == 2 && none.stderr.contains("no state file"))
        let daemon = try await Daemon.start(try workspace.load(), notifier: .some(nil))
        let contact = try await simulator.state.createHubSpotRecord("contacts", properties: [
            "email": "casey@bigco.io", "firstname": "Casey", "lastname": "Kim", "jobtitle": "CTO", "numemployees": "500-1000",
            "industry": "COMPUTER_SOFTWARE", "state": "NY"])
        let before = Date()
        try await Task.sleep(for: .milliseconds(1100))
        await simulator.state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
        let result = try await daemon.engine.runCycle()
        let key = PersonKey.email("casey@bigco.io")
        let rep = try #require(result.plan.assignments[key])

        let text = try await runCLI(["explain", "lead", "Casey@BigCo.io", "--config", workspace.configPath])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Casey Kim <casey@bigco.io>  (email:casey@bigco.io)"), "\(text.stdout)")
        #expect(text.stdout.contains("demo-request — 1 × form-submission"))
        #expect(text.stdout.contains("senior-title — seniority in [c-level, vp, director]"))
        #expect(text.stdout.contains("— an MQL: total"))
        #expect(text.stdout.contains("assigned to \(rep)"))

        let json = try await runCLI(["explain", "lead", "hubspot/contacts/\(contact)", "--config", workspace.configPath, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let stored = try #require(result.plan.changes.lazy.compactMap { change -> ScoreBreakdown? in
            if case .score(let score) = change.action, change.person == key { score } else { nil }
        }.first)
        let total = try #require(object["total"] as? Double)
        #expect(abs(total - stored.total) < 0.5, "the same pipeline over the same evidence: \(total) vs \(stored.total)")
        #expect((object["verdict"] as? [String: Any])?["mql"] as? Bool == true)
        #expect((object["records"] as? [String])?.contains("hubspot/contacts/\(contact)") == true)

        // Before the form: no demo request counted, and no MQL.
        let then = try await runCLI(["explain", "lead", "casey@bigco.io", "--config", workspace.configPath, "--format", "json",
                                     "--at", ISOTimestamp.format(before)])
        #expect(then.status == 0, "\(then.stderr)")
        let earlier = try #require(try JSONSerialization.jsonObject(with: Data(then.stdout.utf8)) as? [String: Any])
        let interest = (earlier["score"] as? [String: Any])?["interest"] as? [[String: Any]] ?? []
        #expect(!interest.contains { $0["rule"] as? String == "demo-request" }, "\(interest)")
        #expect((earlier["verdict"] as? [String: Any])?["mql"] as? Bool == false)
        #expect(((earlier["verdict"] as? [String: Any])?["why"] as? String)?.contains("short") == true)

        let unknown = try await runCLI(["explain", "lead", "nobody@nowhere.io", "--config", workspace.configPath])
        #expect(unknown.status == 2 && unknown.stderr.contains("LeadRelay has not seen nobody@nowhere.io"))
        let garbage = try await runCLI(["explain", "lead", "not a lead", "--config", workspace.configPath])
        #expect(garbage.status == 2 && garbage.stderr.contains("is not an email address"))
        let badTime = try await runCLI(["explain", "lead", "casey@bigco.io", "--config", workspace.configPath, "--at", "yesterday"])
        #expect(badTime.status != 0 && badTime.stderr.contains("not an ISO 8601 instant"))
    }
}
