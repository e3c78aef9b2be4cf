import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
import LeadRelayCRM
@testable import LeadRelayEngine
import Testing
import LeadRelayHTTP

/// Random scenarios, with faults on: whatever marketing and sales do between cycles, and however the
/// network misbehaves, the store ends with exactly the record versions the CRMs hold.
@Suite("Random scenarios through the simulator")
struct RandomScenarioTests {
    @Test("the store ends with the simulator's truth", arguments: Array(UInt64(1)...12))
    func converges(seed: UInt64) async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: seed, people: 120)).populate(simulator.state)
        await simulator.state.setFaultSeed(seed)
        let faults = FaultPlan(serverErrorRate: 0.05, resetRate: 0.03, truncateRate: 0.03)
        await simulator.state.setFaults(faults, for: .hubspot)
        await simulator.state.setFaults(faults, for: .salesforce)
        await simulator.state.setSalesforceLateCommit(rate: 0.2, seconds: 2)
        await simulator.state.setHubSpotIndexLag(0.3)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.configure(endpoints, credentials: simulator.state.credentials, writes: false)
            let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
                .replacingOccurrences(of: "poll: { interval: 1s, lookback: 5s }", with: "poll: { interval: 1s, lookback: 5s, deletedEvery: 0s }")
            try workspace.write("leadrelay.yaml", text)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            let store = try Daemon.openStore(at: configuration.storePath)
            let credentials = simulator.state.credentials
            let transport = AsyncHTTPClientTransport()
            // Retries without waiting: the faults are the point, not the backoff.
            let connectors: [any CRMConnector] = [
                HubSpotConnector(client: APIClient(system: .hubspot, transport: transport,
                                                   auth: StaticTokenProvider(token: Secret(credentials.hubspotToken), baseURL: endpoints.hubspotBaseURL),
                                                   retry: RetryPolicy(maxAttempts: 8), sleep: { _ in }, jitter: { 0.5 })),
                SalesforceConnector(client: APIClient(system: .salesforce, transport: transport,
                                                      auth: SalesforceClientCredentials(loginURL: endpoints.salesforceLoginURL,
                                                                                        clientID: Secret(credentials.salesforceClientID),
                                                                                        clientSecret: Secret(credentials.salesforceClientSecret),
                                                                                        transport: transport),
                                                      retry: RetryPolicy(maxAttempts: 8), sleep: { _ in }, jitter: { 0.5 }),
                                    apiVersion: "v62.0"),
            ]
            let engine = try await Daemon.start(configuration, store: store, connectors: connectors).engine
            var rng = SeededRandom(seed: seed &* 7919)
            var failedCycles = 0
            for round in 0..<8 {
                try await act(on: simulator.state, round: round, rng: &rng)
                do { _ = try await engine.runCycle() } catch { failedCycles += 1 }   // a failed cycle commits nothing; the next one catches up
            }
            // Let the search index and late commits settle, then catch up with the faults off.
            await simulator.state.setFaults(.none, for: .hubspot)
            await simulator.state.setFaults(.none, for: .salesforce)
            await simulator.state.setSalesforceLateCommit(rate: 0, seconds: 0)
            try await Task.sleep(for: .milliseconds(400))
            _ = try await engine.runCycle()

            // Every live record's current version is in the store; everything deleted that the store saw is marked so.
            var mismatches: [String] = []
            let contacts = await simulator.state.hubspotRecords("contacts")
            let leads = await simulator.state.salesforceRecords("Lead")
            let refs = contacts.map { RecordRef(system: .hubspot, object: "contacts", id: String($0.id)) }
                + leads.map { RecordRef(system: .salesforce, object: "Lead", id: $0.id) }
            let stored = Dictionary(uniqueKeysWithValues: try await store.snapshots(refs).map { ($0.ref, $0) })
            for contact in contacts {
                let snapshot = stored[RecordRef(system: .hubspot, object: "contacts", id: String(contact.id))]
                if contact.archived {
                    if let snapshot, !snapshot.deleted { mismatches.append("contact \(contact.id) archived but live in the store") }
                } else if snapshot?.deleted != false || snapshot?.modifiedAt.epochMillis != contact.updatedAt.epochMillis
                            || snapshot?.value("email") != contact.properties["email"] {
                    mismatches.append("contact \(contact.id): store has \(String(describing: snapshot?.modifiedAt)), CRM \(contact.updatedAt)")
                }
            }
            for lead in leads {
                let snapshot = stored[RecordRef(system: .salesforce, object: "Lead", id: lead.id)]
                guard case .datetime(let stamp)? = lead.fields["SystemModstamp"] else { continue }
                let deleted = lead.fields["IsDeleted"] == .bool(true)
                if deleted {
                    if let snapshot, !snapshot.deleted { mismatches.append("lead \(lead.id) deleted but live in the store") }
                } else if snapshot?.deleted != false || snapshot?.modifiedAt.epochMillis != stamp.epochMillis
                            || .string(snapshot?.value("Status") ?? "") != lead.fields["Status"] {
                    mismatches.append("lead \(lead.id): store has \(String(describing: snapshot?.modifiedAt)), CRM \(stamp)")
                }
            }
            // Merged-away contacts are gone from the CRM's list; the store marks those it knew as deleted.
            let merged = await simulator.state.mergedAway()
            for loser in merged {
                if let snapshot = try await store.snapshots([RecordRef(system: .hubspot, object: "contacts", id: String(loser))]).first,
                   !snapshot.deleted {
                    mismatches.append("merged contact \(loser) live in the store")
                }
            }
            #expect(mismatches.isEmpty, "seed \(seed), \(failedCycles) failed cycles: \(mismatches.prefix(5))")
        }
    }

    /// What marketing and sales do between two cycles, drawn from the seed.
    func act(on state: SimulatorState, round: Int, rng: inout SeededRandom) async throws {
        let contacts = await state.hubspotRecords("contacts").filter { !$0.archived }
        let leads = await state.salesforceRecords("Lead").filter { $0.fields["IsDeleted"] != .bool(true) && $0.fields["IsConverted"] != .bool(true) }
        for step in 0..<Int.random(in: 3...12, using: &rng) {
            switch Int.random(in: 0..<9, using: &rng) {
            case 0:
                try await state.createHubSpotRecord("contacts", properties: ["email": "new\(round)-\(step)@scenario.io", "firstname": "N"])
            case 1:
                _ = try? await state.updateHubSpotRecord("contacts", id: rng.pick(contacts).id, properties: ["jobtitle": "T\(round)\(step)"])
            case 2:
                try? await state.archiveHubSpotRecord("contacts", id: rng.pick(contacts).id)
            case 3:
                let a = rng.pick(contacts), b = rng.pick(contacts)
                if a.id != b.id { _ = try? await state.mergeHubSpotContacts(primary: a.id, merged: b.id) }
            case 4:
                try await state.createSalesforceRecord("Lead", fields: ["LastName": .string("L\(round)"), "Company": "C", "Email": .string("l\(round)-\(step)@scenario.io")])
            case 5:
                try? await state.setSalesforceLeadStatus(rng.pick(leads).id, status: "Working - Contacted")
            case 6:
                try? await state.deleteSalesforceRecord("Lead", id: rng.pick(leads).id)
            case 7:
                // A workflow touches many contacts at once: one shared timestamp.
                let ids = (0..<40).map { _ in rng.pick(contacts).id }
                try? await state.bulkUpdateHubSpotRecords("contacts", ids: Array(Set(ids)), properties: ["hs_lead_status": "OPEN"])
            default:
                let a = rng.pick(leads), b = rng.pick(leads)
                if a.id != b.id { try? await state.mergeSalesforceRecords("Lead", master: a.id, loser: b.id) }
            }
        }
    }
}
