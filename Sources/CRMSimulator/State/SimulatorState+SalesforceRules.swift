import Foundation

/// What Salesforce itself keeps true on a row when it is written: fields people cannot set, that follow others.
extension SimulatorState {
    /// The rules of `object`, applied to a row being created or updated at `stamp`.
    func applyRules(_ object: String, _ values: inout [String: SalesforceValue], stamp: Date) {
        switch object {
        case "Task": applyTaskRules(&values, stamp: stamp)
        case "Opportunity": Self.applyOpportunityRules(&values)
        case "CampaignMember": Self.applyCampaignMemberRules(&values, stamp: stamp)
        default: break
        }
    }

    /// An opportunity's `IsClosed` and `IsWon` follow its stage (read-only in Salesforce: the stage picklist decides).
    static func applyOpportunityRules(_ values: inout [String: SalesforceValue]) {
        let stage = values["StageName"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? ""
        values["IsClosed"] = .bool(SalesforceSchema.closedStages.contains(stage))
        values["IsWon"] = .bool(stage == "Closed Won")
    }

    /// A campaign member has responded while its status is `Responded`; the first day it did is kept.
    static func applyCampaignMemberRules(_ values: inout [String: SalesforceValue], stamp: Date) {
        let responded = values["Status"] == .string("Responded")
        values["HasResponded"] = .bool(responded)
        if responded, values["FirstRespondedDate"] == nil || values["FirstRespondedDate"] == .null {
            values["FirstRespondedDate"] = .date(String(SimTime.hubspot(stamp).prefix(10)))
        }
    }

    /// Tasks close when completed, and a lead's `LastActivityDate` follows its newest task.
    func applyTaskRules(_ values: inout [String: SalesforceValue], stamp: Date) {
        let closed = values["Status"] == .string("Completed") || values["Status"] == .string("Deferred")
        values["IsClosed"] = .bool(closed)
        if closed, values["CompletedDateTime"] == nil || values["CompletedDateTime"] == .null { values["CompletedDateTime"] = .datetime(stamp) }
        if case .string(let who)? = values["WhoId"], let lead = salesforceRecords["Lead"]?[who] {
            var fields = lead.fields
            fields["LastActivityDate"] = .date(String(SimTime.hubspot(stamp).prefix(10)))
            salesforceRecords["Lead"]?[who]?.fields = fields
        }
    }
}
