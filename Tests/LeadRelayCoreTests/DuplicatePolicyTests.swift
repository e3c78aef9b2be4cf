import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Duplicates within one CRM: survivor and flags")
struct DuplicatePolicyTests {
    static let mapping: MappingSet = {
        var mapping = IdentityLinkerTests.mapping
        mapping.duplicates = DuplicatePolicy(flag: [.hubspot: "leadrelay_duplicate_of", .salesforce: "LeadRelay_Duplicate_Of__c"])
        return mapping
    }()
    let pipeline = Pipeline(mapping: Self.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)

    func contact(_ id: String, _ fields: [String: String?], minutesAgo: Double = 60) -> SourceRecord {
        Fixtures.contact(id, fields, at: Fixtures.now.addingTimeInterval(-minutesAgo * 60))
    }

    @Test("survivor rules in order: an owned record, then the most complete, then the first created, then the newest")
    func survivorRules() {
        let policy = Self.mapping.duplicates!
        let bare = contact("10", ["email": "a@acme.io"]), full = contact("11", ["email": "a@acme.io", "firstname": "A", "lastname": "B"])
        let owned = contact("12", ["email": "a@acme.io", "hubspot_owner_id": "701"])
        #expect(policy.survivor(of: [bare, full, owned], mapping: Self.mapping).ref.id == "12")
        #expect(policy.survivor(of: [bare, full], mapping: Self.mapping).ref.id == "11")
        // Equally complete: the first created (HubSpot ids are numbers: 9 before 10).
        let nine = contact("9", ["email": "a@acme.io"])
        #expect(policy.survivor(of: [bare, nine], mapping: Self.mapping).ref.id == "9")
        // Salesforce ids of one length sort as base 62 in ASCII order: digits, upper, lower case.
        #expect(DuplicatePolicy.createdBefore("00Q5g00000000ZZEAY", "00Q5g00000000a0EAY"))
        #expect(!DuplicatePolicy.createdBefore("00Q5g00000000a0EAY", "00Q5g00000000ZZEAY"))
        let newestFirst = DuplicatePolicy(flag: [:], survivor: [.newest])
        #expect(newestFirst.survivor(of: [contact("1", [:], minutesAgo: 5), contact("2", [:], minutesAgo: 50)], mapping: Self.mapping).ref.id == "1")
    }

    @Test("every record but the survivor is flagged with its id, with the evidence in the plan; the survivor gets the owner")
    func flags() {
        let work = contact("21", ["email": "kate.lee@acme.io", "firstname": "Kate", "lastname": "Lee", "company": "Acme", "phone": "617-555-0101",
                                  "jobtitle": "VP Ops", "numemployees": "1200", "industry": "HOSPITAL_HEALTH_CARE", "lifecyclestage": "lead"])
        let personal = contact("22", ["email": "katie.lee@gmail.com", "firstname": "Katie", "lastname": "Lee", "phone": "617-555-0101"])
        let person = PersonKey.email("kate.lee@acme.io")
        let input = PipelineInput(records: [work, personal], activities: [Fixtures.demoRequest("21"), Fixtures.demoRequest("22", daysAgo: 2)],
                                  links: [work.ref: person, personal.ref: person], now: Fixtures.now)
        let plan = pipeline.plan(input)
        let flag = plan.writes.first { $0.id == "22" }
        #expect(flag?.fields["leadrelay_duplicate_of"] == "21")
        let set = plan.changes.compactMap { if case .duplicates(let set) = $0.action { set } else { nil } }.first
        #expect(set?.survivor == work.ref)
        #expect(set?.duplicates.map(\.ref) == [personal.ref])
        #expect(set?.duplicates.first?.evidence.contains("phone +6") == true)
        // Routed: the owner goes to the survivor, never to the flagged duplicate.
        let owner = plan.writes.first { $0.fields["hubspot_owner_id"] != nil }
        #expect(owner?.id == "21")
        #expect(plan.writes.filter { $0.system == .hubspot && $0.id == "22" }.count == 1, "one write per record")
    }

    @Test("flags already in place write nothing; a stale flag on a lone record is cleared")
    func idempotent() {
        let person = PersonKey.email("kate.lee@acme.io")
        let work = contact("21", ["email": "kate.lee@acme.io", "firstname": "Kate", "lastname": "Lee", "hubspot_owner_id": "701"])
        let personal = contact("22", ["email": "katie.lee@gmail.com", "firstname": "Katie", "lastname": "Lee", "leadrelay_duplicate_of": "21"])
        let quiet = pipeline.plan(PipelineInput(records: [work, personal], links: [work.ref: person, personal.ref: person],
                                                assignments: [person: "ana"], now: Fixtures.now))
        #expect(quiet.writes.isEmpty)
        #expect(!quiet.changes.contains { if case .duplicates = $0.action { true } else { false } })
        // The duplicate was deleted in HubSpot: the survivor alone, and an old flag on it is cleared.
        var deleted = personal
        deleted.deleted = true
        let stale = contact("21", ["email": "kate.lee@acme.io", "hubspot_owner_id": "701", "leadrelay_duplicate_of": "22"])
        let cleared = pipeline.plan(PipelineInput(records: [stale, deleted], links: [stale.ref: person, personal.ref: person],
                                                  assignments: [person: "ana"], now: Fixtures.now))
        #expect(cleared.writes.first { $0.id == "21" }?.fields["leadrelay_duplicate_of"] == "")
    }

    @Test("the mapping file's duplicates block is checked: unknown rules, a flag that is a mapped field")
    func decoding() throws {
        let file = MappingFile(object: "lead", hubspot: .init(object: "contacts"), salesforce: .init(object: "Lead"),
                               fields: ["email": .init(hubspot: "email", salesforce: "Email", type: "email", rule: "two-way", identifier: true)],
                               duplicates: .init(flag: .init(hubspot: "email", salesforce: nil), survivor: ["owned", "loudest"]))
        do {
            _ = try MappingSet(validating: file)
            Issue.record("a bad duplicates block must fail")
        } catch {
            #expect(error.issues.contains { $0.keyPath == "duplicates.flag.hubspot" && $0.message.contains("mapped field") })
            #expect(error.issues.contains { $0.keyPath == "duplicates.survivor.1" && $0.message.contains("unknown survivor rule 'loudest'") })
        }
    }

    @Test("the audit finds a flag field the CRM does not have")
    func audit() {
        let hubspot = [CRMFieldSchema(name: "email", label: "Email", type: "string", updateable: true)]
        let findings = MappingAudit(mapping: Self.mapping, hubspot: hubspot, salesforce: []).run()
        #expect(findings.contains { $0.path == ["duplicates", "flag", "hubspot"] && $0.code == "missing-field" })
        var withReference = Self.mapping
        withReference.crossReference = [.hubspot: "salesforceleadid"]
        let more = MappingAudit(mapping: withReference, hubspot: hubspot, salesforce: []).run()
        #expect(more.contains { $0.path == ["crossReference", "hubspot"] && $0.code == "missing-field" })
    }

    static let mergingMapping: MappingSet = {
        var merging = DuplicatePolicyTests.mapping
        merging.duplicates?.mergeMinScore = 12
        merging.duplicates?.values = ["company": .newest]
        return merging
    }()

    @Test("with merging on, a HubSpot duplicate at or above the score is merged after the survivor takes the winning values")
    func merges() {
        let pipeline = Pipeline(mapping: Self.mergingMapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)
        let person = PersonKey.email("kate.lee@acme.io")
        let work = contact("21", ["email": "kate.lee@acme.io", "firstname": "Kate", "lastname": "Lee", "company": "Acme", "phone": "617-555-0101",
                                  "jobtitle": "Manager", "hubspot_owner_id": "701"], minutesAgo: 90)
        let personal = contact("22", ["email": "katie.lee@gmail.com", "firstname": "Katie", "lastname": "Lee", "company": "Acme Corp",
                                      "phone": "617-555-0101", "state": "MA"], minutesAgo: 10)
        let weak = contact("23", ["email": "k.lee@yahoo.com", "firstname": "Kate", "lastname": "Lee"])
        let plan = pipeline.plan(PipelineInput(records: [work, personal, weak], links: [work.ref: person, personal.ref: person, weak.ref: person],
                                               assignments: [person: "ana"], now: Fixtures.now))
        let merge = plan.writes.first { $0.operation == .merge }
        #expect(merge?.id == "21" && merge?.mergeFrom == "22")
        #expect(merge?.reason?.contains("score 13") == true)
        let update = plan.writes.first { $0.operation == .update && $0.id == "21" }
        #expect(update?.fields["state"] == "MA", "survivor rule: a blank is filled from the duplicate")
        #expect(update?.fields["company"] == "Acme Corp", "newest rule for company: the duplicate changed last")
        #expect(update?.fields["jobtitle"] == nil, "survivor rule: the survivor's own title stays")
        #expect(plan.writes.firstIndex { $0.operation == .update && $0.id == "21" }! < plan.writes.firstIndex { $0.operation == .merge }!)
        // Below the threshold (name only): flagged, not merged.
        #expect(plan.writes.first { $0.id == "23" }?.fields["leadrelay_duplicate_of"] == "21")
        #expect(!plan.writes.contains { $0.operation == .merge && $0.mergeFrom == "23" })
        let set = plan.changes.compactMap { if case .duplicates(let set) = $0.action { set } else { nil } }.first
        #expect(set?.duplicates.map(\.merge) == [true, false])

        // A record an undone merge restored is flagged, never merged again.
        var input = PipelineInput(records: [work, personal], links: [work.ref: person, personal.ref: person], assignments: [person: "ana"],
                                  now: Fixtures.now)
        input.mergeBlocked = [personal.ref]
        let blocked = pipeline.plan(input)
        #expect(!blocked.writes.contains { $0.operation == .merge })
        #expect(blocked.writes.first { $0.id == "22" }?.fields["leadrelay_duplicate_of"] == "21")
    }

    @Test("Salesforce duplicates are never merged, only flagged")
    func salesforceNotMerged() {
        let pipeline = Pipeline(mapping: Self.mergingMapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)
        let person = PersonKey.email("kate.lee@acme.io")
        let a = Fixtures.lead("00Q1", ["Email": "kate.lee@acme.io", "FirstName": "Kate", "LastName": "Lee", "Phone": "617-555-0101", "Company": "Acme"])
        let b = Fixtures.lead("00Q2", ["Email": "kate.lee@acme.io", "FirstName": "Kate", "LastName": "Lee", "Phone": "617-555-0101"])
        let plan = pipeline.plan(PipelineInput(records: [a, b], links: [a.ref: person, b.ref: person], assignments: [person: "ana"], now: Fixtures.now))
        #expect(!plan.writes.contains { $0.operation == .merge })
        #expect(plan.writes.first { $0.id == "00Q2" }?.fields["LeadRelay_Duplicate_Of__c"] == "00Q1")
    }

    @Test("merge settings are checked: a threshold that would merge on a name alone, unknown value rules and fields")
    func mergeSettings() {
        let file = MappingFile(object: "lead", hubspot: .init(object: "contacts"), salesforce: .init(object: "Lead"),
                               fields: ["email": .init(hubspot: "email", salesforce: "Email", type: "email", rule: "two-way", identifier: true)],
                               duplicates: .init(flag: nil, survivor: nil, merge: .init(hubspot: true, minScore: 5),
                                                 values: ["default": "loudest", "shoe": "newest"]))
        do {
            _ = try MappingSet(validating: file)
            Issue.record("bad merge settings must fail")
        } catch {
            #expect(error.issues.contains { $0.keyPath == "duplicates.merge.minScore" && $0.message.contains("name alone") })
            #expect(error.issues.contains { $0.keyPath == "duplicates.values.default" && $0.message.contains("unknown value rule 'loudest'") })
            #expect(error.issues.contains { $0.keyPath == "duplicates.values.shoe" && $0.message.contains("not a field") })
        }
    }
}
