import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore {
    /// SQLite binds at most a few thousand parameters per statement comfortably; lists are split at this size.
    static let chunk = 500

    public func watermark(_ stream: String) async throws -> Watermark? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT modified_at, record_id FROM watermarks WHERE stream = ?", arguments: [stream]).map {
                Watermark(modifiedAt: Date(timeIntervalSince1970: $0["modified_at"]), id: $0["record_id"])
            }
        }
    }

    public func snapshots(_ refs: [RecordRef]) async throws -> [SourceRecord] {
        try await pool.read { db in try Self.fetchSnapshots(db, refs) }
    }

    public func links(for refs: [RecordRef]) async throws -> [RecordRef: String] {
        try await pool.read { db in try Self.fetchLinks(db, refs) }
    }

    public func people(_ personKeys: Set<String>) async throws -> PeopleState {
        try await pool.read { db in
            var links: [RecordRef: String] = [:]
            var assignments: [String: String] = [:]
            var scores: [String: Double] = [:]
            var synced: [String: [String: String?]] = [:]
            var enriched: [String: [String: EnrichedValue]] = [:]
            for chunk in Array(personKeys).sorted().chunked(Self.chunk) {
                let marks = databaseQuestionMarks(count: chunk.count)
                let arguments = StatementArguments(Array(chunk))
                for row in try Row.fetchAll(db, sql: "SELECT system, object, id, person_key FROM identity_links WHERE person_key IN (\(marks))", arguments: arguments) {
                    links[Self.ref(row)] = row["person_key"]
                }
                for row in try Row.fetchAll(db, sql: "SELECT person_key, rep_id FROM assignments WHERE person_key IN (\(marks))", arguments: arguments) {
                    assignments[row["person_key"]] = row["rep_id"]
                }
                for row in try Row.fetchAll(db, sql: "SELECT person_key, total FROM scores WHERE person_key IN (\(marks))", arguments: arguments) {
                    scores[row["person_key"]] = row["total"]
                }
                for row in try Row.fetchAll(db, sql: "SELECT person_key, field, value FROM synced_fields WHERE person_key IN (\(marks))", arguments: arguments) {
                    let value: String? = row["value"]
                    synced[row["person_key"], default: [:]][row["field"]] = .some(value)
                }
                for row in try Row.fetchAll(db, sql: "SELECT * FROM enriched_fields WHERE person_key IN (\(marks))", arguments: arguments) {
                    let fill = EnrichedValue(field: row["field"], value: row["value"], source: row["source"],
                                             filledAt: Date(timeIntervalSince1970: row["filled_at"]), replaced: row["replaced"])
                    enriched[row["person_key"], default: [:]][fill.field] = fill
                }
            }
            let refs = Array(links.keys).sorted()
            var state = PeopleState(records: try Self.fetchSnapshots(db, refs), activities: try Self.fetchActivities(db, refs),
                                    links: links, assignments: assignments, scores: scores, synced: synced)
            state.enriched = enriched
            return state
        }
    }

    public func merges() async throws -> [MergeRecord] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM merges ORDER BY id").map(Self.mergeRecord) }
    }

    public func merge(_ id: Int64) async throws -> MergeRecord? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM merges WHERE id = ?", arguments: [id]).map(Self.mergeRecord) }
    }

    public func mergeBlocked() async throws -> Set<RecordRef> {
        try await pool.read { db in
            Set(try Row.fetchAll(db, sql: "SELECT system, object, restored_id FROM merges WHERE status = 'undone' AND restored_id IS NOT NULL").map {
                RecordRef(system: CRMSystem(rawValue: $0["system"]) ?? .hubspot, object: $0["object"], id: $0["restored_id"])
            })
        }
    }

    static func mergeRecord(_ row: Row) throws -> MergeRecord {
        func fields(_ column: String) throws -> [String: String?] {
            try decode([String: String?].self, row[column])
        }
        return MergeRecord(id: row["id"], personKey: row["person_key"], system: CRMSystem(rawValue: row["system"]) ?? .hubspot,
                           object: row["object"], survivorID: row["survivor_id"], mergedID: row["merged_id"],
                           survivorBefore: try fields("survivor_before"), mergedBefore: try fields("merged_before"), reason: row["reason"],
                           status: MergeRecord.Status(rawValue: row["status"]) ?? .planned, resultID: row["result_id"],
                           restoredID: row["restored_id"], plannedAt: Date(timeIntervalSince1970: row["planned_at"]))
    }

    public func knownPeople(_ keys: Set<String>) async throws -> Set<String> {
        try await pool.read { db in
            var known = Set<String>()
            for chunk in Array(keys).sorted().chunked(Self.chunk) {
                let sql = "SELECT DISTINCT person_key FROM identity_links WHERE person_key IN (\(databaseQuestionMarks(count: chunk.count)))"
                known.formUnion(try String.fetchAll(db, sql: sql, arguments: StatementArguments(chunk)))
            }
            return known
        }
    }

    public func matchIndexIsEmpty() async throws -> Bool {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1 FROM match_keys LIMIT 1") == nil }
    }

    public func matchCandidates(_ keys: [String], perKeyLimit: Int) async throws -> [RecordRef] {
        try await pool.read { db in
            var byKey: [String: [RecordRef]] = [:]
            for chunk in Array(Set(keys)).sorted().chunked(Self.chunk) {
                let sql = "SELECT key, system, object, id FROM match_keys WHERE key IN (\(databaseQuestionMarks(count: chunk.count)))"
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(chunk)) {
                    byKey[row["key"], default: []].append(Self.ref(row))
                }
            }
            return Array(Set(byKey.values.filter { $0.count <= perKeyLimit }.joined())).sorted()
        }
    }

    public func providerAnswers(_ domains: [String]) async throws -> [String: ProviderAnswer] {
        try await pool.read { db in
            var answers: [String: ProviderAnswer] = [:]
            for chunk in domains.sorted().chunked(Self.chunk) {
                let sql = "SELECT * FROM enrichment_cache WHERE domain IN (\(databaseQuestionMarks(count: chunk.count)))"
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(chunk)) {
                    let text: String? = row["fields"]
                    let fields = try text.map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
                    answers[row["domain"]] = ProviderAnswer(domain: row["domain"], fields: fields, fetchedAt: Date(timeIntervalSince1970: row["fetched_at"]))
                }
            }
            return answers
        }
    }

    public func activities(for refs: [RecordRef]) async throws -> [Activity] {
        try await pool.read { db in try Self.fetchActivities(db, refs) }
    }

    public func accounts() async throws -> [Account] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM accounts ORDER BY system, object, id").map { row in
                Account(ref: Self.ref(row), name: row["name"], domain: row["domain"], ownerID: row["owner_id"])
            }
        }
    }

    public func routingState() async throws -> RoutingState {
        try await pool.read { db in
            var state = RoutingState()
            for row in try Row.fetchAll(db, sql: "SELECT rep_id, COUNT(*) AS total, SUM(open) AS open FROM assignments GROUP BY rep_id") {
                state.assigned[row["rep_id"]] = row["total"]
                state.open[row["rep_id"]] = row["open"]
            }
            return state
        }
    }

    public func pendingOutbox(limit: Int) async throws -> [OutboxEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE status = 'pending' ORDER BY id LIMIT ?", arguments: [limit]).map(Self.outboxEntry)
        }
    }

    /// Every outbox entry, oldest first (reports and tests).
    public func outbox() async throws -> [OutboxEntry] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id").map(Self.outboxEntry) }
    }

    /// Person key → (rep id, assigned at), for reports and tests.
    public func allAssignments() async throws -> [String: (repID: String, at: Date)] {
        try await pool.read { db in
            var result: [String: (repID: String, at: Date)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT person_key, rep_id, assigned_at FROM assignments") {
                result[row["person_key"]] = (row["rep_id"], Date(timeIntervalSince1970: row["assigned_at"]))
            }
            return result
        }
    }

    /// Every identity link, record → person key (reports and tests).
    public func allLinks() async throws -> [RecordRef: String] {
        try await pool.read { db in
            var links: [RecordRef: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT system, object, id, person_key FROM identity_links") { links[Self.ref(row)] = row["person_key"] }
            return links
        }
    }

    /// Counts per table, for summaries.
    public func counts() async throws -> [String: Int] {
        try await pool.read { db in
            var result: [String: Int] = [:]
            for table in ["snapshots", "identity_links", "activities", "accounts", "outbox", "assignments", "scores", "rejects"] {
                result[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            result["people"] = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT person_key) FROM identity_links") ?? 0
            result["people_in_both"] = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM (SELECT person_key FROM identity_links GROUP BY person_key HAVING COUNT(DISTINCT system) > 1)
                """) ?? 0
            return result
        }
    }

    /// Identity links whose reason contains `text` (reports: how many were made by evidence).
    public func linkCount(reasonContaining text: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM identity_links WHERE instr(reason, ?) > 0", arguments: [text]) ?? 0
        }
    }

    /// Enriched fields held, per source (`rules`, `csv`, `provider`).
    public func enrichmentCounts() async throws -> [String: Int] {
        try await pool.read { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, COUNT(*) AS n FROM enriched_fields GROUP BY source") { result[row["source"]] = row["n"] }
            return result
        }
    }

    /// Snapshots per system (`hubspot`, `salesforce`).
    public func snapshotCounts() async throws -> [String: Int] {
        try await pool.read { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT system, COUNT(*) AS n FROM snapshots GROUP BY system") { result[row["system"]] = row["n"] }
            return result
        }
    }

    static func ref(_ row: Row) -> RecordRef {
        RecordRef(system: CRMSystem(rawValue: row["system"]) ?? .hubspot, object: row["object"], id: row["id"])
    }

    /// `(system = ? AND object = ? AND <idColumn> = ?) OR …` with its arguments, for one chunk of refs.
    static func refMatch(_ refs: ArraySlice<RecordRef>, idColumn: String) -> (String, StatementArguments) {
        let clause = Array(repeating: "(system = ? AND object = ? AND \(idColumn) = ?)", count: refs.count).joined(separator: " OR ")
        return (clause, StatementArguments(refs.flatMap { [$0.system.rawValue, $0.object, $0.id] }))
    }

    static func fetchSnapshots(_ db: Database, _ refs: [RecordRef]) throws -> [SourceRecord] {
        var records: [SourceRecord] = []
        for chunk in refs.chunked(Self.chunk / 3) {
            let (clause, arguments) = refMatch(chunk, idColumn: "id")
            for row in try Row.fetchAll(db, sql: "SELECT * FROM snapshots WHERE \(clause)", arguments: arguments) {
                records.append(SourceRecord(ref: ref(row), modifiedAt: Date(timeIntervalSince1970: row["modified_at"]),
                                            fields: try decode([String: String?].self, row["fields"]), deleted: row["deleted"]))
            }
        }
        return records.sorted { $0.ref < $1.ref }
    }

    static func fetchLinks(_ db: Database, _ refs: [RecordRef]) throws -> [RecordRef: String] {
        var links: [RecordRef: String] = [:]
        for chunk in refs.chunked(Self.chunk / 3) {
            let (clause, arguments) = refMatch(chunk, idColumn: "id")
            for row in try Row.fetchAll(db, sql: "SELECT system, object, id, person_key FROM identity_links WHERE \(clause)", arguments: arguments) {
                links[ref(row)] = row["person_key"]
            }
        }
        return links
    }

    static func fetchActivities(_ db: Database, _ refs: [RecordRef]) throws -> [Activity] {
        var activities: [Activity] = []
        for chunk in refs.chunked(Self.chunk / 3) {
            let (clause, arguments) = refMatch(chunk, idColumn: "record_id")
            for row in try Row.fetchAll(db, sql: "SELECT * FROM activities WHERE \(clause)", arguments: arguments) {
                guard let kind = Activity.Kind(rawValue: row["kind"]) else { continue }
                activities.append(Activity(id: row["id"], subject: RecordRef(system: CRMSystem(rawValue: row["system"]) ?? .hubspot,
                                                                             object: row["object"], id: row["record_id"]),
                                           kind: kind, occurredAt: Date(timeIntervalSince1970: row["occurred_at"]),
                                           url: row["url"], form: row["form"], actor: row["actor"]))
            }
        }
        return activities.sorted { ($0.occurredAt, $0.id) < ($1.occurredAt, $1.id) }
    }

    static func outboxEntry(_ row: Row) throws -> OutboxEntry {
        OutboxEntry(id: row["id"], effect: EffectID(cycle: row["cycle"], position: row["position"]), personKey: row["person_key"], payload: try decode(OutboxEntry.Payload.self, row["payload"]),
                    reason: row["reason"], status: OutboxEntry.Status(rawValue: row["status"]) ?? .pending, attempts: row["attempts"],
                    lastError: row["last_error"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
