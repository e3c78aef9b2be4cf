import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
import LeadRelayCRM
@testable import LeadRelayEngine
@testable import LeadRelayStore
import GRDB
import Testing

@Suite("Identity resolution in the daemon, against the generator's truth")
struct IdentityEngineTests {
    @Test("the daemon's links join records the truth says are one person, and almost never two people; evidence links are kept in the index")
    func againstTruth() async throws {
        let simulator = CRMSimulator()
        let seeded = try await SeedGenerator(options: .init(seed: 23, people: 400)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.configure(endpoints, credentials: simulator.state.credentials, writes: false)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            let daemon = try await Daemon.start(configuration)
            let (store, engine) = (daemon.store, daemon.engine)
            let first = try await engine.runCycle()
            let links = try await store.allLinks().filter { $0.key.object == "contacts" || $0.key.object == "Lead" }
            let truth = seeded.truth.personIndex()
            var people: [String: Int] = [:]
            var numbers: [String: Int] = [:]
            var predicted: [String: String] = [:]
            for (ref, person) in links {
                let id = "\(ref.system.rawValue)/\(ref.object)/\(ref.id)"
                guard let truePerson = truth[id] else { continue }
                predicted[id] = person.rawValue
                if numbers[truePerson] == nil { numbers[truePerson] = numbers.count }
                people[id] = numbers[truePerson]
            }
            let quality = ClusterQuality(predicted: predicted, truth: people)
            #expect(predicted.count >= 500)
            #expect(quality.precision >= 0.98, "pairwise precision \(quality.precision)")
            #expect(quality.recall >= 0.95, "pairwise recall \(quality.recall)")
            let byEvidence = first.plan.changes.filter { change in
                if case .link = change.action { change.reason.code == .linkedByEvidence } else { false }
            }
            #expect(!byEvidence.isEmpty, "some records are linked by evidence, not by mailbox")

            // A new contact with a personal address, the same phone as a known lead: linked in the next cycle by evidence.
            let leads = await simulator.state.salesforceRecords("Lead")
            func text(_ value: SalesforceValue?) -> String? { if case .string(let text)? = value, !text.isEmpty { text } else { nil } }
            let usable = leads.filter { text($0.fields["Phone"]) != nil && text($0.fields["FirstName"]) != nil && text($0.fields["Company"]) != nil }
            let lead = try #require(usable.first)
            let leadRef = RecordRef(system: .salesforce, object: "Lead", id: lead.id)
            let person = try #require(try await store.links(for: [leadRef])[leadRef])
            let id = try await simulator.state.createHubSpotRecord("contacts", properties: [
                "email": "someone.\(UUID().uuidString.prefix(6).lowercased())@gmail.com", "firstname": text(lead.fields["FirstName"])!,
                "lastname": text(lead.fields["LastName"])!, "company": text(lead.fields["Company"])!, "phone": text(lead.fields["Phone"])!])
            let second = try await engine.runCycle()
            let newRef = RecordRef(system: .hubspot, object: "contacts", id: String(id))
            let link = second.plan.changes.first { if case .link(let ref) = $0.action { ref == newRef } else { false } }
            #expect(link?.subject == person)
            #expect(link?.reason.code == .linkedByEvidence, "\(link?.reason.text ?? "no link")")
            #expect(link?.reason.facts["evidence"]?.contains("phone +6") == true, "\(link?.reason.text ?? "no link")")
        }
    }

    @Test("with crossReference configured, a contact naming a lead in salesforceleadid joins that lead's person")
    func crossReference() async throws {
        try await withSeededSimulator(seed: 29, people: 40) { simulator, endpoints in try await Self.crossReferenceScenario(simulator, endpoints) }
    }

    static func crossReferenceScenario(_ simulator: CRMSimulator, _ endpoints: CRMSimulator.Endpoints) async throws {
        let workspace = try TestWorkspace()
        let mapping = try String(contentsOfFile: workspace.directory + "/mapping.yaml", encoding: .utf8)
        try workspace.write("mapping.yaml", mapping + "crossReference: { hubspot: salesforceleadid }\n")
        try workspace.configure(endpoints, credentials: simulator.state.credentials, writes: false)
        let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
        #expect(configuration.mapping.crossReference == [.hubspot: "salesforceleadid"])
        #expect(configuration.mapping.fieldNames(in: .hubspot).contains("salesforceleadid"))
        let daemon = try await Daemon.start(configuration)
        let (store, engine) = (daemon.store, daemon.engine)
        try await engine.runCycle()
        let lead = try #require(await simulator.state.salesforceRecords("Lead").first)
        let leadRef = RecordRef(system: .salesforce, object: "Lead", id: lead.id)
        let person = try #require(try await store.links(for: [leadRef])[leadRef])
        let id = try await simulator.state.createHubSpotRecord("contacts", properties: [
            "email": "someone.else.\(UUID().uuidString.prefix(6).lowercased())@gmail.com", "firstname": "Unrelated", "lastname": "Name",
            "salesforceleadid": lead.id])
        let second = try await engine.runCycle()
        let newRef = RecordRef(system: .hubspot, object: "contacts", id: String(id))
        let link = second.plan.changes.first { if case .link(let ref) = $0.action { ref == newRef } else { false } }
        #expect(link?.subject == person)
        #expect(link?.reason.code == .linkedByCrossReference, "\(link?.reason.text ?? "no link")")
        #expect(link?.reason.facts["matched"] == "salesforce/Lead/\(lead.id)")
    }

    @Test("a store from before the match index is indexed once from its snapshots, without reading the CRMs again")
    func indexesOldStore() async throws {
        try await withRig(people: 40, writes: false) { rig in
            try await rig.engine.runCycle()
            // What a store from before the index looks like: the file as it was, with no match keys.
            let file = try DatabaseQueue(path: rig.configuration.storePath)
            try await file.write { db in try db.execute(sql: "DELETE FROM match_keys") }
            #expect(try await rig.store.read { try $0.matchIndexIsEmpty() })
            let quiet = try await rig.engine.runCycle()
            #expect(quiet.changedRecords == 0)
            #expect(!quiet.backfill, "indexing reads the snapshots, not the CRMs")
            #expect(!(try await rig.store.read { try $0.matchIndexIsEmpty() }))
            let indexed = try await file.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT system || object || id) FROM match_keys") ?? 0 }
            let people = try await rig.store.allLinks().keys.filter { $0.object == "contacts" || $0.object == "Lead" }.count
            #expect(indexed == people)
        }
    }
}
