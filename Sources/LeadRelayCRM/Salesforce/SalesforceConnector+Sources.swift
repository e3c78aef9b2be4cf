import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// Campaign responses: `CampaignMember` rows that say the lead or contact responded (attended the webinar, filled the
/// campaign's form), one activity per membership, named by its campaign.
extension SalesforceConnector {
    public func pollSource(_ source: ActivitySource, since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity> {
        if source == .events { return try await events(since: since, lookback: lookback) }
        guard source == .campaigns else { return PollResult(items: [], watermark: since, calls: 0) }
        let result = try await incremental(object: "CampaignMember", fields: ["Id", "IsDeleted", "LeadId", "ContactId", "CampaignId", "HasResponded",
                                                                             "FirstRespondedDate", "SystemModstamp"],
                                           since: since, lookback: lookback)
        var rejected = result.rejected
        let responded = result.records.filter { !$0.deleted && $0.value("HasResponded")?.lowercased() == "true" }
        // The campaigns' names, for rules that score one campaign above another.
        var names: [String: String] = [:]
        var calls = result.calls
        for chunk in Set(responded.compactMap { $0.value("CampaignId") }).sorted().chunked(200) {
            let ids = chunk.map(SOQL.quote).joined(separator: ", ")
            let campaigns = try await query("SELECT Id, Name FROM Campaign WHERE Id IN (\(ids))", all: true)
            calls += campaigns.calls
            for row in campaigns.rows { if let id = row["Id"]?.stringValue, let name = row["Name"]?.stringValue { names[id] = name } }
        }
        var activities: [Activity] = []
        for member in responded {
            let subject: RecordRef
            if let lead = member.value("LeadId"), lead.hasPrefix("00Q") {
                subject = RecordRef(system: .salesforce, object: "Lead", id: lead)
            } else if let contact = member.value("ContactId"), contact.hasPrefix("003") {
                subject = RecordRef(system: .salesforce, object: "Contact", id: contact)
            } else {
                rejected.append(RejectedRecord(system: .salesforce, object: "CampaignMember", id: member.ref.id, reason: "campaign member with neither a lead nor a contact"))
                continue
            }
            activities.append(Activity(id: "salesforce-campaign:\(member.ref.id)", subject: subject, kind: .campaignResponse,
                                       occurredAt: Self.respondedAt(member), form: member.value("CampaignId").flatMap { names[$0] }))
        }
        return PollResult(items: activities, watermark: result.watermark, rejected: rejected, calls: calls)
    }

    /// When the member responded: `FirstRespondedDate` is a day; on the day the row last changed, that change is the
    /// moment (it is when the response was recorded), else the day's start in UTC.
    static func respondedAt(_ member: SourceRecord) -> Date {
        guard let day = member.value("FirstRespondedDate"), let start = ISOTimestamp.parse(day + "T00:00:00Z") else { return member.modifiedAt }
        return member.modifiedAt.timeIntervalSince(start) < 86_400 && member.modifiedAt >= start ? member.modifiedAt : start
    }
}
