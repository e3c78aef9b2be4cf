import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// Sales touches in Salesforce beyond Tasks: Events (meetings) with a lead, by `SystemModstamp` like leads.
extension SalesforceConnector {
    /// Meetings with leads changed since the watermark; invitees' copies (`IsChild`) are the same meeting and left out.
    /// A meeting counts from when it was booked or held, whichever came first.
    func events(since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity> {
        let result = try await incremental(object: "Event", fields: ["Id", "IsDeleted", "WhoId", "OwnerId", "Subject", "StartDateTime",
                                                                    "ActivityDateTime", "IsChild", "CreatedDate", "SystemModstamp"],
                                           since: since, lookback: lookback)
        var activities: [Activity] = []
        var rejected = result.rejected
        for record in result.records where !record.deleted && record.value("IsChild")?.lowercased() != "true" {
            guard let who = record.value("WhoId"), who.hasPrefix("00Q") else { continue }
            let start = (record.value("StartDateTime") ?? record.value("ActivityDateTime")).flatMap(CRMTimestamps.parse)
            guard let at = SalesTouch.meetingTime(start: start, created: record.value("CreatedDate").flatMap(CRMTimestamps.parse)) else {
                rejected.append(RejectedRecord(system: .salesforce, object: "Event", id: record.ref.id, reason: "event without a readable StartDateTime or CreatedDate"))
                continue
            }
            activities.append(Activity(id: "salesforce-event:\(record.ref.id)", subject: RecordRef(system: .salesforce, object: "Lead", id: who),
                                       kind: .meeting, occurredAt: at, actor: record.value("OwnerId")))
        }
        return PollResult(items: activities, watermark: result.watermark, rejected: rejected, calls: result.calls)
    }
}
