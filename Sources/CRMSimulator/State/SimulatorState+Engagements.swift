import Foundation
import LeadRelayCore

/// What reps do in HubSpot during a run: log calls and emails, book meetings — each an engagement object associated
/// with the contact, as HubSpot's own screens create them (not counted as API writes).
extension SimulatorState {
    /// Creates a call, email or meeting (`type`) on a contact's timeline with the given properties; `hs_timestamp`
    /// defaults to `at` (or now). Returns the engagement's id.
    @discardableResult
    public func logHubSpotEngagement(_ type: String, contact: Int, properties: [String: String], at time: Date? = nil) throws -> Int {
        guard let association = Self.engagementToContact[type] else {
            throw HubSpotError.validation("engagements are calls, emails or meetings; not \(type)")
        }
        var values = properties
        if values["hs_timestamp"] == nil, type != "meetings" || values["hs_meeting_start_time"] == nil {
            values["hs_timestamp"] = SimTime.hubspot(time ?? now())
        }
        return try hubspotCreate(type, properties: values, at: time, countAsAPIWrite: false,
                                 associations: [(to: contact, types: [association])]).id
    }
}
