import Foundation

/// What Salesforce itself keeps true on a row when it is written: fields people cannot set, that follow others.
extension SimulatorState {
    /// The rules of `object`, applied to a row being created or updated at `stamp`.
    func applyRules(_ object: String, _ values: inout [String: SalesforceValue], stamp: Date) {
        switch object {
        case "Task": applyTaskRules(&values, stamp: stamp)
        case "Event": Self.applyEventRules(&values)
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

    /// An event's `ActivityDateTime` and `ActivityDate` follow its start, and its end and duration each other; a
    /// copy is never `IsChild` here (the simulator has no invitees).
    static func applyEventRules(_ values: inout [String: SalesforceValue]) {
        values["IsChild"] = .bool(false)
        values["IsGroupEvent"] = .bool(false)
        // Written as text through the API; kept as instants like the other times.
        for name in ["StartDateTime", "EndDateTime"] {
            if case .string(let text)? = values[name], let instant = SimTime.parse(text) { values[name] = .datetime(instant) }
        }
        guard case .datetime(let start)? = values["StartDateTime"] else { return }
        values["ActivityDateTime"] = .datetime(start)
        values["ActivityDate"] = .date(String(SimTime.hubspot(start).prefix(10)))
        if case .number(let minutes)? = values["DurationInMinutes"] {
            values["EndDateTime"] = .datetime(start.addingTimeInterval(minutes * 60))
        } else if case .datetime(let end)? = values["EndDateTime"] {
            values["DurationInMinutes"] = .number((end.timeIntervalSince(start) / 60).rounded())
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
