import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCRM
@testable import LeadRelayEngine
import Testing

@Suite("Effects have identities: the same content may be planned again once done")
struct EffectIdentityTests {
    /// A HubSpot contact linked to a Salesforce lead, both as LeadRelay stored them.
    func pair(_ rig: Rig) async throws -> (hubspot: Int, salesforce: String) {
        let links = try await rig.store.allLinks()
        var byPerson: [SubjectKey: [RecordRef]] = [:]
        for (ref, person) in links { byPerson[person, default: []].append(ref) }
        for refs in byPerson.values.sorted(by: { $0.map(\.id).joined() < $1.map(\.id).joined() }) {
            guard let hubspot = refs.first(where: { $0.system == .hubspot && $0.object == "contacts" }),
                  let salesforce = refs.first(where: { $0.system == .salesforce && $0.object == "Lead" }),
                  refs.count == 2, let id = Int(hubspot.id),
                  let lead = await rig.simulator.state.salesforceRecord("Lead", id: salesforce.id),
                  lead.fields["IsConverted"] != .bool(true) else { continue }
            return (id, salesforce.id)
        }
        throw TestFailure("no person with exactly one contact and one open lead")
    }

    @Test("a HubSpot title set to X, then Y, then X again ends at X in Salesforce too (three edits, three cycles)")
    func xyx() async throws {
        try await withRig(people: 60) { rig in
            try await rig.engine.runCycle()
            try await rig.dispatcher.drain()
            let (contact, lead) = try await pair(rig)
            var written: [EffectID] = []
            for title in ["Title X", "Title Y", "Title X"] {
                _ = try await rig.simulator.state.updateHubSpotRecord("contacts", id: contact, properties: ["jobtitle": title])
                let result = try await rig.engine.runCycle()
                let stats = try await rig.dispatcher.drain()
                #expect(stats.failed == 0)
                #expect(result.plan.writes.contains { $0.system == .salesforce && $0.id == lead && $0.fields["Title"] == title })
                #expect(await rig.simulator.state.salesforceRecord("Lead", id: lead)?.fields["Title"] == .string(title),
                        "Salesforce follows HubSpot to \(title)")
                let entries = try await rig.store.outbox().filter {
                    if case .write(let write) = $0.payload { write.id == lead && write.fields["Title"] == title } else { false }
                }
                written.append(try #require(entries.last).effect)
            }
            #expect(await rig.simulator.state.hubspotRecord("contacts", id: contact)?.properties["jobtitle"] == "Title X")
            #expect(Set(written).count == 3, "three writes, three identities: \(written)")
            #expect(written == written.sorted(), "each from a later cycle")
            // Quiet afterwards: nothing more to write.
            let quiet = try await rig.engine.runCycle()
            #expect(quiet.plan.writes.isEmpty)
        }
    }

    @Test("while a write is pending, the side still waiting for it is no person's change: the next cycle does not write its old value back")
    func pendingWriteHolds() async throws {
        try await withRig(people: 60) { rig in
            try await rig.engine.runCycle()
            try await rig.dispatcher.drain()
            let (contact, lead) = try await pair(rig)
            let before = await rig.simulator.state.salesforceRecord("Lead", id: lead)?.fields["Title"]
            _ = try await rig.simulator.state.updateHubSpotRecord("contacts", id: contact, properties: ["jobtitle": "Title P"])
            let first = try await rig.engine.runCycle()
            #expect(first.plan.writes.contains { $0.system == .salesforce && $0.id == lead && $0.fields["Title"] == "Title P" })
            // The dispatcher has not run yet; HubSpot changes again, elsewhere on the record.
            _ = try await rig.simulator.state.updateHubSpotRecord("contacts", id: contact, properties: ["state": "VT"])
            let second = try await rig.engine.runCycle()
            #expect(!second.plan.writes.contains { $0.system == .hubspot && $0.fields["jobtitle"] != nil },
                    "Salesforce still shows \(String(describing: before)) only because the write is pending")
            let title = second.plan.changes.compactMap { change -> FieldDecision? in
                if case .reconcile(let decision) = change.action, decision.field == "title" { decision } else { nil }
            }
            #expect(title.allSatisfy { $0.value == "Title P" })
            try await rig.dispatcher.drain()
            #expect(await rig.simulator.state.salesforceRecord("Lead", id: lead)?.fields["Title"] == .string("Title P"))
            #expect(await rig.simulator.state.hubspotRecord("contacts", id: contact)?.properties["jobtitle"] == "Title P")
        }
    }

    @Test("a cycle over named records reads just those, by id, moves no watermark, and the next poll still sees everything else")
    func namedRecords() async throws {
        try await withRig(people: 60) { rig in
            try await rig.engine.runCycle()
            try await rig.dispatcher.drain()
            let (contact, lead) = try await pair(rig)
            let others = await rig.simulator.state.hubspotRecords("contacts").filter { !$0.archived && $0.id != contact }
            let other = try #require(others.first)
            _ = try await rig.simulator.state.updateHubSpotRecord("contacts", id: contact, properties: ["jobtitle": "Named title"])
            _ = try await rig.simulator.state.updateHubSpotRecord("contacts", id: other.id, properties: ["jobtitle": "Unnamed title"])
            let marks = try await rig.store.watermark(StreamID(.hubspot, "contacts"))
            let named = try await rig.engine.runCycle(source: .records([RecordRef(system: .hubspot, object: "contacts", id: String(contact))]))
            #expect(named.plan.writes.contains { $0.system == .salesforce && $0.id == lead && $0.fields["Title"] == "Named title" })
            #expect(!named.plan.writes.contains { $0.fields.values.contains("Unnamed title") })
            #expect(named.commit.watermarks.isEmpty && named.commit.snapshots.map(\.ref) == [RecordRef(system: .hubspot, object: "contacts", id: String(contact))])
            #expect(named.streams.first { $0.stream == "hubspot.contacts" }?.calls == 1, "one batch read")
            #expect(try await rig.store.watermark(StreamID(.hubspot, "contacts")) == marks)
            try await rig.dispatcher.drain()
            #expect(await rig.simulator.state.salesforceRecord("Lead", id: lead)?.fields["Title"] == .string("Named title"))
            // The poll after it: the unnamed change arrives; the named one is already known.
            let poll = try await rig.engine.runCycle()
            #expect(poll.commit.snapshots.contains { $0.ref.id == String(other.id) })
            #expect(!poll.plan.writes.contains { $0.fields.values.contains("Named title") })
            // A Salesforce lead named by id works the same way; an id the CRM does not have is left out.
            _ = try await rig.simulator.state.updateSalesforceRecord("Lead", id: lead, fields: ["Title": .string("From Salesforce")])
            let fromSalesforce = try await rig.engine.runCycle(source: .records([RecordRef(system: .salesforce, object: "Lead", id: lead),
                                                                                 RecordRef(system: .salesforce, object: "Lead", id: "00Q000000000000AAA")]))
            #expect(fromSalesforce.plan.writes.contains { $0.system == .hubspot && $0.id == String(contact) && $0.fields["jobtitle"] == "From Salesforce" })
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
