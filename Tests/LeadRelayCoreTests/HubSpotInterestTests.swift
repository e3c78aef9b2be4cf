import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Interest from HubSpot contact properties: latest values and counter deltas")
struct HubSpotInterestTests {
    static let t0 = Date(timeIntervalSince1970: 1_760_000_000)

    static func contact(_ properties: [String: String?]) -> SourceRecord {
        SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "51"), modifiedAt: t0, fields: properties)
    }

    static func at(_ hours: Double) -> String { ISOTimestamp.format(t0.addingTimeInterval(hours * 3600)) }

    static func ids(_ activities: [Activity]) -> [String] { activities.map(\.id).sorted() }

    @Test("first read: the latest and the first conversion by name, the ones between unnamed at the first one's time; only the latest page view")
    func firstSight() {
        let record = Self.contact(["recent_conversion_event_name": "demo-request", "recent_conversion_date": Self.at(10),
                                   "first_conversion_event_name": "ebook", "first_conversion_date": Self.at(0), "num_conversion_events": "4",
                                   "hs_analytics_num_page_views": "250", "hs_analytics_last_url": "https://x.io/pricing",
                                   "hs_analytics_last_visit_timestamp": Self.at(9)])
        let found = HubSpotInterest.activities(from: record, previous: nil)
        let forms = found.filter { $0.kind == .formSubmission }
        #expect(forms.count == 4, "\(forms.map(\.id))")
        #expect(Set(forms.compactMap(\.form)) == ["demo-request", "ebook"])
        #expect(forms.filter { $0.form == nil }.map(\.id).sorted() == ["hubspot-property:51:form-submission:n2", "hubspot-property:51:form-submission:n3"])
        #expect(forms.filter { $0.form == nil }.allSatisfy { $0.occurredAt == Self.t0 })
        #expect(found.filter { $0.kind == .pageView }.map(\.url) == ["https://x.io/pricing"], "250 views of years past are not this quarter's interest")
        #expect(Self.ids(HubSpotInterest.activities(from: record, previous: nil)) == Self.ids(found), "the same ids every read")
        #expect(found.allSatisfy { $0.evidence == "HubSpot contact properties" })
    }

    @Test("between two reads every submission and page view the counters grew by counts once; the latest keeps its name and URL")
    func deltas() {
        let before = Self.contact(["recent_conversion_event_name": "webinar", "recent_conversion_date": Self.at(5), "num_conversion_events": "2",
                                   "first_conversion_event_name": "ebook", "first_conversion_date": Self.at(0),
                                   "hs_analytics_num_page_views": "10", "hs_analytics_last_url": "https://x.io/blog", "hs_analytics_last_visit_timestamp": Self.at(5)])
        var after = before
        after.fields["recent_conversion_event_name"] = "demo-request"
        after.fields["recent_conversion_date"] = Self.at(20)
        after.fields["num_conversion_events"] = "5"
        after.fields["hs_analytics_num_page_views"] = "14"
        after.fields["hs_analytics_last_url"] = "https://x.io/pricing"
        after.fields["hs_analytics_last_visit_timestamp"] = Self.at(19)
        let found = HubSpotInterest.activities(from: after, previous: before)
        let old = Set(HubSpotInterest.activities(from: before, previous: nil).map(\.id))
        let new = found.filter { !old.contains($0.id) }
        #expect(new.filter { $0.kind == .formSubmission }.count == 3, "5 − 2: \(new.map(\.id))")
        #expect(new.contains { $0.form == "demo-request" && $0.occurredAt == Self.t0.addingTimeInterval(20 * 3600) })
        #expect(new.filter { $0.kind == .formSubmission && $0.form == nil }.map(\.id).sorted()
                == ["hubspot-property:51:form-submission:n3", "hubspot-property:51:form-submission:n4"])
        let views = new.filter { $0.kind == .pageView }
        #expect(views.count == 4 && views.filter { $0.url == "https://x.io/pricing" }.count == 1, "14 − 10: \(views.map(\.id))")
        #expect(views.allSatisfy { $0.occurredAt == Self.t0.addingTimeInterval(19 * 3600) })
        // A counter read as null was 0: every view since counts.
        var unviewed = before
        unviewed.fields["hs_analytics_num_page_views"] = .some(nil)
        #expect(HubSpotInterest.activities(from: after, previous: unviewed).filter { $0.kind == .pageView }.count == 14)
        // Read again with nothing new: nothing new.
        #expect(Set(HubSpotInterest.activities(from: after, previous: after).map(\.id)).isSubset(of: Set(found.map(\.id))))
    }

    @Test("a version stored before the counters were read adds no unnamed ones; a deleted or non-contact record none at all")
    func conservative() {
        let older = Self.contact(["recent_conversion_event_name": "webinar", "recent_conversion_date": Self.at(5)])
        let now = Self.contact(["recent_conversion_event_name": "demo-request", "recent_conversion_date": Self.at(20), "num_conversion_events": "6",
                                "hs_analytics_num_page_views": "40", "hs_analytics_last_visit_timestamp": Self.at(19)])
        let found = HubSpotInterest.activities(from: now, previous: older)
        #expect(found.allSatisfy { !$0.id.contains(":n") }, "\(found.map(\.id))")
        for hostile in ["nan", "inf", "-4", "1e300", "12abc"] {
            var bad = now
            bad.fields["num_conversion_events"] = hostile
            bad.fields["hs_analytics_num_page_views"] = hostile
            #expect(HubSpotInterest.activities(from: bad, previous: now).allSatisfy { !$0.id.contains(":n") }, "\(hostile)")
            #expect(HubSpotInterest.activities(from: now, previous: bad).allSatisfy { !$0.id.contains(":n") }, "\(hostile)")
        }
        var deleted = now
        deleted.deleted = true
        #expect(HubSpotInterest.activities(from: deleted, previous: older).isEmpty)
        let lead = SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: "00Q1"), modifiedAt: Self.t0, fields: now.fields)
        #expect(HubSpotInterest.activities(from: lead, previous: nil).isEmpty)
    }

    @Test("every interest line says which evidence its points came from")
    func evidenceNamed() {
        let subject = RecordRef(system: .hubspot, object: "contacts", id: "51")
        let scorer = Scorer(config: Fixtures.scoring)
        let now = Fixtures.now
        let views = [Activity(id: "hubspot:1", subject: subject, kind: .pageView, occurredAt: now, url: "https://x.io/pricing"),
                     Activity(id: "hubspot-property:51:page-view:1", subject: subject, kind: .pageView, occurredAt: now.addingTimeInterval(-86_400), url: "https://x.io/pricing"),
                     Activity(id: "hubspot:2", subject: subject, kind: .pageView, occurredAt: now.addingTimeInterval(-60), url: "https://x.io/pricing")]
        let mixed = scorer.score(Fixtures.plainLead(["email": "a@b.io"]), activities: views, now: now)
        #expect(mixed.interest.first?.detail.hasPrefix("3 × page-view from 2 HubSpot events API, 1 HubSpot contact properties") == true, "\(mixed.interest)")
        let one = scorer.score(Fixtures.plainLead(["email": "a@b.io"]), activities: [views[1]], now: now)
        #expect(one.interest.first?.detail.hasPrefix("1 × page-view from HubSpot contact properties") == true, "\(one.interest)")
        #expect(Activity(id: "salesforce:00T1", subject: subject, kind: .call, occurredAt: now).evidence == "Salesforce tasks")
    }
}
