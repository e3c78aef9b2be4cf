import Foundation
import LeadRelayCore

/// HubSpot's calculated contact properties, which every tier has (the events API is Enterprise only): the latest
/// conversion, page view and marketing-email click and open, and their counts (CRM-APIS.md Part 6). They are read-only
/// through the API; an event moves them, and a contact whose properties move is modified.
extension SimulatorState {
    static let analyticsProperties: [HubSpotProperty] = [
        readOnly("recent_conversion_event_name", "Recent conversion", "string"), readOnly("recent_conversion_date", "Recent conversion date", "datetime"),
        readOnly("first_conversion_event_name", "First conversion", "string"), readOnly("first_conversion_date", "First conversion date", "datetime"),
        readOnly("num_conversion_events", "Number of form submissions", "number"),
        readOnly("hs_analytics_num_page_views", "Number of pageviews", "number"), readOnly("hs_analytics_last_url", "Last page seen", "string"),
        readOnly("hs_analytics_last_visit_timestamp", "Time of last session", "datetime"),
        readOnly("hs_email_last_click_date", "Last marketing email click date", "datetime"),
        readOnly("hs_email_last_open_date", "Last marketing email open date", "datetime"),
    ]

    static func readOnly(_ name: String, _ label: String, _ type: String) -> HubSpotProperty {
        HubSpotProperty(name: name, label: label, type: type, fieldType: type == "number" ? "number" : (type == "datetime" ? "date" : "text"),
                        options: [], readOnlyValue: true)
    }

    /// The properties after `event`, from `current` (a later event replaces "last" values; an earlier one only counts).
    static func analytics(after event: HubSpotEvent, _ current: [String: String]) -> [String: String] {
        var props = current
        let at = SimTime.hubspot(event.occurredAt)
        func later(_ name: String) -> Bool {
            props[name].flatMap(SimTime.parse).map { event.occurredAt > $0 } ?? true
        }
        func count(_ name: String) { props[name] = String((Int(props[name] ?? "0") ?? 0) + 1) }
        switch event.eventType {
        case "e_submitted_form":
            let form = event.properties["hs_form_name"] ?? "Form submission"
            if props["first_conversion_date"].flatMap(SimTime.parse).map({ event.occurredAt < $0 }) ?? true {
                props["first_conversion_event_name"] = form
                props["first_conversion_date"] = at
            }
            if later("recent_conversion_date") {
                props["recent_conversion_event_name"] = form
                props["recent_conversion_date"] = at
            }
            count("num_conversion_events")
        case "e_visited_page":
            count("hs_analytics_num_page_views")
            if later("hs_analytics_last_visit_timestamp") {
                props["hs_analytics_last_url"] = event.properties["hs_url"]
                props["hs_analytics_last_visit_timestamp"] = at
            }
        case "e_clicked_email":
            if later("hs_email_last_click_date") { props["hs_email_last_click_date"] = at }
        case "e_opened_email":
            if later("hs_email_last_open_date") { props["hs_email_last_open_date"] = at }
        default:
            break
        }
        return props
    }

    /// Applies an event to its contact's calculated properties; `touch` marks the contact modified now (a live event),
    /// as HubSpot does when those properties change.
    func applyAnalytics(_ event: HubSpotEvent, touch: Bool) {
        guard var record = hubspotRecords["contacts"]?[event.objectId], !record.archived else { return }
        let after = Self.analytics(after: event, record.properties)
        guard after != record.properties else { return }
        let before = record
        record.properties = after
        if touch {
            let stamp = now()
            record.updatedAt = stamp
            record.properties[HubSpotRecord.modifiedProperty(for: "contacts")] = SimTime.hubspot(stamp)
            reindex(&record, before: before)
        }
        storeHubSpot("contacts", event.objectId, record)
    }
}
