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
