import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayCLI
import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("leadrelay explain route")
struct ExplainRouteCommandTests {
    @Test("names every rep of the configuration with one code, the chosen rep, the rule and the configuration version; links records to their CRM pages")
    func explainRoute() async throws {
        try await withSeededSimulator(seed: 9, people: 30) { simulator, endpoints in try await Self.scenario(simulator, endpoints) }
    }

    static func scenario(_ simulator: CRMSimulator, _ endpoints: CRMSimulator.Endpoints) async throws {
        let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-route-\(UUID().uuidString)"))
        try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
        let daemon = try await Daemon.start(try workspace.load(), notifier: .some(nil))
        let contact = try await simulator.state.createHubSpotRecord("contacts", properties: [
            "email": "robin@northco.io", "firstname": "Robin", "lastname": "Lee", "jobtitle": "VP Engineering", "numemployees": "500-1000",
            "industry": "COMPUTER_SOFTWARE", "state": "NY"])
        await simulator.state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
        let result = try await daemon.engine.runCycle()
        let key = PersonKey.email("robin@northco.io")
        let rep = try #require(result.plan.assignments[key])
        let version = try workspace.load().version

        // Without the CRM sites configured the records are named and the note says how to link them.
        let plain = try await runCLI(["explain", "route", "robin@northco.io", "--config", workspace.configPath])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.hasPrefix("Robin Lee <robin@northco.io>  (email:robin@northco.io)"), "\(plain.stdout)")
        #expect(plain.stdout.contains("hubspot/contacts/\(contact)\n"))
        #expect(plain.stdout.contains("set hubspot.portalId and salesforce.instanceURL"))
        #expect(plain.stdout.contains("decision 1 of 1, "))
        #expect(plain.stdout.contains("(config \(version.prefix(12)), in force now)"))
        let names = ["ana": "Ana Silva <ana@example.com>", "ben": "Ben Okafor <ben@example.com>", "chloe": "Chloe Martin <chloe@example.com>",
                     "dev": "Dev Patel <dev@example.com>", "eli": "Eli Cohen <eli@example.com>", "fay": "Fay Nguyen <fay@example.com>"]
        let chosen = try #require(names[rep])
        #expect(plain.stdout.contains("→ \(chosen)"), "the chosen rep is marked: \(plain.stdout)")
        #expect(plain.stdout.contains("held now by \(chosen)"))
        for (id, label) in names {
            let line = try #require(plain.stdout.split(separator: "\n").first { $0.contains(label) && !$0.contains("held now") && !$0.contains("rule ") },
                                    "every rep of routing.yaml has a line: \(id)")
            let code = line.replacingOccurrences(of: label, with: "").split(separator: " ").first { $0 != "→" }.map(String.init)
            #expect(code.map { RouteDecision.Code(rawValue: $0) != nil } == true, "one audit code per rep: \(line)")
            if id == rep { #expect(code == "eligible") }
        }

        // With the sites configured, each record links to its page.
        let path = workspace.configPath
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "hubspot:\n", with: "hubspot:\n  portalId: 62515\n")
            .replacingOccurrences(of: "salesforce:\n", with: "salesforce:\n  instanceURL: https://acme.my.salesforce.com/\n")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let json = try await runCLI(["explain", "route", "hubspot/contacts/\(contact)", "--config", path, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let records = try #require(object["records"] as? [[String: Any]])
        #expect(records.contains { $0["ref"] as? String == "hubspot/contacts/\(contact)"
            && $0["url"] as? String == "https://app.hubspot.com/contacts/62515/record/0-1/\(contact)" }, "\(records)")
        for record in records {
            let ref = try #require(record["ref"] as? String)
            let url = try #require(record["url"] as? String, "every record is linked: \(ref)")
            if ref.hasPrefix("salesforce/") {
                let parts = ref.split(separator: "/")
                #expect(url == "https://acme.my.salesforce.com/lightning/r/\(parts[1])/\(parts[2])/view")
            }
        }
        #expect(object["note"] == nil)
        let decisions = try #require(object["decisions"] as? [[String: Any]])
        let decision = try #require(decisions.first)
        #expect(decisions.count == 1)
        #expect(decision["configVersion"] as? String == version)
        #expect((decision["chosen"] as? [String: Any])?["id"] as? String == rep)
        let lines = try #require(decision["reps"] as? [[String: Any]])
        #expect(Set(lines.compactMap { ($0["rep"] as? [String: Any])?["id"] as? String }) == Set(names.keys))
        #expect(lines.filter { $0["chosen"] as? Bool == true }.count == 1)

        // Leads LeadRelay never saw, and a bad portal id, are named.
        let unknown = try await runCLI(["explain", "route", "nobody@nowhere.io", "--config", path])
        #expect(unknown.status == 2 && unknown.stderr.contains("LeadRelay has not seen nobody@nowhere.io"))
        try Data(text.replacingOccurrences(of: "portalId: 62515", with: "portalId: acme").utf8).write(to: URL(fileURLWithPath: path))
        let bad = try await runCLI(["explain", "route", "robin@northco.io", "--config", path])
        #expect(bad.status != 0 && bad.stderr.contains("hubspot.portalId") && bad.stderr.contains("is not a HubSpot account id"), "\(bad.stderr)")
    }
}
