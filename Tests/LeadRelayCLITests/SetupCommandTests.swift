import CRMSimulator
import Foundation
import LeadRelayCLI
import LeadRelayTestSupport
import Testing

@Suite("leadrelay setup and check --online")
struct SetupCommandTests {
    @Test("on a fresh portal check --online names the feature that is off; setup --dry-run says what it would create; setup creates it; check passes")
    func freshPortal() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-setup-\(UUID().uuidString)"))
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            // routing.yaml holds stranded MQLs in a lead queue a fresh org does not have: check names it where it is written.
            let queueless = try await runCLI(["check", "--online", "--config", workspace.configPath])
            #expect(queueless.status == 78, "\(queueless.stdout)\(queueless.stderr)")
            let line = try #require(queueless.stdout.split(separator: "\n").first { $0.contains("[missing-queue]") }, "\(queueless.stdout)")
            #expect(line.hasPrefix("routing.yaml:") && line.contains(": error: stranded.queue.salesforce: ") && line.contains("'Unassigned_Leads'")
                    && line.contains("it has none"), "\(line)")
            let routing = try String(contentsOfFile: workspace.directory + "/routing.yaml", encoding: .utf8)
            let written = try #require(routing.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("salesforce: Unassigned_Leads") })
            #expect(line.hasPrefix("routing.yaml:\(written + 1):"), "located on its line: \(line)")
            // The admin creates the queue.
            _ = try await simulator.state.createSalesforceRecord("Group", fields: ["Name": "Unassigned Leads", "DeveloperName": "Unassigned_Leads", "Type": "Queue"])
            let before = try await runCLI(["check", "--online", "--config", workspace.configPath])
            #expect(before.status == 0, "a missing optional field is not a configuration error: \(before.stderr)")
            #expect(before.stdout.contains("off: duplicate flags — Mappings/hubspot-salesforce.yaml:"), "\(before.stdout)")
            #expect(before.stdout.contains("1 feature off until their fields exist (leadrelay setup)"))

            let dry = try await runCLI(["setup", "--dry-run", "--config", workspace.configPath])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("HubSpot contacts.leadrelay_duplicate_of: would be created — text, 18 characters"))
            #expect(dry.stdout.contains("Salesforce Lead.LeadRelay_Duplicate_Of__c: would be created"))
            #expect(await simulator.state.salesforceType("Lead")?.field("LeadRelay_Duplicate_Of__c") == nil)

            let setup = try await runCLI(["setup", "--config", workspace.configPath])
            #expect(setup.status == 0, "\(setup.stderr)")
            #expect(setup.stdout.contains("HubSpot contacts.leadrelay_duplicate_of: created"))
            #expect(setup.stdout.contains("Salesforce Lead.LeadRelay_Duplicate_Of__c: created"))
            #expect(setup.stdout.contains("field-level security"), "the integration user needs access to the new fields")
            let again = try await runCLI(["setup", "--config", workspace.configPath])
            #expect(again.stdout.contains("leadrelay_duplicate_of: exists") && again.stdout.contains("LeadRelay_Duplicate_Of__c: exists"))

            let after = try await runCLI(["check", "--online", "--config", workspace.configPath])
            #expect(after.status == 0 && after.stdout.contains("live schemas: OK") && !after.stdout.contains("off:"), "\(after.stdout)")
        }
    }

    @Test("a mapped field the CRM lacks makes run and check --online exit 78 with its file and line")
    func missingField() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-setup-\(UUID().uuidString)"))
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            let path = workspace.directory + "/Mappings/hubspot-salesforce.yaml"
            let mapping = try String(contentsOfFile: path, encoding: .utf8)
            try Data(mapping.replacingOccurrences(of: "salesforce: Title,", with: "salesforce: Job_Title__c,").utf8).write(to: URL(fileURLWithPath: path))
            let line = try #require(mapping.components(separatedBy: "\n").firstIndex { $0.contains("salesforce: Title,") }) + 1
            for command in [["check", "--online"], ["run"]] {
                let result = try await runCLI(command + ["--config", workspace.configPath])
                #expect(result.status == 78, "\(command): \(result.stderr)")
                #expect(result.stderr.contains("Mappings/hubspot-salesforce.yaml:\(line):") && result.stderr.contains("fields.title.salesforce"),
                        "\(command): \(result.stderr)")
                #expect(result.stderr.contains("Salesforce has no Lead field 'Job_Title__c'"))
            }
        }
    }
}
