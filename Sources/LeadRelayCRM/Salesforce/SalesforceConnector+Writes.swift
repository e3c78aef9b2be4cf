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

    /// PATCH with `If-Unmodified-Since`: `412` means the record changed after LeadRelay read it. Whose change it was is
    /// read back: LeadRelay's own (the write is in), nobody's that matters (the hand-off fields still hold what was
    /// read: sent again on the new version, at most `conditionalAttempts` times), or a person's (a conflict, not overwritten).
    func conditionalUpdate(_ write: RecordWrite) async throws(CRMError) -> WriteOutcome.Result {
        guard let id = write.id, var since = write.unmodifiedSince else { return .rejected(code: "MISSING_ID", message: "an update needs an id") }
        let fields = JSONValue.object(write.fields.mapValues { $0.isEmpty ? JSONValue.null : .string($0) })
        for _ in 0..<Self.conditionalAttempts {
            do {
                _ = try await client.send("PATCH", "\(root)/sobjects/\(try SOQL.identifier(write.object))/\(try SOQL.recordID(id))",
                                          json: fields, headers: ["If-Unmodified-Since": Self.httpDate(since)])
                return .applied(id: id)
            } catch let error {
                switch error {
                case .rejected(_, 412, _, _):
                    // A first attempt may have gone through before its answer was lost (a reset): then the record changed
                    // because of LeadRelay, and holds what it sent.
                    guard let current = await readBack(write) else { return .retryLater("\(write.object) \(id) changed since it was read and could not be read back") }
                    if Self.holds(write.fields, current) { return .applied(id: id) }
                    guard let expected = write.expected, !expected.isEmpty, Self.holds(expected, current),
                          let stamp = current["LastModifiedDate"]?.stringValue.flatMap(CRMTimestamps.parse) else {
                        return .rejected(code: "CHANGED_SINCE_READ",
                                         message: "\(write.object) \(id) was changed in Salesforce after LeadRelay read it (\(CRMTimestamps.salesforce(since))); not overwritten")
                    }
                    since = stamp
                case .rejected(_, _, let code, let message):
                    return Self.transientCodes.contains(code) ? .retryLater("\(code): \(message)") : .rejected(code: code, message: message)
                case .unavailable: return .retryLater(error.description)
                default: throw error
                }
            }
        }
        return .retryLater("\(write.object) \(id) kept changing while LeadRelay wrote it; tried \(Self.conditionalAttempts) times")
    }

    /// How often a conditional write goes again on a newer version whose hand-off fields are still as read.
    static let conditionalAttempts = 3

    /// The record's fields that `write` sends or guards, and its `LastModifiedDate`; `nil` when it cannot be read.
    func readBack(_ write: RecordWrite) async -> JSONValue? {
        let wanted = Set(write.fields.keys).union(write.expected.map { Array($0.keys) } ?? []).union(["LastModifiedDate"])
        guard let id = write.id, let object = try? SOQL.identifier(write.object), let recordID = try? SOQL.recordID(id),
              let names = try? wanted.sorted().map({ try SOQL.identifier($0) }) else { return nil }
        return try? await client.json("GET", "\(root)/sobjects/\(object)/\(recordID)", query: [("fields", names.joined(separator: ","))])
    }

    /// Whether `record` holds every one of `fields` (blank and null alike).
    static func holds(_ fields: [String: String], _ record: JSONValue) -> Bool {
        fields.allSatisfy { name, value in (record[name]?.flatText ?? "") == value }
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
        let response: JSONValue
        do {
            // Creates are not repeated blind (Salesforce keeps no unique email): the next round looks them up first.
            response = try await client.json(create ? "POST" : "PATCH", "\(root)/composite/sobjects",
                                             json: ["allOrNone": false, "records": .array(records)], repeatable: !create)
        } catch let error {
            switch error {
            case .rejected(_, _, let code, let message): return items.map { ($0.index, .rejected(code: code, message: message)) }
            case .unavailable: return items.map { ($0.index, .retryLater(error.description)) }
            default: throw error
            }
        }
        let rows = response.arrayValue ?? []
        guard rows.count == items.count else {
            throw .invalidResponse(system: .salesforce, message: "composite returned \(rows.count) results for \(items.count) records")
        }
        var results: [(Int, WriteOutcome.Result)] = []
        var again: [(index: Int, write: RecordWrite)] = []
        var refusedOf: [Int: [String: String]] = [:]
        for (item, row) in zip(items, rows) {
            if row["success"]?.boolValue == true {
                results.append((item.index, .applied(id: row["id"]?.stringValue ?? item.write.id ?? "")))
                continue
            }
            let errors = row["errors"]?.arrayValue ?? []
            let code = errors.first?["statusCode"]?.stringValue ?? "UNKNOWN"
            let message = errors.first?["message"]?.stringValue ?? ""
            if Self.transientCodes.contains(code) {
                results.append((item.index, .retryLater("\(code): \(message)")))
                continue
            }
            // Refused for named fields only: the record goes again without them, and they are quarantined.
            let refused = Self.refusedFields(errors, of: item.write)
            if !refused.isEmpty {
                var rest = item.write
                rest.fields = rest.fields.filter { refused[$0.key] == nil }
                again.append((item.index, rest))
                refusedOf[item.index] = refused
                continue
            }
            results.append((item.index, .rejected(code: code, message: message)))
        }
        if !again.isEmpty {
            for (index, result) in try await composite(again, create: create) { results.append((index, result.withheld(refusedOf[index] ?? [:]))) }
        }
        return results
    }

    /// The fields a record's errors name (each with its code and message), when every error names fields and they are
    /// some, not all, of what the write sends — else nothing would be left, or the refusal is not about fields.
    static func refusedFields(_ errors: [JSONValue], of write: RecordWrite) -> [String: String] {
        var refused: [String: String] = [:]
        for error in errors {
            let fields = error["fields"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard !fields.isEmpty, fields.allSatisfy({ write.fields[$0] != nil && $0 != write.matchField }) else { return [:] }
            let text = "\(error["statusCode"]?.stringValue ?? "UNKNOWN"): \(error["message"]?.stringValue ?? "")"
            for field in fields { refused[field] = text }
        }
        return refused.count < write.fields.count ? refused : [:]
    }
}
