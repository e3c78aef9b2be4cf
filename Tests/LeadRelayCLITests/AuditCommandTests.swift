import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
import LeadRelayCLI
import Testing
import LeadRelayHTTP

@Suite("leadrelay audit")
struct AuditCommandTests {
    @Test("on a fresh portal the audit names the missing custom fields; after setup the default mapping passes; a broken one fails with exit 1 and file:line findings")
    func audit() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 3, people: 60)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-audit-\(UUID().uuidString)")
            let workspace = Workspace(directory: directory)
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            // A fresh portal and org: neither duplicate-flag field exists yet.
            let fresh = try await runCLI(["audit", "--config", workspace.configPath, "--format", "json"])
            #expect(fresh.status == 1)
            let missing = try JSONValue.decode(Data(fresh.stdout.utf8))["findings"]?.arrayValue?.filter { $0["code"] == "missing-field" } ?? []
            #expect(Set(missing.compactMap { $0["key"]?.stringValue }) == ["duplicates.flag.hubspot", "duplicates.flag.salesforce"], "\(fresh.stdout)")
            let setup = try await runCLI(["setup", "--config", workspace.configPath])
            #expect(setup.status == 0, "\(setup.stdout)\(setup.stderr)")
            let good = try await runCLI(["audit", "--config", workspace.configPath, "--format", "json"])
            #expect(good.status == 0, "\(good.stderr)")
            let report = try JSONValue.decode(Data(good.stdout.utf8))
            #expect(report["findings"]?.arrayValue?.contains { $0["severity"] == "error" } == false)
            #expect((report["sampledRecords"]?.doubleValue ?? 0) > 0)

            let mappingPath = (directory as NSString).appendingPathComponent("Mappings/hubspot-salesforce.yaml")
            let mapping = try String(contentsOfFile: mappingPath, encoding: .utf8)
            let broken = mapping
                .replacingOccurrences(of: "hubspot: jobtitle,", with: "hubspot: jobtitel,")
                .replacingOccurrences(of: "RETAIL: Retail", with: "RETAIL: Shops")
                .replacingOccurrences(of: "  lastName:      { hubspot: lastname,         salesforce: LastName,          type: string,  rule: two-way }\n", with: "")
            #expect(broken != mapping)
            try broken.write(toFile: mappingPath, atomically: true, encoding: .utf8)
            let bad = try await runCLI(["audit", "--config", workspace.configPath, "--format", "text"])
            #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
            #expect(bad.stdout.contains("Mappings/hubspot-salesforce.yaml:14:") && bad.stdout.contains("error: fields.title.hubspot: HubSpot has no contacts field 'jobtitel'"))
            #expect(bad.stdout.contains("warning: fields.industry.values.RETAIL: Salesforce 'Industry' has no value 'Shops'"), "an unrestricted picklist takes it: a warning")
            #expect(bad.stdout.contains("info: fields: HubSpot 'jobtitle' has values"))
            #expect(bad.stdout.contains("requires 'LastName' on create"))
            let markdown = try await runCLI(["audit", "--config", workspace.configPath])
            #expect(markdown.stdout.hasPrefix("# Field-mapping audit"))
            #expect(markdown.stdout.contains("## Errors"))
        }
    }
}
