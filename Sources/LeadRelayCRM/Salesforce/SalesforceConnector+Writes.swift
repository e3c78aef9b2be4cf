import Foundation
import LeadRelayCore
import LeadRelayHTTP

extension SalesforceConnector {
    /// Per-record codes worth another try later (lock contention, transient server trouble).
    static let transientCodes: Set<String> = ["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION", "REQUEST_RUNNING_TOO_LONG"]

    public func apply(_ writes: [RecordWrite]) async throws(CRMError) -> [WriteOutcome] {
        var outcomes: [Int: WriteOutcome.Result] = [:]
        var plan = WritePlan(writes)
        for (object, creates) in Dictionary(grouping: plan.creates, by: { $0.write.object }) {
            var existing: [String: String] = [:]
            let field = try SOQL.identifier(creates.first?.write.matchField ?? "Email")
            let values = Array(Set(creates.compactMap { $0.write.matchValue?.lowercased() })).sorted()
            for chunk in values.chunked(Self.lookupChunk) {
                let soql = "SELECT Id, \(field) FROM \(try SOQL.identifier(object)) WHERE \(field) IN (\(SOQL.list(Array(chunk)))) ORDER BY Id"
                for row in try await query(soql, all: false).rows {
                    if let id = row["Id"]?.stringValue, let value = row[field]?.stringValue?.lowercased() { existing[value] = existing[value] ?? id }
                }
            }
            plan.resolveCreates(existing: existing)
        }
        // Conditional updates go one by one (collections take no precondition); the rest in batches of 200.
        let conditional = plan.updates.filter { $0.write.unmodifiedSince != nil }
        for item in conditional { outcomes[item.index] = try await conditionalUpdate(item.write) }
        for round in WritePlan.rounds(plan.updates.filter { $0.write.unmodifiedSince == nil }) {
            for chunk in round.chunked(Self.compositeLimit) {
                for (index, result) in try await composite(Array(chunk), create: false) { outcomes[index] = result }
            }
        }
        for chunk in plan.creates.chunked(Self.compositeLimit) {
            for (index, result) in try await composite(Array(chunk), create: true) { outcomes[index] = result }
        }
        // Merging leads is a Salesforce UI/Apex operation LeadRelay does not perform: refused, never left pending.
        for (index, _) in plan.merges { outcomes[index] = .rejected(code: "UNSUPPORTED", message: "LeadRelay merges HubSpot contacts only") }
        return writes.indices.map { WriteOutcome(write: writes[$0], result: outcomes[$0] ?? .retryLater("not attempted")) }
    }

    /// PATCH with `If-Unmodified-Since`: `412` means a person changed the record after LeadRelay read it.
    func conditionalUpdate(_ write: RecordWrite) async throws(CRMError) -> WriteOutcome.Result {
        guard let id = write.id, let since = write.unmodifiedSince else { return .rejected(code: "MISSING_ID", message: "an update needs an id") }
        let fields = JSONValue.object(write.fields.mapValues { $0.isEmpty ? JSONValue.null : .string($0) })
        do {
            _ = try await client.send("PATCH", "\(root)/sobjects/\(try SOQL.identifier(write.object))/\(try SOQL.recordID(id))",
                                      json: fields, headers: ["If-Unmodified-Since": Self.httpDate(since)])
            return .applied(id: id)
        } catch let error {
            switch error {
            case .rejected(_, 412, _, _):
                return .rejected(code: "CHANGED_SINCE_READ",
                                 message: "\(write.object) \(id) was changed in Salesforce after LeadRelay read it (\(CRMTimestamps.salesforce(since))); not overwritten")
            case .rejected(_, _, let code, let message):
                return Self.transientCodes.contains(code) ? .retryLater("\(code): \(message)") : .rejected(code: code, message: message)
            case .unavailable: return .retryLater(error.description)
            default: throw error
            }
        }
    }

    /// An HTTP date (RFC 7231 IMF-fixdate), as `If-Unmodified-Since` wants.
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    /// One sObject Collections call; results come back in input order, one per record.
    func composite(_ items: [(index: Int, write: RecordWrite)], create: Bool) async throws(CRMError) -> [(Int, WriteOutcome.Result)] {
        let records: [JSONValue] = items.map { item in
            var fields = item.write.fields.mapValues { $0.isEmpty ? JSONValue.null : .string($0) }
            fields["attributes"] = ["type": .string(item.write.object)]
            if !create { fields["Id"] = .string(item.write.id ?? "") }
            return .object(fields)
        }
        let results: JSONValue
        do {
            results = try await client.json(create ? "POST" : "PATCH", "\(root)/composite/sobjects",
                                             json: ["allOrNone": false, "records": .array(records)])
        } catch let error {
            switch error {
            case .rejected(_, _, let code, let message): return items.map { ($0.index, .rejected(code: code, message: message)) }
            case .unavailable: return items.map { ($0.index, .retryLater(error.description)) }
            default: throw error
            }
        }
        let rows = results.arrayValue ?? []
        guard rows.count == items.count else {
            throw .invalidResponse(system: .salesforce, message: "composite returned \(rows.count) results for \(items.count) records")
        }
        return zip(items, rows).map { item, row in
            if row["success"]?.boolValue == true {
                return (item.index, .applied(id: row["id"]?.stringValue ?? item.write.id ?? ""))
            }
            let error = row["errors"]?.arrayValue?.first
            let code = error?["statusCode"]?.stringValue ?? "UNKNOWN"
            let message = error?["message"]?.stringValue ?? ""
            return (item.index, Self.transientCodes.contains(code) ? .retryLater("\(code): \(message)") : .rejected(code: code, message: message))
        }
    }
}
