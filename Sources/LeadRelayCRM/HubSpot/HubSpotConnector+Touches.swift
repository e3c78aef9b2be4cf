import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// Sales touches in HubSpot: calls, emails and meetings are engagement objects of their own (SLA-ALERTS-OPS §1),
/// read by search on their modification time like contacts, then tied to their contacts through the v4 associations.
extension HubSpotConnector {
    /// The properties read per engagement type, besides time and owner.
    static let engagementProperties: [String: [String]] = [
        "calls": ["hs_call_direction", "hs_call_status", "hs_call_disposition"],
        "emails": ["hs_email_direction", "hs_email_status", "hs_email_subject"],
        "meetings": ["hs_meeting_outcome", "hs_meeting_start_time"],
    ]

    /// The engagements of `type` changed since the watermark, as touches (and replies) of each associated contact.
    /// One that is not a touch (an inbound call, a scheduled email, a cancelled meeting) is read and left out; one
    /// without a readable time is reported and skipped.
    func engagements(_ type: String, since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity> {
        let properties = (Self.engagementProperties[type] ?? []) + ["hs_timestamp", "hs_createdate", "hubspot_owner_id", "hs_lastmodifieddate"]
        var rejected: [RejectedRecord] = []
        let read = try await search(type, modified: "hs_lastmodifieddate", properties: properties, since: since, lookback: lookback,
                                    maxPages: pagesPerPoll) { (id: String?, json: JSONValue) -> (id: String, kind: Activity.Kind, at: Date, owner: String?)? in
            guard let id else { return nil }
            let value = { (name: String) in json["properties"]?[name]?.flatText }
            let kind: Activity.Kind? = switch type {
            case "calls": SalesTouch.hubspotCall(direction: value("hs_call_direction"), status: value("hs_call_status"))
            case "emails": SalesTouch.hubspotEmail(direction: value("hs_email_direction"), status: value("hs_email_status"),
                                                   subject: value("hs_email_subject"))
            default: SalesTouch.hubspotMeeting(outcome: value("hs_meeting_outcome"))
            }
            guard let kind else { return nil }
            let timestamp = value("hs_timestamp").flatMap(CRMTimestamps.parse)
            let at = type == "meetings"
                ? SalesTouch.meetingTime(start: value("hs_meeting_start_time").flatMap(CRMTimestamps.parse) ?? timestamp,
                                         created: value("hs_createdate").flatMap(CRMTimestamps.parse))
                : timestamp
            guard let at else {
                rejected.append(RejectedRecord(system: .hubspot, object: type, id: id, reason: "\(type.dropLast()) without a readable hs_timestamp"))
                return nil
            }
            return (id, kind, at, value("hubspot_owner_id"))
        }
        var calls = read.calls
        var contacts: [String: [String]] = [:]
        for chunk in read.items.map(\.id).chunked(1000) {
            let body: JSONValue = ["inputs": .array(chunk.map { ["id": .string($0)] })]
            // 207 names the engagements with no contact: those are nobody's touch.
            let page = try await client.json("POST", "/crm/v4/associations/\(type)/contacts/batch/read", json: body)
            calls += 1
            for result in page["results"]?.arrayValue ?? [] {
                guard let from = result["from"]?["id"]?.flatText else { continue }
                contacts[from] = (result["to"]?.arrayValue ?? []).compactMap { $0["toObjectId"]?.flatText }
            }
        }
        var activities: [Activity] = []
        for item in read.items {
            for contact in contacts[item.id] ?? [] {
                activities.append(Activity(id: "hubspot-\(type):\(item.id):\(contact)", subject: RecordRef(system: .hubspot, object: "contacts", id: contact),
                                           kind: item.kind, occurredAt: item.at, actor: item.owner))
            }
        }
        return PollResult(items: activities, watermark: read.watermark ?? since, rejected: rejected, calls: calls, more: read.more)
    }
}
