import Foundation

/// What HubSpot's marketing APIs serve, from the behavioural events the simulator keeps: forms and their submissions
/// (Forms API, every tier), and marketing-email opens and clicks (email events API, Marketing Hub Starter and up). The
/// events API never has the email ones.
extension SimulatorState {
    static let emailEventTypes: Set<String> = ["e_clicked_email", "e_opened_email"]

    /// One form as the Forms API lists it.
    public struct HubSpotForm: Sendable, Hashable {
        public var id: String
        public var name: String
    }

    /// Every form a submission named, by name; its id is a stable GUID made from the name.
    public func hubspotForms() -> [HubSpotForm] {
        let names = Set(hubspotEvents.filter { $0.eventType == "e_submitted_form" }.compactMap { $0.properties["hs_form_name"] })
        return names.sorted().map { HubSpotForm(id: Self.formGUID($0), name: $0) }
    }

    /// A form's submissions, newest first, each with the contact's address at the time of asking.
    public func hubspotFormSubmissions(formID: String) -> [(event: HubSpotEvent, email: String?)] {
        hubspotEvents.filter { $0.eventType == "e_submitted_form" && $0.properties["hs_form_name"].map(Self.formGUID) == formID }
            .sorted { ($0.occurredAt, $0.id) > ($1.occurredAt, $1.id) }
            .map { ($0, hubspotRecords["contacts"]?[resolveHubSpotID("contacts", $0.objectId)]?.properties["email"]) }
    }

    /// Marketing-email opens and clicks at or after `start`, oldest first, each with its recipient's address.
    public func hubspotEmailEvents(since start: Date) -> [(event: HubSpotEvent, email: String?)] {
        hubspotEvents.filter { Self.emailEventTypes.contains($0.eventType) && $0.occurredAt >= start }
            .sorted { ($0.occurredAt, $0.id) < ($1.occurredAt, $1.id) }
            .map { ($0, hubspotRecords["contacts"]?[resolveHubSpotID("contacts", $0.objectId)]?.properties["email"]) }
    }

    /// A live record whose `property` equals `value` (an address compared as HubSpot does: case aside).
    public func hubspotRecord(_ type: String, where property: String, equals value: String) -> HubSpotRecord? {
        if type == "contacts", property == "email", let key = Self.emailKey(value) {
            return hubspotEmails[key].flatMap { hubspotRecords[type]?[$0] }.flatMap { $0.archived ? nil : $0 }
        }
        return hubspotRecords[type]?.values.sorted { $0.id < $1.id }.first { !$0.archived && $0.properties[property]?.lowercased() == value.lowercased() }
    }

    /// A GUID-shaped id derived from a form's name (FNV-1a, twice), as stable as HubSpot's own.
    static func formGUID(_ name: String) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return hash
        }
        let hex = String(format: "%016llx%016llx", fnv(0), fnv(0x9e37_79b9_7f4a_7c15))
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }
}
