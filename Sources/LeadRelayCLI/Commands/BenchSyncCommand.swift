import ArgumentParser
import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayEngine
import Logging

/// `leadrelay bench sync`: backfill, a 1% incremental cycle and an idle cycle through the real connectors,
/// with the simulator enforcing HubSpot's limits and the quota scheduler configured to match them.
struct BenchSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Time a backfill, a 1% incremental cycle and an idle cycle against rate limits; count calls against the minimum.")

    @Option(name: .long, help: "HubSpot contacts to seed.")
    var contacts: Int = 100_000

    @Option(name: .long, help: "Salesforce leads to seed.")
    var leads: Int = 100_000

    @Option(name: .long, help: "HubSpot ten-second limit, enforced by the simulator and configured in LeadRelay.")
    var hubspotLimit: Int = 190

    @Option(name: .long, help: "HubSpot search requests per second, enforced and configured alike.")
    var searchPerSecond: Int = 5

    @Option(name: .long, help: "Share of records changed before the incremental cycle.")
    var changed: Double = 0.01

    @Option(name: .long, help: "Seed of the generated data.")
    var seed: UInt64 = 42

    @Flag(name: .long, help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard contacts >= 0, leads >= 0, contacts + leads > 0, max(contacts, leads) <= 1_000_000 else {
            throw ValidationError("--contacts and --leads are between 0 and 1000000, not both 0")
        }
        guard hubspotLimit > 0, searchPerSecond > 0 else { throw ValidationError("limits must be positive") }
        guard (0...1).contains(changed) else { throw ValidationError("--changed is a share between 0 and 1") }
    }

    struct Phase {
        var calls: [CRMSystem: Int] = [:]
        var records: [CRMSystem: Int] = [:]
        var seconds: [CRMSystem: Double] = [:]
        var wall: Double = 0
        var watermarks: [CRMSystem: Watermark] = [:]
    }

    func run() async throws {
        let logger = Logger.quiet("leadrelay.bench")
        let simulator = CRMSimulator()
        let people = max(contacts, leads)
        let both = Double(min(contacts, leads)) / Double(people)
        let generator = SeedGenerator(options: .init(seed: seed, people: people, bothShare: both,
                                                     hubspotOnlyShare: contacts >= leads ? 1 - both : 0))
        let summary = try await generator.populate(simulator.state)
        await simulator.state.setHubSpotTenSecondLimit(hubspotLimit)
        await simulator.state.setHubSpotSearchPerSecond(searchPerSecond)
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-bench-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (hubspotLimit, searchPerSecond, changedShare) = (self.hubspotLimit, self.searchPerSecond, self.changed)

        let report = try await simulator.withRunning { endpoints in
            let workspace = Workspace(directory: directory)
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            var configuration = try workspace.load()
            configuration.config.hubspot.rateLimit = .init(perTenSeconds: hubspotLimit, searchPerSecond: searchPerSecond)
            let connectors = try ConnectorFactory.connectors(configuration, logger: logger)
            // A fresh simulator is a fresh portal: LeadRelay's fields are set up first, as `leadrelay setup` does (not timed).
            _ = try await FieldSetup.run(configuration, connectors: connectors, dryRun: false)
            let mapping = configuration.mapping

            func phase(_ since: [CRMSystem: Watermark]) async throws -> Phase {
                let (results, wall) = try await pollAllLeads(connectors, mapping: mapping, since: since)
                var phase = Phase(wall: wall)
                for (system, (result, seconds)) in results {
                    phase.calls[system] = result.calls
                    phase.records[system] = result.items.count
                    phase.seconds[system] = seconds
                    phase.watermarks[system] = result.watermark ?? since[system]
                }
                return phase
            }

            let rateLimitedBefore = await simulator.state.rateLimited(.hubspot)
            let backfill = try await phase([:])
            // Change a share of each system, as marketing and sales do between cycles.
            let changedContacts = Int((Double(summary.hubspotContacts) * changedShare).rounded())
            let changedLeads = Int((Double(summary.salesforceLeads) * changedShare).rounded())
            let contactIDs = await simulator.state.hubspotRecords("contacts").prefix(changedContacts).map(\.id)
            try await simulator.state.bulkUpdateHubSpotRecords("contacts", ids: Array(contactIDs), properties: ["hs_lead_status": "OPEN"])
            for lead in await simulator.state.salesforceRecords("Lead").prefix(changedLeads) {
                try await simulator.state.setSalesforceLeadStatus(lead.id, status: "Working - Contacted")
            }
            let incremental = try await phase(backfill.watermarks)
            let idle = try await phase(incremental.watermarks)
            let rateLimited = await simulator.state.rateLimited(.hubspot) - rateLimitedBefore
            return (backfill, incremental, idle, changedContacts, changedLeads, rateLimited)
        }
        let (backfill, incremental, idle, changedContacts, changedLeads, rateLimited) = report

        func minimum(_ hubspot: Int, _ salesforce: Int) -> (Int, Int) {
            // One search page per 200 contacts, one query page per 2,000 rows; an empty read still costs one call.
            (max(1, (hubspot + 199) / 200), max(1, (salesforce + 1999) / 2000))
        }
        var figures: [String: Double] = [
            "seeded_contacts": Double(summary.hubspotContacts), "seeded_leads": Double(summary.salesforceLeads),
            "hubspot_429s": Double(rateLimited),
        ]
        let phases: [(name: String, phase: Phase, counts: (Int, Int))] = [
            ("backfill", backfill, (summary.hubspotContacts, summary.salesforceLeads)),
            ("incremental", incremental, (changedContacts, changedLeads)), ("idle", idle, (0, 0)),
        ]
        for (name, phase, counts) in phases {
            let (hubspotMin, salesforceMin) = minimum(counts.0, counts.1)
            let hubspotCalls = phase.calls[.hubspot] ?? 0, salesforceCalls = phase.calls[.salesforce] ?? 0
            figures["\(name)_hubspot_calls"] = Double(hubspotCalls)
            figures["\(name)_hubspot_min_calls"] = Double(hubspotMin)
            figures["\(name)_salesforce_calls"] = Double(salesforceCalls)
            figures["\(name)_salesforce_min_calls"] = Double(salesforceMin)
            figures["\(name)_calls_vs_minimum"] = Double(hubspotCalls + salesforceCalls) / Double(hubspotMin + salesforceMin)
            figures["\(name)_hubspot_records"] = Double(phase.records[.hubspot] ?? 0)
            figures["\(name)_salesforce_records"] = Double(phase.records[.salesforce] ?? 0)
            figures["\(name)_wall_seconds"] = phase.wall
            let hubspotSeconds = phase.seconds[.hubspot] ?? 0
            figures["\(name)_hubspot_seconds"] = hubspotSeconds
            figures["\(name)_salesforce_seconds"] = phase.seconds[.salesforce] ?? 0
            // Search is limited to searchPerSecond in any one second: call k can start no sooner than ⌊k / limit⌋ seconds in.
            let allowed = Double(max(0, hubspotCalls - 1) / searchPerSecond)
            figures["\(name)_hubspot_seconds_allowed_by_limits"] = allowed
            if allowed > 0 { figures["\(name)_hubspot_throughput_vs_limits"] = allowed / max(hubspotSeconds, 0.001) }
        }
        let read = Double((backfill.records[.hubspot] ?? 0) + (backfill.records[.salesforce] ?? 0))
        figures["backfill_records_per_second"] = read / max(backfill.wall, 0.001)
        try BenchReport(benchmark: "sync", figures: figures, notes: [
            "HubSpot limits enforced by the simulator and configured in LeadRelay: \(hubspotLimit) per 10 s, search \(searchPerSecond)/s.",
            "Minimum calls: one search page per 200 contacts, one query page per 2,000 leads; an idle read costs one call per object type.",
        ]).print(json: json)
    }
}
