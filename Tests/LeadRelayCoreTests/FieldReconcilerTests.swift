import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Field reconciliation")
struct FieldReconcilerTests {
    static let early = Date(timeIntervalSince1970: 1_760_000_000), late = early.addingTimeInterval(60)

    func records(hs: String?, sf: String?, hubspotNewer: Bool = true) -> (SourceRecord, SourceRecord) {
        (SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "1"), modifiedAt: hubspotNewer ? Self.late : Self.early, fields: ["jobtitle": hs]),
         SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: "00Q1"), modifiedAt: hubspotNewer ? Self.early : Self.late, fields: ["Title": sf]))
    }

    func decide(_ rule: SyncRule, hs: String?, sf: String?, last: String?? = nil, hubspotNewer: Bool = true, clearBlanks: Bool = false) -> FieldDecision {
        let field = FieldMapping(canonical: "title", hubspot: "jobtitle", salesforce: "Title", type: .string, rule: rule, clearBlanks: clearBlanks)
        let (h, s) = records(hs: hs, sf: sf, hubspotNewer: hubspotNewer)
        return FieldReconciler(field: field).decide(hubspot: h, salesforce: s, last: last)!
    }

    @Test("equal values need nothing")
    func equal() {
        let d = decide(.twoWay, hs: "CTO", sf: "CTO", last: .some("CEO"))
        #expect(d.value == "CTO" && d.from == nil && d.writeTo.isEmpty)
    }

    @Test("two-way: the side that changed since the last sync wins, whichever record is newer")
    func changedSideWins() {
        // Salesforce's record is older, but only HubSpot's title moved away from the synced value... and vice versa.
        let hs = decide(.twoWay, hs: "CTO", sf: "CEO", last: .some("CEO"), hubspotNewer: false)
        #expect(hs.value == "CTO" && hs.from == .hubspot && hs.writeTo == [.salesforce] && !hs.conflict)
        let sf = decide(.twoWay, hs: "CEO", sf: "CFO", last: .some("CEO"), hubspotNewer: true)
        #expect(sf.value == "CFO" && sf.from == .salesforce && sf.writeTo == [.hubspot])
    }

    @Test("both changed to different values: a conflict, settled by the rule, with both values recorded")
    func conflicts() {
        let twoWay = decide(.twoWay, hs: "CTO", sf: "CFO", last: .some("CEO"), hubspotNewer: true)
        #expect(twoWay.conflict && twoWay.value == "CTO" && twoWay.hubspotValue == "CTO" && twoWay.salesforceValue == "CFO")
        #expect(twoWay.reason.contains("conflict"))
        let prefer = decide(.preferSalesforce, hs: "CTO", sf: "CFO", last: .some("CEO"), hubspotNewer: true)
        #expect(prefer.conflict && prefer.value == "CFO" && prefer.writeTo == [.hubspot])
    }

    @Test("never synced: the rule decides", arguments: [
        (SyncRule.twoWay, "CTO"), (.preferHubSpot, "CTO"), (.preferSalesforce, "CFO"), (.preferHubSpotUnlessBlank, "CTO"),
        (.preferSalesforceUnlessBlank, "CFO"), (.hubspotToSalesforce, "CTO"), (.salesforceToHubSpot, "CFO"),
    ])
    func firstSync(rule: SyncRule, expected: String) {
        #expect(decide(rule, hs: "CTO", sf: "CFO", hubspotNewer: true).value == expected)
    }

    @Test("one-way rules lead from their side even when the other side changed")
    func oneWay() {
        let d = decide(.hubspotToSalesforce, hs: "CEO", sf: "CFO", last: .some("CEO"))
        #expect(d.value == "CEO" && d.writeTo == [.salesforce], "Salesforce's own edit is overwritten from HubSpot")
        let back = decide(.salesforceToHubSpot, hs: "CTO", sf: "CEO", last: .some("CEO"))
        #expect(back.value == "CEO" && back.writeTo == [.hubspot])
    }

    @Test("a blank never clears a value unless the field opts in")
    func blanks() {
        let cleared = decide(.twoWay, hs: nil, sf: "CFO", last: .some("CFO"))
        #expect(cleared.value == "CFO" && cleared.writeTo == [.hubspot], "the blank side is filled back, not the other cleared")
        let preferred = decide(.preferHubSpot, hs: nil, sf: "CFO")
        #expect(preferred.value == "CFO" && preferred.writeTo == [.hubspot])
        let optedIn = decide(.twoWay, hs: nil, sf: "CFO", last: .some("CFO"), clearBlanks: true)
        #expect(optedIn.value == nil && optedIn.writeTo == [.salesforce])
    }

    @Test("fill-if-empty fills a blank side and never overwrites a value")
    func fillIfEmpty() {
        let fill = decide(.fillIfEmpty, hs: "CTO", sf: nil)
        #expect(fill.value == "CTO" && fill.writeTo == [.salesforce])
        let both = decide(.fillIfEmpty, hs: "CTO", sf: "CFO", last: .some("CEO"))
        #expect(both.writeTo.isEmpty && both.held != nil)
    }

    @Test("never: each keeps its own; picklist values without a translation are held, not written")
    func held() {
        #expect(decide(.never, hs: "CTO", sf: "CFO").writeTo.isEmpty)
        let field = FieldMapping(canonical: "industry", hubspot: "industry", salesforce: "Industry", type: .picklist, rule: .twoWay,
                                 values: ["COMPUTER_SOFTWARE": "Technology"])
        let hs = SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "1"), modifiedAt: Self.early, fields: ["industry": "COMPUTER_SOFTWARE"])
        let sf = SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: "00Q1"), modifiedAt: Self.late, fields: ["Industry": "Agriculture"])
        let d = FieldReconciler(field: field).decide(hubspot: hs, salesforce: sf, last: nil)!
        #expect(d.value == "Agriculture" && d.writeTo.isEmpty && d.held?.contains("no HubSpot option") == true)
        let translated = FieldReconciler(field: field).decide(
            hubspot: hs, salesforce: SourceRecord(ref: sf.ref, modifiedAt: Self.early.addingTimeInterval(-5), fields: ["Industry": "Finance"]), last: nil)!
        #expect(translated.value == "Technology" && translated.writeTo == [.salesforce], "a translated HubSpot option is written to Salesforce")
    }

    @Test("owner and LeadRelay fields are routing's, not reconciliation's")
    func skipped() {
        let owner = FieldMapping(canonical: "owner", hubspot: "hubspot_owner_id", salesforce: "OwnerId", type: .owner, rule: .leadrelay)
        let (h, s) = records(hs: "1", sf: "2")
        #expect(FieldReconciler(field: owner).decide(hubspot: h, salesforce: s, last: nil) == nil)
    }
}

@Suite("Field transforms")
struct FieldTransformTests {
    static let at = Date(timeIntervalSince1970: 1_760_000_000)

    func decide(_ field: FieldMapping, hs: String?, sf: String?, last: String?? = nil) -> FieldDecision {
        let h = SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "1"), modifiedAt: Self.at.addingTimeInterval(60),
                             fields: [field.hubspot!: hs])
        let s = SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: "00Q1"), modifiedAt: Self.at, fields: [field.salesforce!: sf])
        return FieldReconciler(field: field).decide(hubspot: h, salesforce: s, last: last)!
    }

    @Test("case makes values canonical: no write for a difference of case alone")
    func textCase() {
        var field = FieldMapping(canonical: "state", hubspot: "state", salesforce: "State", type: .string, rule: .twoWay)
        field.textCase = .upper
        let d = decide(field, hs: " ma ", sf: "MA")
        #expect(d.value == "MA" && d.writeTo.isEmpty)
        #expect(TextCase.title.apply("vICE president") == "Vice President")
    }

    @Test("dates and date-times compare as one instant however each system writes them")
    func dates() {
        #expect(FieldType.date.normalise("1759968000000") == "2025-10-09")
        #expect(FieldType.date.normalise("2025-10-09T00:00:00.000+0000") == "2025-10-09")
        #expect(FieldType.datetime.normalise("2024-06-10T17:01:44.000+0000") == FieldType.datetime.normalise("1718038904000"))
        let field = FieldMapping(canonical: "handoff", hubspot: "sales_handoff_date", salesforce: "Handoff__c", type: .date, rule: .twoWay)
        #expect(decide(field, hs: "1759968000000", sf: "2025-10-09").writeTo.isEmpty)
    }

    @Test("a default fills both blank sides, where the rule writes")
    func defaults() {
        var field = FieldMapping(canonical: "source", hubspot: "hs_source", salesforce: "LeadSource", type: .string, rule: .twoWay)
        field.defaultValue = "Web"
        let d = decide(field, hs: nil, sf: nil)
        #expect(d.value == "Web" && d.writeTo == [.hubspot, .salesforce])
        field.rule = .hubspotToSalesforce
        #expect(decide(field, hs: nil, sf: nil).writeTo == [.salesforce])
        #expect(decide(field, hs: "Event", sf: nil).value == "Event", "a default never replaces a value")
    }

    @Test("maxLength: truncate cuts once and then rests; reject holds the write back")
    func maxLength() {
        var field = FieldMapping(canonical: "title", hubspot: "jobtitle", salesforce: "Title", type: .string, rule: .twoWay)
        field.maxLength = 10
        field.overflow = .truncate
        let long = "Senior Director of Procurement"
        let cut = decide(field, hs: long, sf: nil)
        #expect(cut.value == "Senior Dir" && cut.writeTo == [.salesforce])
        let settled = decide(field, hs: long, sf: "Senior Dir", last: .some("Senior Dir"))
        #expect(settled.writeTo.isEmpty, "the cut value already stands: no write every cycle")
        field.overflow = .reject
        let held = decide(field, hs: long, sf: nil)
        #expect(held.writeTo.isEmpty && held.held?.contains("longer than maxLength 10") == true)
    }

    @Test("mapping files declare transforms; bad ones are located")
    func decoding() throws {
        let file = MappingFile(object: "lead", hubspot: .init(object: "contacts"), salesforce: .init(object: "Lead"), fields: [
            "email": .init(hubspot: "email", salesforce: "Email", type: "email", rule: "two-way", identifier: true),
            "state": .init(hubspot: "state", salesforce: "State", type: "string", rule: "two-way", case: "upper", default: "NY",
                           maxLength: 2, overflow: "truncate"),
            "employees": .init(hubspot: "numemployees", salesforce: "NumberOfEmployees", type: "integer", rule: "fill-if-empty", case: "lower",
                               maxLength: 0, overflow: "chop"),
        ])
        do {
            _ = try MappingSet(validating: file)
            Issue.record("bad transforms must be refused")
        } catch {
            let keys = Set(error.issues.map { $0.path.joined(separator: ".") })
            #expect(keys == ["fields.employees.case", "fields.employees.maxLength", "fields.employees.overflow"])
        }
    }
}

@Suite("Reconciling with what moved since the last read")
struct MovedReconcilerTests {
    let field = FieldMapping(canonical: "title", hubspot: "jobtitle", salesforce: "Title", type: .string, rule: .twoWay)
    let now = Date(timeIntervalSince1970: 1_760_000_000)

    func records(hs: String, sf: String) -> (SourceRecord, SourceRecord) {
        (SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "1"), modifiedAt: now, fields: ["jobtitle": hs]),
         SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: "2"), modifiedAt: now.addingTimeInterval(-60), fields: ["Title": sf]))
    }

    @Test("a side that did not move keeps no claim: the synced value stands and flows to it")
    func staleSide() throws {
        let (hs, sf) = records(hs: "VP", sf: "Engineer")
        let decision = try #require(FieldReconciler(field: field).decide(hubspot: hs, salesforce: sf, last: .some("VP"),
                                                                         moved: (hubspot: false, salesforce: false)))
        #expect(decision.value == "VP" && decision.from == .hubspot && !decision.conflict && decision.writeTo == [.salesforce])
        // Without knowing what moved, Salesforce's difference from the synced value reads as its change (as before).
        let blind = try #require(FieldReconciler(field: field).decide(hubspot: hs, salesforce: sf, last: .some("VP")))
        #expect(blind.value == "Engineer" && blind.from == .salesforce)
    }

    @Test("a side that moved leads; both moved is a conflict the rule settles")
    func moved() throws {
        let (hs, sf) = records(hs: "VP", sf: "CTO")
        let one = try #require(FieldReconciler(field: field).decide(hubspot: hs, salesforce: sf, last: .some("VP"), moved: (hubspot: false, salesforce: true)))
        #expect(one.value == "CTO" && one.from == .salesforce && !one.conflict)
        let both = try #require(FieldReconciler(field: field).decide(hubspot: hs, salesforce: sf, last: .some("Engineer"), moved: (hubspot: true, salesforce: true)))
        #expect(both.conflict && both.value == "VP", "two-way: the newer record wins a conflict")
    }
}
