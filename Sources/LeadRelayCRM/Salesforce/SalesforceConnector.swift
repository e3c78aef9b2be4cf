import Foundation
import LeadRelayCore
import Logging

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

    public init(client: APIClient, apiVersion: String, logger: Logger = Logger(label: "leadrelay.salesforce"),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.root = "/services/data/\(apiVersion.hasPrefix("v") ? apiVersion : "v" + apiVersion)"
        self.logger = logger
        self.now = now
    }

    /// `MasterRecordId` names the survivor of a merge on the deleted loser.
    static let leadBasics = ["Id", "IsDeleted", "MasterRecordId", "SystemModstamp", "Status", "OwnerId", "Email"]

    public func pollLeads(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        var names: [String] = []
        for field in Set(fields + Self.leadBasics).sorted() { names.append(try SOQL.identifier(field)) }
        let result = try await incremental(object: "Lead", fields: names, since: since, lookback: lookback)
        return PollResult(items: result.records, watermark: result.watermark, rejected: result.rejected, calls: result.calls)
    }

    /// Deleted and merged-away leads arrive through `queryAll` in `pollLeads`; nothing more to read.
    public func pollDeletedLeads(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        PollResult(items: [], watermark: since, calls: 0)
    }

    public func pollAccounts(since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Account> {
        let result = try await incremental(object: "Account", fields: ["Id", "IsDeleted", "Name", "Website", "OwnerId", "SystemModstamp"],
                                           since: since, lookback: lookback)
        let accounts = result.records.filter { !$0.deleted }.map { record in
            Account(ref: record.ref, name: record.value("Name") ?? "", domain: WebDomain.normalise(record.value("Website")),
                    ownerID: record.value("OwnerId"))
        }
        return PollResult(items: accounts, watermark: result.watermark, rejected: result.rejected, calls: result.calls)
    }

    public func pollActivities(since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity> {
        // Marketing behaviour lives in HubSpot; Salesforce Tasks are read by the SLA stage.
        PollResult(items: [], watermark: since, calls: 0)
    }

    public func owners() async throws(CRMError) -> [CRMOwner] {
        var owners: [CRMOwner] = []
        let result = try await query("SELECT Id, Email, IsActive FROM User ORDER BY Id", all: false)
        for row in result.rows {
            guard let id = row["Id"]?.stringValue, let email = row["Email"]?.stringValue.flatMap(EmailAddress.normalise) else { continue }
            owners.append(CRMOwner(id: id, email: email, active: row["IsActive"]?.boolValue ?? true))
        }
        return owners
    }

    /// Reads rows changed since the watermark with `queryAll` (deleted rows too), ordered by (SystemModstamp, Id).
    ///
    /// With no look-back the cursor is exact: `SystemModstamp > ts OR (SystemModstamp = ts AND Id > id)`.
    /// With a look-back the window re-reads `[ts - lookback, …]` to catch late commits; the engine drops unchanged rows.
    func incremental(object: String, fields: [String], since: Watermark?, lookback: TimeInterval) async throws(CRMError)
        -> (records: [SourceRecord], watermark: Watermark?, rejected: [RejectedRecord], calls: Int) {
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
        let result = try await query(soql, all: true)
        var records: [SourceRecord] = []
        var rejected: [RejectedRecord] = []
        var newest = since
        for row in result.rows {
            guard let id = row["Id"]?.stringValue, let stamp = row["SystemModstamp"]?.stringValue.flatMap(CRMTimestamps.parse) else {
                rejected.append(RejectedRecord(system: .salesforce, object: object, id: row["Id"]?.stringValue, reason: "row without Id or readable SystemModstamp"))
                continue
            }
            var values: [String: String?] = [:]
            for (name, value) in row.objectValue ?? [:] where name != "attributes" {
                if case .object = value { continue }
                values[name] = value.flatText
            }
            records.append(SourceRecord(ref: RecordRef(system: .salesforce, object: object, id: id), modifiedAt: stamp,
                                        fields: values, deleted: row["IsDeleted"]?.boolValue ?? false))
            let mark = Watermark(modifiedAt: stamp, id: id)
            if newest == nil || newest! < mark { newest = mark }
        }
        return (records, newest, rejected, result.calls)
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
