import Foundation
import LeadRelayCore

/// What sales reps and admins do in Salesforce during a run: log calls, change status, convert, merge, delete.
extension SimulatorState {
    /// Logs an activity against a lead or contact; a completed one counts as a touch. Returns the Task id.
    @discardableResult
    public func logSalesforceTask(whoID: String, subject: String, subtype: String = "Call", status: String = "Completed",
                                  ownerID: String? = nil, at time: Date? = nil) throws -> String {
        var fields: [String: SimJSON] = ["WhoId": .string(whoID), "Subject": .string(subject), "TaskSubtype": .string(subtype),
                                           "Status": .string(status)]
        if let ownerID { fields["OwnerId"] = .string(ownerID) }
        return try salesforceCreate("Task", fields: fields, at: time, countAsAPIWrite: false)
    }

    /// A rep books (or logs) a meeting with a lead or contact. Returns the Event id.
    @discardableResult
    public func logSalesforceEvent(whoID: String, subject: String, start: Date, minutes: Int = 30, ownerID: String? = nil,
                                   at time: Date? = nil) throws -> String {
        var fields: [String: SimJSON] = ["WhoId": .string(whoID), "Subject": .string(subject), "StartDateTime": .string(SimTime.salesforce(start)),
                                           "DurationInMinutes": .number(Double(minutes))]
        if let ownerID { fields["OwnerId"] = .string(ownerID) }
        return try salesforceCreate("Event", fields: fields, at: time, countAsAPIWrite: false)
    }

    /// Marketing adds a lead or contact to a campaign (created by name when the org has none of that name), with the
    /// member's status: `Responded` is a response. Returns the member's id.
    @discardableResult
    public func addCampaignMember(campaign name: String, memberID: String, status: String = "Responded", at time: Date? = nil) throws -> String {
        let campaign = try salesforceRecords["Campaign"]?.values.sorted(by: { $0.id < $1.id }).first { $0.fields["Name"] == .string(name) }?.id
            ?? salesforceCreate("Campaign", fields: ["Name": .string(name), "Type": "Webinar", "Status": "In Progress", "IsActive": true],
                                at: time, countAsAPIWrite: false)
        let who: String = memberID.hasPrefix("003") ? "ContactId" : "LeadId"
        return try salesforceCreate("CampaignMember", fields: ["CampaignId": .string(campaign), who: .string(memberID), "Status": .string(status)],
                                    at: time, countAsAPIWrite: false)
    }

    /// A person edits a record in the Salesforce UI (any updateable fields).
    public func updateSalesforceRecord(_ object: String, id: String, fields: [String: SimJSON]) throws {
        try salesforceUpdate(object, id: id, fields: fields, countAsAPIWrite: false)
    }

    /// A rep moves a lead along (or out): status, and the disqualification reason when given.
    public func setSalesforceLeadStatus(_ id: String, status: String, reason: String? = nil) throws {
        var fields: [String: SimJSON] = ["Status": .string(status)]
        if let reason { fields["Disqualification_Reason__c"] = .string(reason) }
        try salesforceUpdate("Lead", id: id, fields: fields, countAsAPIWrite: false)
    }

    /// Soft-deletes a row: `query` stops returning it, `queryAll` shows it with `IsDeleted = true`.
    public func deleteSalesforceRecord(_ object: String, id: String) throws {
        try salesforceDelete(object, id: id, countAsAPIWrite: false)
    }

    /// Converts a lead: creates its Account (unless given) and Contact, and an Opportunity when `opportunity` names one
    /// (its name and amount, at the first open stage), and marks the lead converted and read-only.
    @discardableResult
    public func convertSalesforceLead(_ id: String, accountID: String? = nil,
                                      opportunity: (name: String, amount: Double?)? = nil) throws -> (account: String, contact: String, opportunity: String?) {
        guard let lead = salesforceRecords["Lead"]?[id], lead.fields["IsDeleted"] != .bool(true) else {
            throw SalesforceError(status: 404, errorCode: "NOT_FOUND", message: "The requested resource does not exist")
        }
        guard lead.fields["IsConverted"] != .bool(true) else {
            throw SalesforceError(status: 400, errorCode: "CANNOT_UPDATE_CONVERTED_LEAD", message: "cannot reference converted lead")
        }
        let owner = lead.fields["OwnerId"] ?? .null
        let account = try accountID ?? salesforceCreate("Account", fields: [
            "Name": .string(lead.fields["Company"]?.text ?? "Unknown"), "Website": lead.fields["Website"]?.json ?? .null, "OwnerId": owner.json,
        ], countAsAPIWrite: false)
        let contact = try salesforceCreate("Contact", fields: [
            "FirstName": lead.fields["FirstName"]?.json ?? .null, "LastName": lead.fields["LastName"]?.json ?? "Unknown",
            "Email": lead.fields["Email"]?.json ?? .null, "Title": lead.fields["Title"]?.json ?? .null,
            "AccountId": .string(account), "OwnerId": owner.json,
        ], countAsAPIWrite: false)
        let deal = try opportunity.map { deal in
            try salesforceCreate("Opportunity", fields: [
                "Name": .string(deal.name), "StageName": "Prospecting", "AccountId": .string(account), "OwnerId": owner.json,
                "CloseDate": .string(String(SimTime.hubspot(now().addingTimeInterval(30 * 86_400)).prefix(10))),
                "Amount": deal.amount.map(SimJSON.number) ?? .null,
            ], countAsAPIWrite: false)
        }
        let stamp = commitStamp()
        var row = lead
        if let deal { row.fields["ConvertedOpportunityId"] = .string(deal) }
        row.fields["IsConverted"] = .bool(true)
        row.fields["Status"] = .string("Closed - Converted")
        row.fields["ConvertedDate"] = .date(String(SimTime.hubspot(stamp).prefix(10)))
        row.fields["ConvertedAccountId"] = .string(account)
        row.fields["ConvertedContactId"] = .string(contact)
        row.fields["LastModifiedDate"] = .datetime(stamp)
        row.fields["SystemModstamp"] = .datetime(stamp)
        salesforceRecords["Lead"]?[id] = row
        return (account, contact, deal)
    }

    /// Merges `loser` into `master`: the loser is deleted with `MasterRecordId` pointing at the master.
    public func mergeSalesforceRecords(_ object: String, master: String, loser: String) throws {
        guard salesforceRecords[object]?[master] != nil, var row = salesforceRecords[object]?[loser] else {
            throw SalesforceError(status: 404, errorCode: "NOT_FOUND", message: "The requested resource does not exist")
        }
        let stamp = commitStamp()
        row.fields["IsDeleted"] = .bool(true)
        row.fields["MasterRecordId"] = .string(master)
        row.fields["SystemModstamp"] = .datetime(stamp)
        salesforceRecords[object]?[loser] = row
        salesforceRecords[object]?[master]?.fields["SystemModstamp"] = .datetime(stamp)
    }

    // MARK: Knobs

    /// The org's 24-hour API allowance; past it every call is refused with `403 REQUEST_LIMIT_EXCEEDED`.
    public func setSalesforceDailyLimit(_ limit: Int) { salesforceDailyLimit = limit }

    /// Per-record write failures by status code and rate, e.g. `["UNABLE_TO_LOCK_ROW": 0.1]`.
    public func setSalesforceRecordFaults(_ rates: [String: Double]) { salesforceRecordFaults = rates }

    /// A share of writes get a `SystemModstamp` this many seconds in the past, as long transactions do.
    public func setSalesforceLateCommit(rate: Double, seconds: Double) { salesforceLateCommit = (rate, seconds) }

    // MARK: Helpers

    /// The Salesforce rows and write log as they are now, to undo an all-or-none request.
    struct Checkpoint: Sendable {
        var records: [String: [String: SalesforceRecord]]
        var writeCount: Int
        var nextNumber: Int
    }

    func salesforceCheckpoint() -> Checkpoint {
        Checkpoint(records: salesforceRecords, writeCount: writes.count, nextNumber: salesforceNextNumber)
    }

    func restore(_ checkpoint: Checkpoint) {
        salesforceRecords = checkpoint.records
        salesforceNextNumber = checkpoint.nextNumber
        dropWrites(after: checkpoint.writeCount)
    }

    /// The stamp a write commits with: now at second precision, or "late" per the late-commit knob.
    func commitStamp(_ time: Date? = nil) -> Date {
        if let time { return secondPrecision(time) }
        let late = salesforceLateCommit.rate > 0 && faultRandom.chance(salesforceLateCommit.rate)
        return secondPrecision(now().addingTimeInterval(late ? -salesforceLateCommit.seconds : 0))
    }

    /// A per-record failure drawn from the fault knobs, if this write is unlucky.
    func drawRecordFault() -> SalesforceError? {
        for (code, rate) in salesforceRecordFaults.sorted(by: { $0.key < $1.key }) where rate > 0 && faultRandom.chance(rate) {
            switch code {
            case "UNABLE_TO_LOCK_ROW":
                return SalesforceError(status: 400, errorCode: code, message: "unable to obtain exclusive access to this record or 1 records")
            case "FIELD_CUSTOM_VALIDATION_EXCEPTION":
                return SalesforceError(status: 400, errorCode: code, message: "Phone is required for hot leads")
            case "DUPLICATES_DETECTED":
                return SalesforceError(status: 400, errorCode: code, message: "Use one of these records?")
            default:
                return SalesforceError(status: 400, errorCode: code, message: "injected failure")
            }
        }
        return nil
    }
}
