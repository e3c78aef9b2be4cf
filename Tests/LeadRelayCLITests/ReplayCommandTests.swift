import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayCLI
import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("leadrelay replay")
struct ReplayCommandTests {
    @Test("another configuration over the store's past leads: owners that would change, workload per rep, MQLs lost; byte-identical twice; the same configuration changes nothing; nothing is written")
    func replay() async throws {
        try await withSeededSimulator(seed: 9, people: 120) { simulator, endpoints in try await Self.scenario(simulator, endpoints) }
    }

    static func scenario(_ simulator: CRMSimulator, _ endpoints: CRMSimulator.Endpoints) async throws {
        let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-replay-\(UUID().uuidString)"))
        try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
        let daemon = try await Daemon.start(try workspace.load(), notifier: .some(nil))
        _ = try await daemon.engine.runCycle()
        // Demo requests across territories and industries, a few minutes apart, so several reps get MQLs.
        for (index, (state, industry)) in [("NY", "COMPUTER_SOFTWARE"), ("CA", "COMPUTER_SOFTWARE"), ("OH", "HOSPITAL_HEALTH_CARE"),
                                           ("MA", "COMPUTER_SOFTWARE"), ("WA", "COMPUTER_SOFTWARE"), ("TX", "HOSPITAL_HEALTH_CARE")].enumerated() {
            let contact = try await simulator.state.createHubSpotRecord("contacts", properties: [
                "email": "buyer\(index)@company\(index).io", "firstname": "Buyer", "lastname": "No\(index)", "jobtitle": "VP Engineering",
                "numemployees": "500-1000", "industry": industry, "state": state])
            await simulator.state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
            _ = try await daemon.engine.runCycle()
        }
        _ = try await daemon.engine.runCycle()
        let assigned = try await daemon.store.allAssignments()
        #expect(assigned.count >= 3, "the seed makes some MQLs: \(assigned.count)")
        let directory = workspace.directory
        func put(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name)) }
        let main = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        // Everything to fay first: every owner but fay's changes.
        let routing = try String(contentsOfFile: directory + "/routing.yaml", encoding: .utf8)
        try put("routing-fay.yaml", routing.replacingOccurrences(of: "rules:\n", with: "rules:\n  - { name: all-to-fay, assign: { rep: fay } }\n"))
        try put("fay.yaml", main.replacingOccurrences(of: "routing: routing.yaml", with: "routing: routing-fay.yaml"))
        // A line nobody reaches: every MQL lost.
        let scoring = try String(contentsOfFile: directory + "/scoring.yaml", encoding: .utf8)
        let strict = scoring.replacingOccurrences(of: "threshold: 100", with: "threshold: 10000")
        #expect(strict != scoring)
        try put("scoring-strict.yaml", strict)
        try put("strict.yaml", main.replacingOccurrences(of: "scoring: scoring.yaml", with: "scoring: scoring-strict.yaml"))
        let writes = (await simulator.state.writeCalls(.hubspot), await simulator.state.writeCalls(.salesforce))

        let same = try await runCLI(["replay", "--since", "30d", "--config", workspace.configPath, "--current", workspace.configPath, "--format", "json"])
        #expect(same.status == 0, "\(same.stderr)")
        let sameDoc = try #require(try JSONSerialization.jsonObject(with: Data(same.stdout.utf8)) as? [String: Any])
        let sameReplay = try #require(sameDoc["replay"] as? [String: Any])
        #expect((sameReplay["changed"] as? [Any])?.isEmpty == true, "same evidence and configuration ⇒ identical decisions")
        #expect(sameReplay["mqlsBefore"] as? Int == sameReplay["mqlsAfter"] as? Int)
        let fidelity = try #require(sameReplay["fidelity"] as? [String: Int])
        #expect(fidelity["assigned"] == assigned.count && fidelity["matched"] == assigned.count, "the replay of what ran matches what happened: \(fidelity)")

        let first = try await runCLI(["replay", "--since", "30d", "--config", directory + "/fay.yaml", "--current", workspace.configPath, "--format", "json"])
        let second = try await runCLI(["replay", "--since", "30d", "--config", directory + "/fay.yaml", "--current", workspace.configPath, "--format", "json"])
        #expect(first.status == 0 && first.stdout == second.stdout, "byte-identical twice")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let replay = try #require(doc["replay"] as? [String: Any])
        let changed = try #require(replay["changed"] as? [[String: Any]])
        let notFay = assigned.values.filter { $0.repID != "fay" }.count
        #expect(changed.count == notFay, "every lead not already fay's changes owner: \(changed.count) of \(assigned.count)")
        for lead in changed {
            let after = try #require(lead["after"] as? [String: Any])
            #expect((after["rep"] as? [String: Any])?["name"] as? String == "Fay Nguyen" && after["rule"] as? String == "all-to-fay")
            #expect((lead["lead"] as? [String: Any])?["email"] != nil, "a lead is named by address, not a key")
        }
        let workload = try #require(replay["workload"] as? [[String: Any]])
        let fay = try #require(workload.first { ($0["rep"] as? [String: Any])?["id"] as? String == "fay" })
        #expect(fay["after"] as? Int == assigned.count)
        #expect(workload.filter { ($0["rep"] as? [String: Any])?["id"] as? String != "fay" }.allSatisfy { $0["after"] as? Int == 0 })
        #expect(workload.map { $0["before"] as? Int ?? 0 }.reduce(0, +) == assigned.count)

        let markdown = try await runCLI(["replay", "--since", "2020-01-01", "--config", directory + "/strict.yaml", "--current", workspace.configPath])
        #expect(markdown.status == 0, "\(markdown.stderr)")
        #expect(markdown.stdout.contains("| MQLs lost | \(assigned.count) |"), "\(markdown.stdout)")
        #expect(markdown.stdout.contains("not an MQL") && markdown.stdout.contains("does not qualify under the other configuration"))
        let html = try await runCLI(["replay", "--config", directory + "/fay.yaml", "--current", workspace.configPath, "--format", "html"])
        #expect(html.stdout.hasPrefix("<!doctype html>") && html.stdout.contains("Fay Nguyen &lt;fay@example.com&gt;"))
        #expect((await simulator.state.writeCalls(.hubspot), await simulator.state.writeCalls(.salesforce)) == writes, "a replay writes nothing")

        let bad = try await runCLI(["replay", "--since", "last tuesday", "--config", directory + "/fay.yaml", "--current", workspace.configPath])
        #expect(bad.status == 2 && bad.stderr.contains("--since 'last tuesday'"))
    }
}
