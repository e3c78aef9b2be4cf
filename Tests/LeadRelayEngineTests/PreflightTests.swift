import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("Preflight: the mapping against the live schemas at start")
struct PreflightTests {
    @Test("a fresh portal and org lack the duplicate-flag fields: the flags are off with one located warning, and cycles commit")
    func freshPortal() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 4, people: 40)).populate(simulator.state)
        let logs = CapturedLogs()
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.configure(endpoints, credentials: simulator.state.credentials)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            #expect(configuration.mapping.duplicates != nil)
            let daemon = try await Daemon.start(configuration, logger: logs.logger())
            #expect(daemon.configuration.mapping.duplicates == nil, "switched off")
            let warnings = logs.all.filter { $0.contains("A feature is off") }
            #expect(warnings.count == 1 && warnings[0].contains("mapping.yaml:") && warnings[0].contains("duplicates.flag"), "\(warnings)")
            // The lead query no longer names the missing field: the cycle commits (it failed with INVALID_FIELD every time).
            let result = try await daemon.engine.runCycle()
            #expect(result.streams.contains { $0.stream == "salesforce.Lead" && $0.read > 0 })
        }
    }

    @Test("after setup the same configuration keeps its duplicate flags")
    func afterSetup() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.configure(endpoints, credentials: simulator.state.credentials)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            let connectors = try ConnectorFactory.connectors(configuration)
            let dry = try await FieldSetup.run(configuration, connectors: connectors, dryRun: true)
            #expect(dry.map(\.outcome) == [.wouldCreate, .wouldCreate])
            #expect(await simulator.state.salesforceType("Lead")?.field("LeadRelay_Duplicate_Of__c") == nil, "a dry run creates nothing")
            let created = try await FieldSetup.run(configuration, connectors: connectors, dryRun: false)
            #expect(created.map(\.outcome) == [.created, .created])
            #expect(created.map { "\($0.field.system.rawValue):\($0.field.object).\($0.field.name)" }
                    == ["hubspot:contacts.leadrelay_duplicate_of", "salesforce:Lead.LeadRelay_Duplicate_Of__c"])
            #expect(await simulator.state.salesforceType("Lead")?.field("LeadRelay_Duplicate_Of__c")?.length == 18)
            let again = try await FieldSetup.run(configuration, connectors: connectors, dryRun: false)
            #expect(again.map(\.outcome) == [.exists, .exists], "setup is idempotent")
            let daemon = try await Daemon.start(configuration, connectors: connectors)
            #expect(daemon.configuration.mapping.duplicates != nil)
        }
    }

    @Test("a mapped field the CRM does not have stops start-up with its file, line and key")
    func missingMappedField() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            let mapping = try String(contentsOfFile: workspace.directory + "/mapping.yaml", encoding: .utf8)
            try workspace.write("mapping.yaml", mapping.replacingOccurrences(
                of: "  owner:", with: "  fax:           { hubspot: fax_number,       salesforce: Fax,               type: phone,   rule: two-way }\n  owner:"))
            try workspace.configure(endpoints, credentials: simulator.state.credentials)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            let line = try #require(mapping.components(separatedBy: "\n").firstIndex { $0.hasPrefix("  owner:") }).advanced(by: 1)
            let error = await #expect(throws: ConfigurationError.self) { try await Daemon.start(configuration) }
            let problem = try #require(error?.problems.first)
            #expect(problem.file == "mapping.yaml" && problem.line == line && problem.key == "fields.fax.hubspot", "\(problem)")
            #expect(problem.message.contains("HubSpot has no contacts field 'fax_number'"))
        }
    }
}
