import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Identity linking by evidence")
struct IdentityLinkerTests {
    /// The fixture mapping plus a phone field.
    static let mapping = MappingSet(object: "lead", hubspotObject: "contacts", salesforceObject: "Lead", fields: Fixtures.mapping.fields + [
        FieldMapping(canonical: "phone", hubspot: "phone", salesforce: "Phone", type: .phone, rule: .twoWay),
    ])
    let linker = IdentityLinker(mapping: Self.mapping)

    func contact(_ id: String, _ fields: [String: String?]) -> SourceRecord { Fixtures.contact(id, fields) }
    func lead(_ id: String, _ fields: [String: String?]) -> SourceRecord { Fixtures.lead(id, fields) }
    func key(_ record: SourceRecord) -> PersonKey { IdentityResolver(identifier: Fixtures.mapping.identifierField!).deterministicKey(for: record) }

    @Test("a personal address in HubSpot joins the known work-address lead: nickname, same phone, same company")
    func personalToWork() {
        let known = lead("00Q1", ["Email": "katherine.lee@acme.io", "FirstName": "Katherine", "LastName": "Lee", "Company": "Acme Inc.",
                                  "Phone": "(617) 555-0101", "State": "MA"])
        let new = contact("7", ["email": "katie.lee@gmail.com", "firstname": "Katie", "lastname": "Lee", "company": "ACME", "phone": "+1 617 555 0101"])
        let matches = linker.matches(new: [(new, key(new))], known: [(known, PersonKey.email("katherine.lee@acme.io"))])
        #expect(matches[new.ref]?.personKey == PersonKey.email("katherine.lee@acme.io"))
        #expect(matches[new.ref]?.matched == known.ref)
        #expect(matches[new.ref]?.evidence.contains("phone +6") == true)
        #expect(matches[new.ref]?.evidence.contains("name") == true)
    }

    @Test("colleagues on one switchboard at one company stay apart; so do namesakes at other companies")
    func lookAlikes() {
        let known = lead("00Q1", ["Email": "ana.silva@acme.io", "FirstName": "Ana", "LastName": "Silva", "Company": "Acme", "Phone": "617-555-0100"])
        let colleague = contact("8", ["email": "bo.chen@acme.io", "firstname": "Bo", "lastname": "Chen", "company": "Acme", "phone": "617-555-0100"])
        let namesake = contact("9", ["email": "ana.silva@globex.com", "firstname": "Ana", "lastname": "Silva", "company": "Globex"])
        let matches = linker.matches(new: [(colleague, key(colleague)), (namesake, key(namesake))], known: [(known, PersonKey.email("ana.silva@acme.io"))])
        #expect(matches.isEmpty)
    }

    @Test("a new record whose mailbox is a person already tracked stays with that person, even when another resembles it more")
    func mailboxOfKnownPerson() {
        let other = lead("00Q7", ["Email": "kim.park@acme.io", "FirstName": "Kim", "LastName": "Park", "Company": "Acme", "Phone": "617-555-0177"])
        let new = contact("41", ["email": "kimpark@gmail.com", "firstname": "Kim", "lastname": "Park", "company": "Acme", "phone": "617-555-0177"])
        // Without knowing that kimpark@gmail.com is tracked, the evidence joins the new record to the other person…
        #expect(linker.matches(new: [(new, key(new))], known: [(other, PersonKey.email("kim.park@acme.io"))])[new.ref] != nil)
        // …but a mailbox the store already tracks decides first.
        #expect(linker.matches(new: [(new, key(new))], known: [(other, PersonKey.email("kim.park@acme.io"))], knownKeys: [key(new)]).isEmpty)
    }

    @Test("a family sharing a personal domain and a home phone stays apart")
    func family() {
        let known = lead("00Q1", ["Email": "john@smithfamily.net", "FirstName": "John", "LastName": "Smith", "Phone": "617-555-0123"])
        let spouse = contact("12", ["email": "jane@smithfamily.net", "firstname": "Jane", "lastname": "Smith", "phone": "(617) 555-0123"])
        #expect(linker.matches(new: [(spouse, key(spouse))], known: [(known, PersonKey.email("john@smithfamily.net"))]).isEmpty)
    }

    @Test("two people already tracked are never joined here, even through a new record resembling both")
    func neverMergesKnownPeople() {
        let first = lead("00Q1", ["Email": "jo.park@acme.io", "FirstName": "Jo", "LastName": "Park", "Company": "Acme", "Phone": "617-555-0101"])
        let second = contact("5", ["email": "jo.park@gmail.com", "firstname": "Jo", "lastname": "Park", "company": "Acme", "phone": "617-555-0199"])
        let bridge = contact("6", ["email": "jpark@yahoo.com", "firstname": "Jo", "lastname": "Park", "company": "Acme", "phone": "617-555-0101"])
        let matches = linker.matches(new: [(bridge, key(bridge))], known: [(first, PersonKey.email("jo.park@acme.io")), (second, PersonKey.email("jo.park@gmail.com"))])
        #expect(matches[bridge.ref]?.personKey == PersonKey.email("jo.park@acme.io"), "the strongest evidence (phone) wins")
        #expect(matches.count == 1)
    }

    @Test("a new group joins only when it contradicts no member: no chain through one shared neighbour")
    func noChaining() {
        // The known person is Sam Ortiz at Acme in MA with a title; the new pair shares a mailbox (one group) but one of
        // them names another region and title.
        let known = lead("00Q1", ["Email": "sam.ortiz@acme.io", "FirstName": "Sam", "LastName": "Ortiz", "Company": "Acme", "State": "MA",
                                  "Title": "CFO", "Phone": "617-555-0101"])
        let a = contact("11", ["email": "samo@gmail.com", "firstname": "Sam", "lastname": "Ortiz", "company": "Acme", "state": "MA", "jobtitle": "CFO",
                               "phone": "617-555-0101"])
        let b = lead("00Q2", ["Email": "samo@gmail.com", "FirstName": "Samuel", "LastName": "Ortega", "Company": "Initech", "State": "TX",
                              "Title": "Intern", "Phone": "512-555-0199"])
        let matches = linker.matches(new: [(a, key(a)), (b, key(b))], known: [(known, PersonKey.email("sam.ortiz@acme.io"))])
        #expect(matches.isEmpty, "the mailbox keeps a and b together, and b contradicts the known person")
    }

    @Test("two new records in one cycle link to each other; the group takes the key that sorts first")
    func newWithNew() {
        let a = contact("21", ["email": "chris.wu@initech.com", "firstname": "Chris", "lastname": "Wu", "company": "Initech", "phone": "212-555-0142"])
        let b = lead("00Q9", ["Email": "cwu@hotmail.com", "FirstName": "Christopher", "LastName": "Wu", "Company": "Initech LLC", "Phone": "2125550142"])
        let matches = linker.matches(new: [(a, key(a)), (b, key(b))], known: [])
        #expect(matches[a.ref] == nil)
        #expect(matches[b.ref]?.personKey == PersonKey.email("chris.wu@initech.com"))
    }

    @Test("a role inbox is never the evidence: info@ with a different name stays apart")
    func roleInbox() {
        let known = lead("00Q1", ["Email": "info@acme.io", "FirstName": "Ana", "LastName": "Silva", "Company": "Acme"])
        let new = contact("3", ["email": "info@acme.io", "firstname": "Bo", "lastname": "Chen", "company": "Acme"])
        #expect(linker.matches(new: [(new, key(new))], known: [(known, PersonKey.record(RecordRef(system: .salesforce, object: "Lead", id: "00Q1")))]).isEmpty)
    }

    @Test("the pipeline links a matched record to the person with the evidence as its reason, and does not route them twice")
    func pipeline() {
        let pipeline = Pipeline(mapping: Self.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)
        let known = lead("00Q1", ["Email": "katherine.lee@acme.io", "FirstName": "Katherine", "LastName": "Lee", "Company": "Acme", "Phone": "617-555-0101"])
        let new = contact("7", ["email": "katie.lee@gmail.com", "firstname": "Katie", "lastname": "Lee", "company": "Acme", "phone": "617-555-0101",
                                "lifecyclestage": "lead"])
        let matches = linker.matches(new: [(new, key(new))], known: [(known, PersonKey.email("katherine.lee@acme.io"))])
        var input = PipelineInput(records: [known, new], activities: [Fixtures.demoRequest("7")], links: [known.ref: PersonKey.email("katherine.lee@acme.io")],
                                  assignments: [PersonKey.email("katherine.lee@acme.io"): "ana"], now: Fixtures.now)
        input.matches = matches
        let plan = pipeline.plan(input)
        let link = plan.changes.first { if case .link(let ref) = $0.action { ref == new.ref } else { false } }
        #expect(link?.person == PersonKey.email("katherine.lee@acme.io"))
        #expect(link?.reason.code == .linkedByEvidence)
        #expect(link?.reason.facts["matched"] == "salesforce/Lead/00Q1")
        #expect(plan.assignments.isEmpty, "already assigned: a second address does not make a second MQL")
    }

    @Test("a cross-reference the CRM keeps (salesforceleadid) links deterministically, whatever the names and addresses say")
    func crossReference() {
        var mapping = Self.mapping
        mapping.crossReference = [.hubspot: "salesforceleadid"]
        let linker = IdentityLinker(mapping: mapping)
        let known = lead("00Q5g00000000JCEAY", ["Email": "r.okafor@acme.io", "FirstName": "Rita", "LastName": "Okafor", "Company": "Acme"])
        // Another address, a married name, no phone: no evidence would link it; the integration's id does (15-character form).
        let new = contact("31", ["email": "rita.m@gmail.com", "firstname": "Rita", "lastname": "Mensah", "salesforceleadid": "00Q5g00000000JC"])
        #expect(linker.crossReferenceKeys(new) == ["xref:salesforce/Lead/00Q5g00000000JC"])
        #expect(linker.crossReferenceKeys(known) == ["xref:salesforce/Lead/00Q5g00000000JC"])
        #expect(linker.blockingKeys(new).contains("xref:salesforce/Lead/00Q5g00000000JC"), "the match index finds the lead by it")
        let matches = linker.matches(new: [(new, key(new))], known: [(known, PersonKey.email("r.okafor@acme.io"))])
        #expect(matches[new.ref]?.personKey == PersonKey.email("r.okafor@acme.io"))
        #expect(matches[new.ref]?.evidence == "cross-reference salesforce/Lead/00Q5g00000000JC")
        // Without the cross-reference configured, the same records stay apart.
        #expect(self.linker.matches(new: [(new, key(new))], known: [(known, PersonKey.email("r.okafor@acme.io"))]).isEmpty)
    }
}
