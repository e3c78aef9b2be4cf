import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
@testable import LeadRelayCLI
import LeadRelayEngine
import Testing

@Suite("leadrelay undo merge")
struct UndoCommandTests {
    @Test("lists the merges, shows an undo without doing it, undoes one, and refuses a second undo and unknown numbers")
    func undoMerge() async throws {
        try await withSeededSimulator(seed: 8, people: 40) { simulator, endpoints in try await Self.scenario(simulator, endpoints) }
    }

    static func scenario(_ simulator: CRMSimulator, _ endpoints: CRMSimulator.Endpoints) async throws {
        let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-undo-\(UUID().uuidString)"))
        try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
        let mappingPath = workspace.directory + "/Mappings/hubspot-salesforce.yaml"
        let mapping = try String(contentsOfFile: mappingPath, encoding: .utf8)
        try Data(mapping.replacingOccurrences(of: "  survivor: [owned, most-complete, oldest]",
                                              with: "  survivor: [owned, most-complete, oldest]\n  merge: { hubspot: true, minScore: 12 }").utf8)
            .write(to: URL(fileURLWithPath: mappingPath))
        let empty = try await runCLI(["undo", "merge", "--config", workspace.configPath])
        #expect(empty.status == 2 && empty.stderr.contains("no state file"))

        #expect(try await runCLI(["setup", "--config", workspace.configPath]).status == 0, "the flag fields are created first")
        let configuration = try workspace.load()
        let daemon = try await Daemon.start(configuration, notifier: .some(nil))
        let (engine, dispatcher) = (daemon.engine, daemon.dispatcher)
        let work = try await simulator.state.createHubSpotRecord("contacts", properties: [
            "email": "lee.ortiz@globex.example", "firstname": "Lee", "lastname": "Ortiz", "company": "Globex", "phone": "+1 312 555 0144",
            "jobtitle": "VP Finance"])
        let personal = try await simulator.state.createHubSpotRecord("contacts", properties: [
            "email": "lee.ortiz@outlook.com", "firstname": "Lee", "lastname": "Ortiz", "company": "Globex", "phone": "312-555-0144"])
        try await engine.runCycle()
        try await dispatcher.drain()
        #expect(await simulator.state.mergedAway().contains(personal))

        let list = try await runCLI(["undo", "merge", "--config", workspace.configPath])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("1  done  hubspot/contacts/\(personal) into \(work)"))
        let dry = try await runCLI(["undo", "merge", "1", "--dry-run", "--config", workspace.configPath])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("Would create a contact with: ") && dry.stdout.contains("email=lee.ortiz@outlook.com"))
        #expect(dry.stdout.contains("Would take lee.ortiz@outlook.com off contact \(work)'s additional emails"))
        #expect(await simulator.state.hubspotRecords("contacts").filter { $0.properties["email"] == "lee.ortiz@outlook.com" }.isEmpty,
                "a dry run creates nothing")
        let undo = try await runCLI(["undo", "merge", "1", "--config", workspace.configPath])
        #expect(undo.status == 0, "\(undo.stderr)")
        #expect(undo.stdout.contains("Merge 1 undone"))
        #expect(await simulator.state.hubspotRecords("contacts").contains { $0.properties["email"] == "lee.ortiz@outlook.com" && !$0.archived })
        let again = try await runCLI(["undo", "merge", "1", "--config", workspace.configPath])
        #expect(again.status == 2 && again.stderr.contains("merge 1 is undone"))
        let unknown = try await runCLI(["undo", "merge", "99", "--config", workspace.configPath])
        #expect(unknown.status == 2 && unknown.stderr.contains("no merge 99"))
    }
}
