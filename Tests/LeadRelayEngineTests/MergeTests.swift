import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
import LeadRelayCRM
@testable import LeadRelayEngine
import Testing

@Suite("Merging HubSpot duplicates, and undoing it")
struct MergeTests {
    @Test("a duplicate above the threshold is merged with before-images kept; undo restores it, resets the survivor, and it is never merged again")
    func mergeAndUndo() async throws {
        try await withSeededSimulator(seed: 11, people: 30) { simulator, endpoints in try await Self.scenario(simulator, endpoints) }
    }

    /// The scenario's body, a named function: one long closure crashed the Swift 6.3 compiler (signal 6).
    static func scenario(_ simulator: CRMSimulator, _ endpoints: CRMSimulator.Endpoints) async throws {
            let workspace = try TestWorkspace()
            let mapping = try String(contentsOfFile: workspace.directory + "/mapping.yaml", encoding: .utf8)
            try workspace.write("mapping.yaml", mapping.replacingOccurrences(of: "  survivor: [owned, most-complete, oldest]",
                                                                             with: "  survivor: [owned, most-complete, oldest]\n  merge: { hubspot: true, minScore: 12 }"))
            try workspace.configure(endpoints, credentials: simulator.state.credentials)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            #expect(configuration.mapping.duplicates?.mergeMinScore == 12)
            try await provision(configuration)
            let daemon = try await Daemon.start(configuration, notifier: .some(nil))
            #expect(daemon.configuration.mapping.duplicates?.mergeMinScore == 12, "the flag fields exist: duplicates stay on")
            let (store, connectors, engine, dispatcher) = (daemon.store, daemon.connectors, daemon.engine, daemon.dispatcher)
            try await engine.runCycle()
            try await dispatcher.drain()

            // One person, two contacts: a work address with a title, and a personal one with the state filled.
            let state = simulator.state
            let work = try await state.createHubSpotRecord("contacts", properties: [
                "email": "dana.reyes@initech.example", "firstname": "Dana", "lastname": "Reyes", "company": "Initech", "phone": "(617) 555-0199",
                "jobtitle": "Director of IT"])
            let personal = try await state.createHubSpotRecord("contacts", properties: [
                "email": "dana.reyes@gmail.com", "firstname": "Dana", "lastname": "Reyes", "company": "Initech Inc", "phone": "617.555.0199",
                "state": "MA"])
            let cycle = try await engine.runCycle()
            let merge = try #require(cycle.plan.writes.first { $0.operation == .merge })
            #expect(merge.id == String(work) && merge.mergeFrom == String(personal), "the more complete, older record survives")
            let survivorship = cycle.plan.writes.first { $0.operation == .update && $0.id == String(work) }
            #expect(survivorship?.fields["state"] == "MA", "the survivor takes the duplicate's value for a field it lacks")
            try await dispatcher.drain()
            #expect(await state.mergedAway().contains(personal))
            #expect(await state.hubspotRecord("contacts", id: work)?.properties["state"] == "MA")
            #expect(await state.hubspotRecord("contacts", id: work)?.properties["hs_additional_emails"] == "dana.reyes@gmail.com",
                    "HubSpot keeps the merged address on the survivor")

            let merges = try await store.merges()
            #expect(merges.count == 1)
            let record = try #require(merges.first)
            #expect(record.status == .done)
            #expect(record.mergedBefore["email"] == .some("dana.reyes@gmail.com"))
            #expect(record.survivorBefore["state"] == nil || record.survivorBefore["state"] == .some(nil))

            // Undo: the merged contact comes back with its own values; the survivor loses what the merge gave it.
            let undo = MergeUndo(store: store, mapping: configuration.mapping, connectors: connectors)
            let (plan, restored) = try await undo.run(record.id)
            #expect(plan.survivorFields["state"] == "")
            let back = try #require(await state.hubspotRecord("contacts", id: Int(restored)!))
            #expect(back.properties["email"] == "dana.reyes@gmail.com")
            #expect(back.properties["state"] == "MA")
            #expect(back.properties["leadrelay_duplicate_of"] == nil)
            #expect(await state.hubspotRecord("contacts", id: work)?.properties["state"] == nil)
            #expect(await state.hubspotRecord("contacts", id: work)?.properties["hs_additional_emails"] == nil, "the address left the survivor")
            #expect(try await store.merge(record.id)?.status == .undone)
            await #expect(throws: MergeUndo.Failure.self) { try await undo.run(record.id) }

            // The restored contact is the same person, flagged as a duplicate, not merged again.
            let after = try await engine.runCycle()
            #expect(!after.plan.writes.contains { $0.operation == .merge })
            let flag = after.plan.writes.first { $0.id == restored }
            #expect(flag?.fields["leadrelay_duplicate_of"] == String(work))
            let links = try await store.links(for: [RecordRef(system: .hubspot, object: "contacts", id: restored)])
            #expect(links.values.first == .person(.email("dana.reyes@initech.example")))
    }
}
