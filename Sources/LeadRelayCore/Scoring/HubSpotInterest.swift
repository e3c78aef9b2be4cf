import Foundation

/// Behaviour read from a HubSpot contact's calculated properties, for portals without the events API (it is an
/// Enterprise feature): the latest conversion (form submission), the latest page view and the latest marketing-email
/// click and open, each as one activity (CRM-APIS.md Part 6).
///
/// Only the latest of each shows, so this sees less than the events API: a lead whose demo request is its latest
/// conversion still crosses the line. Ids are built from the contact and the time, so reading the same contact again
/// adds nothing (the store keeps one activity per id).
public enum HubSpotInterest {
    public static let conversionName = "recent_conversion_event_name"
    public static let conversionDate = "recent_conversion_date"
    public static let lastURL = "hs_analytics_last_url"
    public static let lastVisit = "hs_analytics_last_visit_timestamp"
    public static let lastClick = "hs_email_last_click_date"
    public static let lastOpen = "hs_email_last_open_date"

    public static let firstConversionName = "first_conversion_event_name"
    public static let firstConversionDate = "first_conversion_date"
    public static let conversions = "num_conversion_events"
    public static let pageViews = "hs_analytics_num_page_views"

    /// The contact properties to read with every poll.
    public static let properties = [conversionName, conversionDate, lastURL, lastVisit, lastClick, lastOpen,
                                    firstConversionName, firstConversionDate, conversions, pageViews]

    /// The activities a contact's properties show, with what its counters add since `previous` (the version last
    /// read): the first conversion besides the latest; and, between two reads, every form submission and page view
    /// the counters grew by beyond the latest one, each as an activity of its own (no form name or URL: those only
    /// show for the latest), stamped with the latest one's time. A contact seen for the first time adds the
    /// submissions between its first and latest conversion (at the first one's time) but only its latest page view:
    /// years of browsing before LeadRelay read it are not this quarter's interest. A version read before the counters
    /// were (an older store) adds nothing beyond the named ones, so nothing is counted twice. Ids are the counter's
    /// ordinal, so reading again adds nothing.
    ///
    /// `named`: kinds another source reads one by one with their times (the Forms API): their counters add nothing.
    public static func activities(from record: SourceRecord, previous: SourceRecord?, named countedElsewhere: Set<Activity.Kind> = []) -> [Activity] {
        var found = activities(from: record)
        guard record.ref.system == .hubspot, record.ref.object == "contacts", !record.deleted else { return found }
        func date(_ name: String, _ source: SourceRecord?) -> Date? { source?.value(name).flatMap(ISOTimestamp.parse) }
        // A counter is a whole number of at most a million; anything else (NaN, "1e300", negative) is bad data and not counted.
        func number(_ text: String) -> Int? {
            guard let value = Double(text), value.isFinite, value >= 0, value <= 1_000_000 else { return nil }
            return Int(value)
        }
        func count(_ name: String, _ source: SourceRecord?) -> Int? { source?.value(name).flatMap(number) }
        // A counter read as null was read and is 0; one absent was never asked for (an older store's version).
        func counted(_ name: String, _ source: SourceRecord?) -> Int? {
            guard let entry = source?.fields[name] else { return nil }
            guard let text = entry else { return 0 }
            return number(text)
        }
        func unnamed(_ kind: Activity.Kind, ordinals: ClosedRange<Int>, at instant: Date) {
            guard !countedElsewhere.contains(kind) else { return }
            for ordinal in ordinals {
                found.append(Activity(id: "hubspot-property:\(record.ref.id):\(kind.rawValue):n\(ordinal)", subject: record.ref, kind: kind,
                                      occurredAt: instant))
            }
        }
        let recent = date(conversionDate, record)
        if let first = date(firstConversionDate, record), let name = record.value(firstConversionName), first != recent {
            found.append(named(.formSubmission, of: record, at: first, form: name))
        }
        if let total = count(conversions, record), let recent {
            if previous == nil, let first = date(firstConversionDate, record), first != recent, total >= 3 {
                unnamed(.formSubmission, ordinals: 2...(total - 1), at: first)
            } else if let before = counted(conversions, previous), total > before {
                let named = date(conversionDate, previous) != recent ? 1 : 0
                if total - before - named >= 1 { unnamed(.formSubmission, ordinals: (before + 1)...(total - named), at: recent) }
            }
        }
        if let views = count(pageViews, record), let before = counted(pageViews, previous), views > before, let last = date(lastVisit, record) {
            let named = date(lastVisit, previous) != last ? 1 : 0
            if views - before - named >= 1 { unnamed(.pageView, ordinals: (before + 1)...(views - named), at: last) }
        }
        return found
    }

    /// The activities a contact's properties show; none for a record that is not a live HubSpot contact.
    public static func activities(from record: SourceRecord) -> [Activity] {
        guard record.ref.system == .hubspot, record.ref.object == "contacts", !record.deleted else { return [] }
        var found: [Activity] = []
        func add(_ kind: Activity.Kind, at property: String, url: String? = nil, form: String? = nil) {
            guard let raw = record.value(property), let at = ISOTimestamp.parse(raw) else { return }
            found.append(named(kind, of: record, at: at, url: url, form: form))
        }
        if let form = record.value(conversionName) { add(.formSubmission, at: conversionDate, form: form) }
        add(.pageView, at: lastVisit, url: record.value(lastURL))
        add(.emailClick, at: lastClick)
        add(.emailOpen, at: lastOpen)
        return found
    }

    /// An activity a dated property shows, its id built from the contact, the kind and the time.
    static func named(_ kind: Activity.Kind, of record: SourceRecord, at instant: Date, url: String? = nil, form: String? = nil) -> Activity {
        Activity(id: id(contact: record.ref.id, kind, at: instant), subject: record.ref, kind: kind, occurredAt: instant, url: url, form: form)
    }

    /// The id of a contact's `kind` event at `instant`, whichever source reads it (the contact's properties, the Forms
    /// API, the email events API): the store keeps one activity per id, so an event two sources see counts once.
    public static func id(contact: String, _ kind: Activity.Kind, at instant: Date) -> String {
        let millis = Int64(exactly: (instant.timeIntervalSince1970 * 1000).rounded()) ?? 0
        return "hubspot-property:\(contact):\(kind.rawValue):\(millis)"
    }
}
