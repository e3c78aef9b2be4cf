import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCLI
import LeadRelayEngine
import LeadRelayStore
import LeadRelayTestSupport
import Testing

@Suite("End to end on a fresh portal with faults")
struct FreshPortalEndToEndTests {
    @Test("shipped configuration, fresh portal and org, 1,500 people, 5 % 5xx, 2 % resets after apply, 429s, latency: every MQL owned in both CRMs by one rep, no refused owner write, no phantom conflict, one alert each, SIGTERM exit ≤ 10 s")
    func freshPortalUnderFaults() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 33, people: 1500)).populate(simulator.state)
        await simulator.state.setFaultSeed(33)
        for system in [CRMSystem.hubspot, .salesforce] {
            await simulator.state.setFaults(FaultPlan(serverErrorRate: 0.05, resetRate: 0.02, maxLatency: 0.05), for: system)
        }
        await simulator.state.setHubSpotTenSecondLimit(100)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-e2e-\(UUID().uuidString)"))
            // The shipped mapping, scoring and routing, as a new user runs them: no `setup`, so the duplicate flags are off.
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            let configuration = try workspace.load()
            let process = try startDaemon(workspace.configPath)
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            await simulator.state.inject([.hubspotRateLimit(policy: "TEN_SECONDLY_ROLLING", retryAfter: 2)], into: .hubspot)

            // Converged: assignments made, and the outbox empty and the assignment count unchanged for three seconds.
            let storePath = configuration.storePath
            while !FileManager.default.fileExists(atPath: storePath) { try await Task.sleep(for: .milliseconds(100)) }
            try await Task.sleep(for: .seconds(1))
            let store = try SQLiteStateStore(path: storePath)
            let deadline = Date().addingTimeInterval(150)
            var quietSince: Date?
            var lastCount = -1
            while Date() < deadline {
                let assigned = try await store.allAssignments().count
                let pending = try await store.outbox().filter { $0.status == .pending }.count
                if assigned > 0, pending == 0, assigned == lastCount {
                    if let since = quietSince, Date().timeIntervalSince(since) >= 3 { break }
                    quietSince = quietSince ?? Date()
                } else {
                    quietSince = nil
                }
                lastCount = assigned
                try await Task.sleep(for: .milliseconds(250))
            }
            let sent = Date()
            process.terminate()
            while process.isRunning, Date().timeIntervalSince(sent) < 30 { try await Task.sleep(for: .milliseconds(20)) }
            let took = Date().timeIntervalSince(sent)
            #expect(!process.isRunning && took <= 10, "stopped \(took) s after SIGTERM")
            #expect(process.terminationReason == .exit && process.terminationStatus == 0)

            let assignments = try await store.allAssignments()
            #expect(assignments.count >= 5, "MQLs were routed: \(assignments.count)")
            #expect(await simulator.state.rateLimited(.hubspot) > 0, "the run met a 429")
            let repEmail = Dictionary(uniqueKeysWithValues: configuration.routing.reps.map { ($0.id, $0.email.lowercased()) })
            let hubspotOwnerEmail = Dictionary(await simulator.state.hubspotOwnerList().map { ($0.id, $0.email.lowercased()) }) { a, _ in a }
            var salesforceUserEmail: [String: String] = [:]
            for user in await simulator.state.salesforceRecords("User") {
                if case .string(let email) = user.fields["Email"] { salesforceUserEmail[user.id] = email.lowercased() }
            }
            let people = try await store.people(Set(assignments.keys))
            for (person, assignment) in assignments {
                let refs = people.links.filter { $0.value == person }.map(\.key)
                let snapshots = try await store.snapshots(refs)
                let hubspot = configuration.mapping.primaryRecord(in: .hubspot, of: snapshots)?.ref
                let salesforce = configuration.mapping.primaryRecord(in: .salesforce, of: snapshots)?.ref
                    ?? refs.first { $0.system == .salesforce && $0.object == "Lead" }
                let want = repEmail[assignment.repID]
                var hsOwner: String?
                if let hubspot { hsOwner = await simulator.state.hubspotRecord("contacts", id: Int(hubspot.id) ?? -1)?.properties["hubspot_owner_id"] }
                var sfOwner: String?
                if let salesforce, case .string(let owner)? = await simulator.state.salesforceRecord("Lead", id: salesforce.id)?.fields["OwnerId"] {
                    sfOwner = owner
                }
                #expect(hsOwner.flatMap { hubspotOwnerEmail[$0] } == want, "\(person): HubSpot owned by \(assignment.repID)")
                #expect(sfOwner.flatMap { salesforceUserEmail[$0] } == want, "\(person): Salesforce owned by \(assignment.repID)")
            }
            let outbox = try await store.outbox()
            let ownerFields: Set<String> = ["hubspot_owner_id", "OwnerId"]
            let refusedOwner = outbox.filter { entry in
                guard case .write(let write) = entry.payload, write.fields.keys.contains(where: ownerFields.contains) else { return false }
                return entry.status == .failed || entry.refusedFields.keys.contains(where: ownerFields.contains)
            }
            #expect(refusedOwner.isEmpty, "refused owner writes: \(refusedOwner.map { $0.lastError ?? "" })")
            let conflicts = outbox.filter { ($0.lastError ?? "").contains("CHANGED_SINCE_READ") }
            #expect(conflicts.isEmpty, "phantom conflicts: \(conflicts.count)")
            // One alert per MQL: on its own, or counted in its rep's digest of leads idle past the horizon.
            let texts = await simulator.state.slackBodies().compactMap { $0["text"]?.stringValue }
            let single = texts.filter { $0.hasPrefix("New MQL for ") }.count
            let digested = texts.filter { $0.contains(" whose last activity was a while ago") }.map { Int($0.prefix { $0.isNumber }) ?? 0 }
            #expect(single + digested.count == texts.count && single + digested.reduce(0, +) == assignments.count,
                    "one alert per MQL: \(single) alone and \(digested) in digests for \(assignments.count)")
        }
    }
}
