import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Pipeline")
struct PipelineTests {
    let pipeline = Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)

    var hotContact: SourceRecord {
        Fixtures.contact("51", ["email": " Morgan@Northwind.io ", "firstname": "Morgan", "lastname": "Reyes", "jobtitle": "VP Ops",
                                "numemployees": "1200", "industry": "HOSPITAL_HEALTH_CARE", "state": "MA", "lifecyclestage": "lead"])
    }
    var hotLead: SourceRecord {
        Fixtures.lead("00Q1", ["Email": "morgan@northwind.io", "LastName": "Reyes", "Company": "Northwind", "Status": "Open - Not Contacted"])
    }
    var coldContact: SourceRecord {
        Fixtures.contact("52", ["email": "sam@gmail.com", "jobtitle": "Student", "lifecyclestage": "subscriber"])
    }

    @Test("a merged-away record's link follows its survivor's person, in either CRM")
    func mergeFollowsSurvivor() {
        var loser = Fixtures.lead("00Q9", ["Email": "old@northwind.io", "MasterRecordId": "00Q1"])
        loser.deleted = true
        let survivorLink = RecordRef(system: .salesforce, object: "Lead", id: "00Q1")
        let plan = pipeline.plan(PipelineInput(records: [loser, hotLead], links: [loser.ref: PersonKey.email("old@northwind.io"), survivorLink: PersonKey.email("morgan@northwind.io")],
                                               now: Fixtures.now))
        let relink = plan.changes.first { if case .link(let ref) = $0.action { ref == loser.ref } else { false } }
        #expect(relink?.person == PersonKey.email("morgan@northwind.io"))
        #expect(relink?.reason.code == .linkedByCRMMerge)
        #expect(relink?.reason.facts["survivor"] == survivorLink.description)

        var tombstone = Fixtures.contact("77", [CRMFieldNames.hubspotMergedInto: "51"])
        tombstone.deleted = true
        let fresh = pipeline.plan(PipelineInput(records: [tombstone, hotContact], now: Fixtures.now))
        let links = fresh.changes.compactMap { change -> (RecordRef, SubjectKey)? in
            if case .link(let ref) = change.action { (ref, change.subject) } else { nil }
        }
        #expect(links.filter { $0.0 == tombstone.ref }.map(\.1) == [.person(.email("morgan@northwind.io"))], "linked once, to the survivor's person")
    }

    @Test("an MQL in both systems is linked, scored, routed, written to both and notified")
    func mqlInBoth() throws {
        let plan = pipeline.plan(PipelineInput(records: [hotContact, hotLead, coldContact], activities: [Fixtures.demoRequest("51")],
                                               routingState: RoutingState(open: ["chloe": 1]), now: Fixtures.now))
        let key = PersonKey.email("morgan@northwind.io")
        #expect(plan.changes.filter { $0.person == key && { if case .link = $0.action { true } else { false } }($0) }.count == 2)
        // Healthcare is least-loaded: ana holds nothing, chloe one lead.
        #expect(plan.assignments == [key: "ana"])
        let writes = plan.writes
        #expect(writes.count == 4, "a hand-off and a data write per record")
        // Routing's owner and stage in a request of their own, before any data: a value a CRM refuses cannot hold them back.
        let handoffs = writes.filter { $0.fields.keys.contains { ["hubspot_owner_id", "OwnerId"].contains($0) } }
        #expect(writes.prefix(2) == handoffs[...], "hand-offs go first")
        let hs = try #require(handoffs.first { $0.system == .hubspot })
        #expect(hs.operation == .update && hs.id == "51")
        #expect(hs.fields == ["hubspot_owner_id": "701", "lifecyclestage": "marketingqualifiedlead", "hs_lead_status": "NEW"])
        let sf = try #require(handoffs.first { $0.system == .salesforce })
        #expect(sf.operation == .update && sf.id == "00Q1")
        #expect(sf.fields == ["OwnerId": "005A"])
        #expect(sf.unmodifiedSince == hotLead.modifiedAt, "the owner write is conditional on the version routed from")
        #expect(sf.expected == ["Status": "Open - Not Contacted"], "guarded on the hand-off fields the snapshot read")
        #expect(hs.unmodifiedSince == nil && hs.expected == nil)
        // The mapped fields each side lacks (company, preferred from Salesforce; the rest from HubSpot) follow on their own.
        let hsData = try #require(writes.first { $0.system == .hubspot && !handoffs.contains($0) })
        #expect(hsData.id == "51" && hsData.fields == ["company": "Northwind"])
        let sfData = try #require(writes.first { $0.system == .salesforce && !handoffs.contains($0) })
        #expect(sfData.id == "00Q1" && sfData.fields == ["FirstName": "Morgan", "Title": "VP Ops", "State": "MA", "NumberOfEmployees": "1200", "Industry": "Healthcare"])
        #expect(sfData.unmodifiedSince == nil && sfData.expected == nil, "data follows the reconciliation, not the routed version")
        #expect(plan.notifications.count == 1)
        let note = try #require(plan.notifications.first)
        #expect(note.kind == .newMQL && note.recipient.repID == note.repID)
        #expect(note.lead.name == "Morgan Reyes" && note.lead.title == "VP Ops" && note.lead.score > 0)
        #expect(Set(note.lead.records) == Set(plan.writes.compactMap { write in write.id.map { RecordRef(system: write.system, object: write.object, id: $0) } }))
        #expect(plan.changes.allSatisfy { !$0.reason.text.isEmpty })
        // Every change says why in a code reports can count.
        let codes = Dictionary(grouping: plan.changes, by: \.reason.code).mapValues(\.count)
        #expect(codes[.routed] == 1 && codes[.crossedMQL] == 1 && codes[.notifyNewMQL] == 1 && codes[.writeOwner] == 2 && codes[.writeFields] == 2, "\(codes)")
    }

    @Test("a Salesforce owner write is guarded on the owner and status as read: empty where the lead had none, a queue's id where it had one")
    func ownerGuard() throws {
        var queued = hotLead
        queued.fields["OwnerId"] = "00G1"
        var unowned = hotLead
        unowned.fields["OwnerId"] = .some(nil)
        for (lead, owner) in [(queued, "00G1"), (unowned, "")] {
            let plan = pipeline.plan(PipelineInput(records: [hotContact, lead], activities: [Fixtures.demoRequest("51")], now: Fixtures.now))
            let sf = try #require(plan.writes.first { $0.system == .salesforce && $0.fields["OwnerId"] != nil })
            #expect(sf.expected == ["OwnerId": owner, "Status": "Open - Not Contacted"])
            #expect(sf.unmodifiedSince == lead.modifiedAt)
        }
    }

    @Test("an MQL only in HubSpot gets a Salesforce lead created with required fields filled")
    func createsMissingLead() throws {
        let plan = pipeline.plan(PipelineInput(records: [hotContact], activities: [Fixtures.demoRequest("51")],
                                               routingState: RoutingState(open: ["chloe": 1]), now: Fixtures.now))
        let create = try #require(plan.writes.first { $0.system == .salesforce })
        #expect(create.operation == .create)
        #expect(create.matchField == "Email" && create.matchValue == "morgan@northwind.io")
        #expect(create.fields["OwnerId"] == "005A")
        #expect(create.fields["Company"] == CRMFieldNames.notProvided)
        #expect(create.fields["LastName"] == "Reyes")
        #expect(create.fields["Industry"] == "Healthcare")
        #expect(create.fields["Status"] == "Open - Not Contacted")
    }

    @Test("non-MQLs are scored but never routed")
    func coldNotRouted() {
        let plan = pipeline.plan(PipelineInput(records: [coldContact], now: Fixtures.now))
        #expect(plan.assignments.isEmpty)
        #expect(plan.writes.isEmpty)
        #expect(plan.notifications.isEmpty)
    }

    @Test("people already assigned are not routed again, and unchanged scores are not re-planned")
    func idempotent() {
        let key = PersonKey.email("morgan@northwind.io")
        let first = pipeline.plan(PipelineInput(records: [hotContact, hotLead], activities: [Fixtures.demoRequest("51")], now: Fixtures.now))
        var scores: [PersonKey: Double] = [:]
        for change in first.changes { if case .score(let s) = change.action, let person = change.person { scores[person] = s.total } }
        var synced: [String: String?] = [:]
        for change in first.changes { if case .reconcile(let d) = change.action { synced[d.field] = .some(d.value) } }
        let links = Dictionary(uniqueKeysWithValues: [hotContact.ref, hotLead.ref].map { ($0, key) })
        // The first plan's writes applied, as the next poll reads them back: nothing more to do (a fixed point).
        let records = Self.applying(first.writes, to: [hotContact, hotLead])
        let second = pipeline.plan(PipelineInput(records: records, activities: [Fixtures.demoRequest("51")], links: links,
                                                 assignments: [key: "chloe"], previousScores: scores, synced: [key: synced], now: Fixtures.now))
        // Filled-in fields may move the score; nothing else changes.
        let rest = second.changes.filter { if case .score = $0.action { false } else { true } }
        #expect(rest.isEmpty, "\(rest.map(\.reason))")
    }

    /// Records as they read after `writes` were applied (and stamped a minute later).
    static func applying(_ writes: [RecordWrite], to records: [SourceRecord]) -> [SourceRecord] {
        records.map { record in
            var updated = record
            for write in writes where write.system == record.ref.system && write.id == record.ref.id {
                for (name, value) in write.fields { updated.fields[name] = value.isEmpty ? .some(nil) : .some(value) }
                updated.modifiedAt = record.modifiedAt.addingTimeInterval(60)
            }
            return updated
        }
    }

    @Test("the same input always gives the same plan")
    func deterministic() {
        let input = PipelineInput(records: [coldContact, hotLead, hotContact], activities: [Fixtures.demoRequest("51")], now: Fixtures.now)
        let shuffled = PipelineInput(records: [hotContact, coldContact, hotLead], activities: [Fixtures.demoRequest("51")], now: Fixtures.now)
        #expect(pipeline.plan(input) == pipeline.plan(shuffled))
    }

    @Test("sales-owned and disqualified people are left alone")
    func notRoutable() {
        var working = hotLead
        working.fields["Status"] = "Working - Contacted"
        let plan = pipeline.plan(PipelineInput(records: [hotContact, working], activities: [Fixtures.demoRequest("51")], now: Fixtures.now))
        #expect(plan.assignments.isEmpty)
        var dead = hotLead
        dead.fields["Status"] = "Closed - Not Converted"
        #expect(pipeline.plan(PipelineInput(records: [hotContact, dead], activities: [Fixtures.demoRequest("51")], now: Fixtures.now)).assignments.isEmpty)
    }

    @Test("deleted records are linked but not scored or routed")
    func deleted() {
        var gone = hotContact
        gone.deleted = true
        let plan = pipeline.plan(PipelineInput(records: [gone], activities: [Fixtures.demoRequest("51")], now: Fixtures.now))
        #expect(plan.assignments.isEmpty)
        #expect(plan.changes.count == 1)
    }

    @Test("a HubSpot stage ahead of MQL is never written backwards")
    func stageForwardOnly() throws {
        var customer = hotContact
        customer.fields["lifecyclestage"] = "opportunity"
        let plan = pipeline.plan(PipelineInput(records: [customer], activities: [Fixtures.demoRequest("51")], now: Fixtures.now))
        #expect(plan.assignments.isEmpty)
    }
}

@Suite("One rule decides which side wins")
struct OneVerdictTests {
    @Test("the lead scored is built from the cycle's reconciliation: a newer HubSpot record does not outvote Salesforce's change")
    func verdictFeedsScoring() throws {
        let pipeline = Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)
        let person = PersonKey.email("pat@acme.io")
        // HubSpot's record is the newer one (another field changed), its title still the synced "Engineer";
        // in Salesforce a rep set the title to "VP Sales" earlier.
        let hubspot = Fixtures.contact("51", ["email": "pat@acme.io", "jobtitle": "Engineer", "state": "TX"], at: Fixtures.now.addingTimeInterval(-60))
        let salesforce = Fixtures.lead("00Q1", ["Email": "pat@acme.io", "Title": "VP Sales", "State": "CA"], at: Fixtures.now.addingTimeInterval(-600))
        var input = PipelineInput(records: [hubspot, salesforce], links: [hubspot.ref: person, salesforce.ref: person],
                                  synced: [person: ["title": "Engineer", "state": "CA"]], now: Fixtures.now)
        input.assignments = [person: "ana"]
        let plan = pipeline.plan(input)
        let title = try #require(plan.changes.compactMap { change -> FieldDecision? in
            if case .reconcile(let decision) = change.action, decision.field == "title" { decision } else { nil }
        }.first)
        #expect(title.value == "VP Sales" && title.from == .salesforce, "the side that changed since the last sync wins")
        // The merge alone would take the newer record's title; the score must follow the verdict instead.
        #expect(FieldMerger(mapping: Fixtures.mapping).merge([hubspot, salesforce])["title"]?.value == "Engineer")
        let score = try #require(plan.changes.compactMap { change -> ScoreBreakdown? in
            if case .score(let score) = change.action { score } else { nil }
        }.first)
        #expect(score.fit.contains { $0.rule == "senior-title" }, "scored as a VP: \(score.fit.map(\.rule))")
        let lead = pipeline.assemble(personKey: person, records: [hubspot, salesforce], assigned: true, verdicts: ["title": "VP Sales", "state": "TX"])
        #expect(lead.fields["title"] == "VP Sales" && lead.fields["state"] == "TX")
    }
}

@Suite("Converted leads")
struct ConvertedLeadTests {
    let pipeline = Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)

    @Test("a lead Salesforce converts has moved on, whatever its status is called: the assignment closes and nothing is written to it")
    func conversionClosesAssignment() {
        let person = PersonKey.email("morgan@northwind.io")
        let before = Fixtures.lead("00Q1", ["Email": "morgan@northwind.io", "LastName": "Reyes", "Company": "Northwind", "Status": "Working"])
        let after = Fixtures.lead("00Q1", ["Email": "morgan@northwind.io", "LastName": "Reyes", "Company": "Northwind", "Status": "Qualified",
                                           "IsConverted": "true", "ConvertedContactId": "0035g000001AbCd"], at: Fixtures.now)
        let contact = Fixtures.contact("51", ["email": "morgan@northwind.io", "jobtitle": "CTO", "lifecyclestage": "marketingqualifiedlead"])
        var input = PipelineInput(records: [contact, after], links: [contact.ref: person, after.ref: person], assignments: [person: "ana"],
                                  now: Fixtures.now)
        input.previous = [after.ref: before, contact.ref: contact]
        let plan = pipeline.plan(input)
        let moved = plan.events.first { if case .lifecycleChanged(_, let to) = $0.kind { to == .sql } else { false } }
        #expect(moved?.cause.code == .lifecycleMovedOn, "\(plan.events.map(\.kind))")
        #expect(!plan.writes.contains { $0.system == .salesforce && $0.id == "00Q1" }, "a converted lead is never written")
        let contactRef = RecordRef(system: .salesforce, object: "Contact", id: "0035g000001AbCd")
        let link = plan.changes.first { if case .link(let ref) = $0.action { ref == contactRef } else { false } }
        #expect(link?.person == person && link?.reason.code == .linkedByConversion, "the person continues as the converted contact")
        // Linked once: the next plan, knowing the link, does not link it again.
        input.links[contactRef] = person
        #expect(!pipeline.plan(input).changes.contains { if case .link(let ref) = $0.action { ref == contactRef } else { false } })
    }
}

@Suite("Salesforce's placeholder for a required field")
struct NotProvidedTests {
    let pipeline = Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)

    @Test("'[not provided]' is no value: it never flows to HubSpot, and HubSpot's real value fills it in Salesforce")
    func placeholderIsBlank() throws {
        let person = PersonKey.email("pat@mercy.org")
        let lead = Fixtures.lead("00Q7", ["Email": "pat@mercy.org", "LastName": "Lopez", "Company": CRMFieldNames.notProvided])
        for (hubspotCompany, salesforceWrite) in [(nil, nil), ("Mercy Health", "Mercy Health")] as [(String?, String?)] {
            let contact = Fixtures.contact("61", ["email": "pat@mercy.org", "lastname": "Lopez", "company": hubspotCompany])
            let plan = pipeline.plan(PipelineInput(records: [contact, lead], links: [contact.ref: person, lead.ref: person], now: Fixtures.now))
            #expect(!plan.writes.contains { $0.system == .hubspot && $0.fields["company"] != nil }, "\(plan.writes)")
            #expect(plan.writes.first { $0.system == .salesforce && $0.fields["Company"] != nil }?.fields["Company"] == salesforceWrite)
        }
    }
}
