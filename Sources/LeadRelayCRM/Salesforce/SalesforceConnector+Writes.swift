import Foundation
import LeadRelayCore

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
        for chunk in plan.updates.chunked(Self.compositeLimit) {
            for (index, result) in try await composite(Array(chunk), create: false) { outcomes[index] = result }
        }
        for chunk in plan.creates.chunked(Self.compositeLimit) {
            for (index, result) in try await composite(Array(chunk), create: true) { outcomes[index] = result }
        }
        return writes.indices.map { WriteOutcome(write: writes[$0], result: outcomes[$0] ?? .retryLater("not attempted")) }
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
