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

    /// The contact properties to read with every poll.
    public static let properties = [conversionName, conversionDate, lastURL, lastVisit, lastClick, lastOpen]

    /// The activities a contact's properties show; none for a record that is not a live HubSpot contact.
    public static func activities(from record: SourceRecord) -> [Activity] {
        guard record.ref.system == .hubspot, record.ref.object == "contacts", !record.deleted else { return [] }
        var found: [Activity] = []
        func add(_ kind: Activity.Kind, at property: String, url: String? = nil, form: String? = nil) {
            guard let raw = record.value(property), let at = ISOTimestamp.parse(raw) else { return }
            let millis = Int64(exactly: (at.timeIntervalSince1970 * 1000).rounded()) ?? 0
            found.append(Activity(id: "hubspot-property:\(record.ref.id):\(kind.rawValue):\(millis)", subject: record.ref, kind: kind,
                                  occurredAt: at, url: url, form: form))
        }
        if let form = record.value(conversionName) { add(.formSubmission, at: conversionDate, form: form) }
        add(.pageView, at: lastVisit, url: record.value(lastURL))
        add(.emailClick, at: lastClick)
        add(.emailOpen, at: lastOpen)
        return found
    }
}
