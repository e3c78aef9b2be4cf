import Foundation
import LeadRelayCore
import Logging
import LeadRelayHTTP

/// Salesforce REST: leads and accounts by SOQL on `SystemModstamp`, users, composite writes.
public struct SalesforceConnector: CRMConnector {
    public let system = CRMSystem.salesforce
    let client: APIClient
    /// Versioned REST root, e.g. `/services/data/v62.0`.
    let root: String
    let logger: Logger
    public static let compositeLimit = 200
    /// Emails per `IN (…)` lookup: keeps the GET URL far below Salesforce's ~16 KB limit.
    static let lookupChunk = 100

    /// The local clock: with a look-back, rows stamped in the last `lookback` seconds may still be joined by late commits.
    let now: @Sendable () -> Date
    /// Pages (of `queryPageSize` rows) one incremental poll reads at most (`nil`: to the end); the rest waits for the next
    /// poll, which continues exactly after the last row read.
    public var pagesPerPoll: Int?
    /// Rows a page counts for `pagesPerPoll` (Salesforce's default query batch).
    public var rowsPerPage = 2000

    public init(client: APIClient, apiVersion: String, logger: Logger = Logger(label: "leadrelay.salesforce"),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.root = "/services/data/\(apiVersion.hasPrefix("v") ? apiVersion : "v" + apiVersion)"
        self.logger = logger
        self.now = now
    }

    /// `MasterRecordId` names the survivor of a merge on the deleted loser; `IsConverted` and `ConvertedContactId` say a
    /// lead became a contact (and is read-only from then on).
    static let leadBasics = ["Id", "IsDeleted", "MasterRecordId", "SystemModstamp", "Status", "OwnerId", "Email", "IsConverted", "ConvertedContactId",
                             "ConvertedOpportunityId"]

    public func pollLeads(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        var names: [String] = []
        for field in Set(fields + Self.leadBasics).sorted() { names.append(try SOQL.identifier(field)) }
        let result = try await incremental(object: "Lead", fields: names, since: since, lookback: lookback)
        return PollResult(items: result.records, watermark: result.watermark, rejected: result.rejected, calls: result.calls, more: result.more)
    }

    public func fetchLeads(ids: [String], fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        var names: [String] = []
        for field in Set(fields + Self.leadBasics).sorted() { names.append(try SOQL.identifier(field)) }
        var records: [SourceRecord] = []
        var rejected: [RejectedRecord] = []
        var calls = 0
        // Every id is quoted (escaped) into the query; 200 at a time keeps it far below SOQL's length limit.
        for chunk in Array(Set(ids)).sorted().chunked(200) {
            let soql = "SELECT \(names.joined(separator: ", ")) FROM Lead WHERE Id IN (\(chunk.map(SOQL.quote).joined(separator: ", ")))"
            let result = try await query(soql, all: true)
            calls += result.calls
            for row in result.rows {
                guard let id = row["Id"]?.stringValue, let stamp = row["SystemModstamp"]?.stringValue.flatMap(CRMTimestamps.parse) else {
                    rejected.append(RejectedRecord(system: .salesforce, object: "Lead", id: row["Id"]?.stringValue,
                                                   reason: "row without Id or readable SystemModstamp"))
                    continue
                }
                records.append(SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: id), modifiedAt: stamp,
                                            fields: Self.values(row), deleted: row["IsDeleted"]?.boolValue ?? false))
            }
        }
        return PollResult(items: records, watermark: nil, rejected: rejected, calls: calls)
    }

    /// Deleted and merged-away leads arrive through `queryAll` in `pollLeads`; nothing more to read.
    public func pollDeletedLeads(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        PollResult(items: [], watermark: since, calls: 0)
    }

    public func pollAccounts(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        var names: [String] = []
        for field in Set(fields + ["Id", "IsDeleted", "Name", "Website", "OwnerId", "SystemModstamp"]).sorted() { names.append(try SOQL.identifier(field)) }
        let result = try await incremental(object: "Account", fields: names, since: since, lookback: lookback)
        return PollResult(items: result.records, watermark: result.watermark, rejected: result.rejected, calls: result.calls, more: result.more)
    }

    /// Contacts (`AccountId`, `Email`) or Opportunities (`AccountId`, `IsClosed`) by `SystemModstamp`, deleted rows
    /// included (`queryAll`), each one member of its account.
    public func pollAccountMembers(_ kind: AccountMember.Kind, since: Watermark?, lookback: TimeInterval) async throws(CRMError)
        -> PollResult<AccountMember> {
        let (object, fields) = switch kind {
        case .contact: ("Contact", ["Id", "IsDeleted", "AccountId", "Email", "SystemModstamp"])
        case .opportunity: ("Opportunity", ["Id", "IsDeleted", "AccountId", "IsClosed", "SystemModstamp"])
        }
        let result = try await incremental(object: object, fields: fields, since: since, lookback: lookback)
        return PollResult(items: result.records.compactMap(AccountMember.init(record:)), watermark: result.watermark,
                          rejected: result.rejected, calls: result.calls, more: result.more)
    }

    /// Sales touches: completed Tasks logged against leads (calls, emails, other tasks), by `SystemModstamp` like leads.
    /// An open task is a plan and is left out until it is completed (which changes it, so it is read again then).
    public func pollActivities(since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity> {
        let result = try await incremental(object: "Task", fields: ["Id", "IsDeleted", "WhoId", "OwnerId", "Subject", "TaskSubtype",
                                                                   "Status", "IsClosed", "CompletedDateTime", "CreatedDate", "SystemModstamp"],
                                           since: since, lookback: lookback)
        var activities: [Activity] = []
        var rejected = result.rejected
        for record in result.records where !record.deleted {
            // Tasks on contacts, accounts or nothing are not lead touches.
            guard let who = record.value("WhoId"), who.hasPrefix("00Q") else { continue }
            guard let created = record.value("CreatedDate").flatMap(CRMTimestamps.parse) else {
                rejected.append(RejectedRecord(system: .salesforce, object: "Task", id: record.ref.id, reason: "task without a readable CreatedDate"))
                continue
            }
            guard let kind = SalesTouch.salesforceTask(subtype: record.value("TaskSubtype"), status: record.value("Status"),
                                                      closed: record.value("IsClosed").map { $0.lowercased() == "true" },
                                                      subject: record.value("Subject")) else { continue }
            // Done when it was completed; a task logged as done has both times alike.
            let done = record.value("CompletedDateTime").flatMap(CRMTimestamps.parse) ?? created
            activities.append(Activity(id: "salesforce:\(record.ref.id)", subject: RecordRef(system: .salesforce, object: "Lead", id: who),
                                       kind: kind, occurredAt: done, actor: record.value("OwnerId")))
        }
        return PollResult(items: activities, watermark: result.watermark, rejected: rejected, calls: result.calls)
    }

    /// `GET …/sobjects/{object}/describe`: active picklist values; required = not nillable, createable and not defaulted.
    public func fieldSchema(object: String) async throws(CRMError) -> [CRMFieldSchema] {
        let describe = try await client.json("GET", "\(root)/sobjects/\(try SOQL.identifier(object))/describe")
        return (describe["fields"]?.arrayValue ?? []).compactMap { field in
            guard let name = field["name"]?.stringValue, let type = field["type"]?.stringValue else { return nil }
            let options = (field["picklistValues"]?.arrayValue ?? []).filter { $0["active"]?.boolValue != false }.compactMap { $0["value"]?.stringValue }
            let required = field["nillable"]?.boolValue == false && field["createable"]?.boolValue == true
                && field["defaultedOnCreate"]?.boolValue != true && type != "boolean"
            return CRMFieldSchema(name: name, label: field["label"]?.stringValue ?? name, type: type, options: options,
                                  updateable: field["updateable"]?.boolValue ?? false, required: required,
                                  restricted: field["restrictedPicklist"]?.boolValue ?? false,
                                  length: field["length"]?.doubleValue.flatMap { Int(exactly: $0) }.flatMap { $0 > 0 ? $0 : nil },
                                  referenceTo: field["referenceTo"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
    }

    /// The newest rows of `object` with the named fields (whitelisted as identifiers), by `SystemModstamp`.
    public func sampleRecords(object: String, fields: [String], limit: Int) async throws(CRMError) -> [SourceRecord] {
        var names: [String] = []
        for field in Set(fields + ["Id", "SystemModstamp", "IsDeleted"]).sorted() { names.append(try SOQL.identifier(field)) }
        let soql = "SELECT \(names.joined(separator: ", ")) FROM \(try SOQL.identifier(object)) ORDER BY SystemModstamp DESC LIMIT \(min(max(limit, 1), 2000))"
        return try await query(soql, all: false).rows.compactMap { row in
            guard let id = row["Id"]?.stringValue, let stamp = row["SystemModstamp"]?.stringValue.flatMap(CRMTimestamps.parse) else { return nil }
            return SourceRecord(ref: RecordRef(system: .salesforce, object: object, id: id), modifiedAt: stamp, fields: Self.values(row))
        }
    }

    public func owners() async throws(CRMError) -> [CRMOwner] {
        var owners: [CRMOwner] = []
        let result = try await query("SELECT Id, Email, IsActive, ManagerId FROM User ORDER BY Id", all: false)
        for row in result.rows {
            guard let id = row["Id"]?.stringValue, let email = row["Email"]?.stringValue.flatMap(EmailAddress.normalise) else { continue }
            var owner = CRMOwner(id: id, email: email, active: row["IsActive"]?.boolValue ?? true)
            owner.managerID = row["ManagerId"]?.stringValue
            owners.append(owner)
        }
        // Lead queues own leads too: routing's stranded queue is found here by id, API name or label.
        let queues: (rows: [JSONValue], calls: Int)
        do {
            queues = try await query("SELECT Id, Name, DeveloperName FROM Group WHERE Type = 'Queue' ORDER BY Id", all: false)
        } catch .rejected {
            // A user without access to Group still routes to reps; the queue then shows as not found.
            return owners
        }
        for row in queues.rows {
            guard let id = row["Id"]?.stringValue else { continue }
            owners.append(.queue(id: id, apiName: row["DeveloperName"]?.stringValue, label: row["Name"]?.stringValue))
        }
        return owners
    }

    /// Reads rows changed since the watermark with `queryAll` (deleted rows too), ordered by (SystemModstamp, Id).
    ///
    /// With no look-back the cursor is exact: `SystemModstamp > ts OR (SystemModstamp = ts AND Id > id)`.
    /// With a look-back the window re-reads `[ts - lookback, …]` to catch late commits; the engine drops unchanged rows.
    func incremental(object: String, fields: [String], since: Watermark?, lookback: TimeInterval) async throws(CRMError)
        -> (records: [SourceRecord], watermark: Watermark?, rejected: [RejectedRecord], calls: Int, more: Bool) {
        var soql = "SELECT \(fields.joined(separator: ", ")) FROM \(object)"
        if let since {
            // Inside the look-back window late commits may still land behind the watermark: re-read from the
            // window's start. A settled watermark continues exactly after itself, however many rows share its second.
            let settled = now().addingTimeInterval(-lookback)
            if lookback > 0, since.modifiedAt > settled {
                soql += " WHERE SystemModstamp >= \(SOQL.datetime(settled))"
            } else {
                let stamp = SOQL.datetime(since.modifiedAt)
                soql += " WHERE SystemModstamp > \(stamp) OR (SystemModstamp = \(stamp) AND Id > \(SOQL.quote(since.id)))"
            }
        }
        soql += " ORDER BY SystemModstamp ASC, Id ASC"
        let limit = pagesPerPoll.map { $0 * rowsPerPage }
        if let limit { soql += " LIMIT \(limit)" }
        let result = try await query(soql, all: true)
        var records: [SourceRecord] = []
        var rejected: [RejectedRecord] = []
        var newest = since
        for row in result.rows {
            guard let id = row["Id"]?.stringValue, let stamp = row["SystemModstamp"]?.stringValue.flatMap(CRMTimestamps.parse) else {
                rejected.append(RejectedRecord(system: .salesforce, object: object, id: row["Id"]?.stringValue, reason: "row without Id or readable SystemModstamp"))
                continue
            }
            records.append(SourceRecord(ref: RecordRef(system: .salesforce, object: object, id: id), modifiedAt: stamp,
                                        fields: Self.values(row), deleted: row["IsDeleted"]?.boolValue ?? false))
            let mark = Watermark(modifiedAt: stamp, id: id)
            if newest == nil || newest! < mark { newest = mark }
        }
        // A full page set means there may be more: the next poll continues after the last row (ordered by time, then id).
        return (records, newest, rejected, result.calls, limit.map { result.rows.count >= $0 } ?? false)
    }

    /// A row's own fields as text (`null` kept as nil); parent objects like `Owner` are left out.
    static func values(_ row: JSONValue) -> [String: String?] {
        var values: [String: String?] = [:]
        for (name, value) in row.objectValue ?? [:] where name != "attributes" {
            if case .object = value { continue }
            values[name] = value.flatText
        }
        return values
    }

    /// Runs SOQL and follows `nextRecordsUrl` to the end.
    func query(_ soql: String, all: Bool) async throws(CRMError) -> (rows: [JSONValue], calls: Int) {
        var rows: [JSONValue] = []
        var page = try await client.json("GET", "\(root)/\(all ? "queryAll" : "query")", query: [("q", soql)])
        var calls = 1
        while true {
            rows += page["records"]?.arrayValue ?? []
            guard page["done"]?.boolValue == false, let next = page["nextRecordsUrl"]?.stringValue else { break }
            page = try await client.json("GET", next)
            calls += 1
        }
        return (rows, calls)
    }
}
