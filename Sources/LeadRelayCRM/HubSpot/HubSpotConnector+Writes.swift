import Foundation
import LeadRelayCore
import LeadRelayHTTP

extension HubSpotConnector {
    static let batchLimit = 100

    public func apply(_ writes: [RecordWrite]) async throws(CRMError) -> [WriteOutcome] {
        var outcomes: [Int: WriteOutcome.Result] = [:]
        var plan = WritePlan(writes)
        for (object, creates) in Dictionary(grouping: plan.creates, by: { $0.write.object }) {
            let emails = Array(Set(creates.compactMap { $0.write.matchValue?.lowercased() })).sorted()
            var existing: [String: String] = [:]
            for chunk in emails.chunked(Self.batchLimit) {
                existing.merge(try await findByEmail(object, Array(chunk))) { first, _ in first }
            }
            plan.resolveCreates(existing: existing)
        }
        for (object, updates) in Dictionary(grouping: plan.updates, by: { $0.write.object }) {
            for round in WritePlan.rounds(updates) {
                for chunk in round.chunked(Self.batchLimit) {
                    var items = Array(chunk)
                    // A stage moved back: its field is cleared in a request of its own first (HubSpot moves
                    // `lifecyclestage` forward only, from blank to anything). A write whose clear failed goes no further.
                    let clears = items.compactMap { item -> (index: Int, write: RecordWrite)? in
                        guard let names = item.write.clearFirst, !names.isEmpty else { return nil }
                        var clear = item.write
                        clear.fields = Dictionary(names.map { ($0, "") }, uniquingKeysWith: { first, _ in first })
                        clear.clearFirst = nil
                        return (item.index, clear)
                    }
                    if !clears.isEmpty {
                        for (index, result) in try await update(object, clears) where !result.isApplied {
                            outcomes[index] = result
                            items.removeAll { $0.index == index }
                        }
                    }
                    guard !items.isEmpty else { continue }
                    for (index, result) in try await update(object, items) { outcomes[index] = result }
                }
            }
        }
        for (object, creates) in Dictionary(grouping: plan.creates, by: { $0.write.object }) {
            for chunk in creates.chunked(Self.batchLimit) {
                for (index, result) in try await create(object, Array(chunk)) { outcomes[index] = result }
            }
        }
        for (index, write) in plan.merges { outcomes[index] = try await merge(write) }
        return writes.indices.map { WriteOutcome(write: writes[$0], result: outcomes[$0] ?? .retryLater("not attempted")) }
    }

    /// Creates one record exactly as given: a `409` (the address belongs to a contact already, a merged one included)
    /// is an error here, never turned into an update of that contact.
    public func createRecord(_ object: String, properties: [String: String]) async throws(CRMError) -> String {
        let json = try await client.json("POST", "/crm/v3/objects/\(object)", json: ["properties": .object(properties.mapValues(JSONValue.string))],
                                         repeatable: false)
        guard let id = json["id"]?.flatText else { throw .invalidResponse(system: .hubspot, message: "the create response named no id") }
        return id
    }

    /// Takes an address off a contact's additional emails (legacy `DELETE /contacts/v1/secondary-email/{vid}/email/{email}`).
    /// - Returns: `false` when the contact does not hold it (nothing to do).
    public func removeSecondaryEmail(contact: String, email: String) async throws(CRMError) -> Bool {
        do {
            _ = try await client.send("DELETE", "/contacts/v1/secondary-email/\(FormEncoding.escape(contact))/email/\(FormEncoding.escape(email))")
            return true
        } catch let error {
            if case .rejected(_, 404, _, _) = error { return false }
            throw error
        }
    }

    /// `POST …/merge`; the survivor's id comes from the response (HubSpot may give it a new one). A retry after a merge
    /// that went through finds the merged-away id resolving to the survivor and counts as applied.
    func merge(_ write: RecordWrite) async throws(CRMError) -> WriteOutcome.Result {
        guard let primary = write.id, let merged = write.mergeFrom else { return .rejected(code: "INVALID_MERGE", message: "a merge names both records") }
        do {
            let json = try await client.json("POST", "/crm/v3/objects/\(write.object)/merge",
                                             json: ["primaryObjectId": .string(primary), "objectIdToMerge": .string(merged)])
            return .applied(id: json["id"]?.flatText ?? primary)
        } catch let error {
            switch error {
            case .rejected(_, let status, let code, let message):
                if status == 404, let resolved = try? await client.json("GET", "/crm/v3/objects/\(write.object)/\(merged)")["id"]?.flatText,
                   resolved != merged {
                    return .applied(id: resolved)
                }
                return .rejected(code: code, message: message)
            case .unavailable:
                return .retryLater(error.description)
            default:
                throw error
            }
        }
    }

    /// Lower-cased email → record id, for the emails that exist.
    func findByEmail(_ object: String, _ emails: [String]) async throws(CRMError) -> [String: String] {
        let body: JSONValue = [
            "filterGroups": [["filters": [["propertyName": "email", "operator": "IN", "values": .array(emails.map(JSONValue.string))]]]],
            "properties": ["email"], "limit": .number(Double(searchPageSize)),
        ]
        let page = try await client.json("POST", "/crm/v3/objects/\(object)/search", json: body)
        var found: [String: String] = [:]
        for result in page["results"]?.arrayValue ?? [] {
            if let id = result["id"]?.flatText, let email = result["properties"]?["email"]?.stringValue.flatMap(EmailAddress.normalise) {
                found[email] = found[email] ?? id
            }
        }
        return found
    }

    /// One batch update; a batch the API refuses whole is retried record by record so one bad value cannot block the rest.
    func update(_ object: String, _ items: [(index: Int, write: RecordWrite)]) async throws(CRMError) -> [(Int, WriteOutcome.Result)] {
        let inputs: [JSONValue] = items.map { ["id": .string($0.write.id ?? ""), "properties": .object($0.write.fields.mapValues(JSONValue.string))] }
        do {
            let response = try await client.send("POST", "/crm/v3/objects/\(object)/batch/update", json: ["inputs": .array(inputs)])
            let json = (try? JSONValue.decode(response.body)) ?? .null
            var failed: [String: (String, String)] = [:]
            for error in json["errors"]?.arrayValue ?? [] {
                let code = error["category"]?.stringValue ?? "ERROR"
                let message = error["message"]?.stringValue ?? ""
                for id in error["context"]?["ids"]?.arrayValue ?? [] { if let id = id.flatText { failed[id] = (code, message) } }
            }
            return items.map { item in
                if let (code, message) = failed[item.write.id ?? ""] { return (item.index, .rejected(code: code, message: message)) }
                return (item.index, .applied(id: item.write.id ?? ""))
            }
        } catch let error {
            guard case .rejected = error, items.count > 1 else {
                if case .rejected(_, _, let code, let message) = error, let item = items.first {
                    // One record refused for some of its properties: the rest goes again without them.
                    let refused = Self.refusedProperties(code: code, message: message, of: item.write)
                    if !refused.isEmpty {
                        var rest = item.write
                        rest.fields = rest.fields.filter { refused[$0.key] == nil }
                        return try await update(object, [(item.index, rest)]).map { ($0.0, $0.1.withheld(refused)) }
                    }
                    return items.map { ($0.index, .rejected(code: code, message: message)) }
                }
                if case .unavailable = error { return items.map { ($0.index, .retryLater(error.description)) } }
                throw error
            }
            var results: [(Int, WriteOutcome.Result)] = []
            for item in items { results += try await update(object, [item]) }
            return results
        }
    }

    /// The properties a `VALIDATION_ERROR` names (`Property values were not valid: [{"name": …, "error": …}]`), with
    /// their codes and messages — only when they are some, not all, of the write's fields (else nothing is left to send).
    static func refusedProperties(code: String, message: String, of write: RecordWrite) -> [String: String] {
        guard code == "VALIDATION_ERROR", let start = message.firstIndex(of: "["),
              let list = try? JSONValue.decode(Data(message[start...].utf8)), let entries = list.arrayValue else { return [:] }
        var refused: [String: String] = [:]
        for entry in entries {
            guard let name = entry["name"]?.stringValue, write.fields[name] != nil else { return [:] }
            refused[name] = "\(entry["error"]?.stringValue ?? code): \(entry["message"]?.stringValue ?? message)"
        }
        return refused.isEmpty || refused.count >= write.fields.count ? [:] : refused
    }

    /// One batch create; refused batches fall back to single creates, and a `409` names the twin to update instead.
    func create(_ object: String, _ items: [(index: Int, write: RecordWrite)]) async throws(CRMError) -> [(Int, WriteOutcome.Result)] {
        let inputs: [JSONValue] = items.map { ["properties": .object($0.write.fields.mapValues(JSONValue.string))] }
        do {
            // Not repeated blind: the next round looks each address up first and updates what this call did create.
            let json = try await client.json("POST", "/crm/v3/objects/\(object)/batch/create", json: ["inputs": .array(inputs)], repeatable: false)
            // Results are not in input order: match them back by email.
            var ids: [String: String] = [:]
            for result in json["results"]?.arrayValue ?? [] {
                if let id = result["id"]?.flatText, let email = result["properties"]?["email"]?.stringValue.flatMap(EmailAddress.normalise) {
                    ids[email] = id
                }
            }
            return items.map { item in
                guard let email = item.write.matchValue?.lowercased(), let id = ids[email] else {
                    return (item.index, .retryLater("created, but the response did not name the new id"))
                }
                return (item.index, .applied(id: id))
            }
        } catch let error {
            guard case .rejected(_, let status, let code, let message) = error else {
                if case .unavailable = error { return items.map { ($0.index, .retryLater(error.description)) } }
                throw error
            }
            if items.count > 1 {
                var results: [(Int, WriteOutcome.Result)] = []
                for item in items { results += try await create(object, [item]) }
                return results
            }
            let item = items[0]
            let refused = Self.refusedProperties(code: code, message: message, of: item.write)
            if !refused.isEmpty, item.write.fields.keys.contains(where: { refused[$0] == nil && $0 != item.write.matchField }) {
                var rest = item.write
                rest.fields = rest.fields.filter { refused[$0.key] == nil }
                return try await create(object, [(item.index, rest)]).map { ($0.0, $0.1.withheld(refused)) }
            }
            if status == 409, let range = message.range(of: "Existing ID: ") {
                let id = String(message[range.upperBound...].prefix { $0.isNumber })
                var update = item.write
                update.operation = .update
                update.id = id
                return try await self.update(object, [(item.index, update)])
            }
            return [(item.index, .rejected(code: code, message: message))]
        }
    }
}
