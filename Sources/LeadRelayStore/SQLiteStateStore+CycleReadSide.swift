import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore: CycleReadSide {
    public func read<T: Sendable>(_ body: @Sendable (any CycleStateReader) throws -> T) async throws -> T {
        try await pool.read { db in try body(SQLiteCycleReader(db: db)) }
    }
}

/// The cycle's reads over one open read transaction (valid only inside `SQLiteStateStore.read`).
struct SQLiteCycleReader: CycleStateReader {
    let db: Database

    func watermark(_ stream: StreamID) throws -> Watermark? {
        try Row.fetchOne(db, sql: "SELECT modified_at, record_id FROM watermarks WHERE stream = ?", arguments: [stream.rawValue]).map {
            Watermark(modifiedAt: Date(timeIntervalSince1970: $0["modified_at"]), id: $0["record_id"])
        }
    }

    func lastSweep(_ stream: StreamID) throws -> Date? {
        try Double.fetchOne(db, sql: "SELECT swept_at FROM sweeps WHERE stream = ?", arguments: [stream.rawValue]).map(Date.init(timeIntervalSince1970:))
    }

    func mappingFingerprint() throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM fingerprints WHERE name = 'mapping'")
    }

    func snapshots(_ refs: [RecordRef]) throws -> [SourceRecord] {
        var records: [SourceRecord] = []
        for chunk in refs.chunked(SQLiteStateStore.chunk / 3) {
            let (clause, arguments) = Self.refMatch(chunk, idColumn: "id")
            for row in try Row.fetchAll(db, sql: "SELECT * FROM snapshots WHERE \(clause)", arguments: arguments) {
                records.append(SourceRecord(ref: SQLiteStateStore.ref(row), modifiedAt: Date(timeIntervalSince1970: row["modified_at"]),
                                            fields: try SQLiteStateStore.decode([String: String?].self, row["fields"]), deleted: row["deleted"]))
            }
        }
        return records.sorted { $0.ref < $1.ref }
    }

    func links(for refs: [RecordRef]) throws -> [RecordRef: SubjectKey] {
        var links: [RecordRef: SubjectKey] = [:]
        for chunk in refs.chunked(SQLiteStateStore.chunk / 3) {
            let (clause, arguments) = Self.refMatch(chunk, idColumn: "id")
            for row in try Row.fetchAll(db, sql: "SELECT system, object, id, person_key FROM identity_links WHERE \(clause)", arguments: arguments) {
                links[SQLiteStateStore.ref(row)] = try SQLiteStateStore.subjectKey(row, in: "identity_links")
            }
        }
        return links
    }

    func allLinks() throws -> [RecordRef: SubjectKey] {
        var links: [RecordRef: SubjectKey] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT system, object, id, person_key FROM identity_links") {
            links[SQLiteStateStore.ref(row)] = try SQLiteStateStore.subjectKey(row, in: "identity_links")
        }
        return links
    }

    func people(_ personKeys: Set<PersonKey>) throws -> PeopleState {
        var links: [RecordRef: PersonKey] = [:]
        var assignments: [PersonKey: String] = [:]
        var scores: [PersonKey: Double] = [:]
        var synced: [PersonKey: [String: String?]] = [:]
        var enriched: [PersonKey: [String: EnrichedValue]] = [:]
        var gates: [PersonKey: MQLGate] = [:]
        for chunk in personKeys.map(\.rawValue).sorted().chunked(SQLiteStateStore.chunk) {
            let marks = databaseQuestionMarks(count: chunk.count)
            let arguments = StatementArguments(Array(chunk))
            for row in try Row.fetchAll(db, sql: "SELECT system, object, id, person_key FROM identity_links WHERE person_key IN (\(marks))", arguments: arguments) {
                links[SQLiteStateStore.ref(row)] = try SQLiteStateStore.personKey(row, in: "identity_links")
            }
            for row in try Row.fetchAll(db, sql: "SELECT person_key, rep_id FROM assignments WHERE person_key IN (\(marks))", arguments: arguments) {
                assignments[try SQLiteStateStore.personKey(row, in: "assignments")] = row["rep_id"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM mql_gates WHERE person_key IN (\(marks))", arguments: arguments) {
                let since: Double? = row["interest_since"]
                let checked: Double? = row["checked_at"]
                gates[try SQLiteStateStore.personKey(row, in: "mql_gates")] = MQLGate(
                    latched: row["latched"], recycled: row["recycled"], interestSince: since.map(Date.init(timeIntervalSince1970:)),
                    checkedAt: checked.map(Date.init(timeIntervalSince1970:)))
            }
            for row in try Row.fetchAll(db, sql: "SELECT person_key, total FROM scores WHERE person_key IN (\(marks))", arguments: arguments) {
                scores[try SQLiteStateStore.personKey(row, in: "scores")] = row["total"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT person_key, field, value FROM synced_fields WHERE person_key IN (\(marks))", arguments: arguments) {
                let value: String? = row["value"]
                synced[try SQLiteStateStore.personKey(row, in: "synced_fields"), default: [:]][row["field"]] = .some(value)
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM enriched_fields WHERE person_key IN (\(marks))", arguments: arguments) {
                let fill = EnrichedValue(field: row["field"], value: row["value"], source: row["source"],
                                         filledAt: Date(timeIntervalSince1970: row["filled_at"]), replaced: row["replaced"])
                enriched[try SQLiteStateStore.personKey(row, in: "enriched_fields"), default: [:]][fill.field] = fill
            }
        }
        let refs = Array(links.keys).sorted()
        var state = PeopleState(records: try snapshots(refs), activities: try activities(for: refs),
                                links: links, assignments: assignments, scores: scores, synced: synced)
        state.enriched = enriched
        state.gates = gates
        return state
    }

    func accounts(_ accountKeys: Set<AccountKey>) throws -> AccountState {
        var links: [RecordRef: AccountKey] = [:]
        var synced: [AccountKey: [String: String?]] = [:]
        let parse = { (row: Row, table: String) in try SQLiteStateStore.key(row, "person_key", in: table, AccountKey.init(rawValue:)) }
        for chunk in accountKeys.map(\.rawValue).sorted().chunked(SQLiteStateStore.chunk) {
            let marks = databaseQuestionMarks(count: chunk.count)
            let arguments = StatementArguments(Array(chunk))
            for row in try Row.fetchAll(db, sql: "SELECT system, object, id, person_key FROM identity_links WHERE person_key IN (\(marks))", arguments: arguments) {
                links[SQLiteStateStore.ref(row)] = try parse(row, "identity_links")
            }
            for row in try Row.fetchAll(db, sql: "SELECT person_key, field, value FROM synced_fields WHERE person_key IN (\(marks))", arguments: arguments) {
                let value: String? = row["value"]
                synced[try parse(row, "synced_fields"), default: [:]][row["field"]] = .some(value)
            }
        }
        return AccountState(records: try snapshots(Array(links.keys).sorted()), links: links, synced: synced)
    }

    func activities(for refs: [RecordRef]) throws -> [Activity] {
        var activities: [Activity] = []
        for chunk in refs.chunked(SQLiteStateStore.chunk / 3) {
            let (clause, arguments) = Self.refMatch(chunk, idColumn: "record_id")
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

    func accounts() throws -> [Account] {
        try Row.fetchAll(db, sql: "SELECT * FROM accounts ORDER BY system, object, id").map { row in
            Account(ref: SQLiteStateStore.ref(row), name: row["name"], domain: row["domain"], ownerID: row["owner_id"])
        }
    }

    func accountProfiles() throws -> [RecordRef: AccountProfile] {
        var profiles: [RecordRef: AccountProfile] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT system, account_object, account_id, kind, domain, COUNT(*) AS total, SUM(open) AS open FROM account_members
            GROUP BY system, account_object, account_id, kind, domain
            """) {
            let account = RecordRef(system: CRMSystem(rawValue: row["system"]) ?? .salesforce, object: row["account_object"], id: row["account_id"])
            let total: Int = row["total"], open: Int = row["open"] ?? 0
            if row["kind"] == AccountMember.Kind.contact.rawValue {
                profiles[account, default: .init()].contacts += total
                if let domain: String = row["domain"] { profiles[account, default: .init()].contactDomains[domain, default: 0] += total }
            } else if open > 0 {
                profiles[account, default: .init()].openOpportunities += open
            }
        }
        return profiles
    }

    func accountMembers(_ refs: [RecordRef]) throws -> [AccountMember] {
        var members: [AccountMember] = []
        for chunk in refs.chunked(SQLiteStateStore.chunk / 3) {
            let (clause, arguments) = Self.refMatch(chunk, idColumn: "id")
            for row in try Row.fetchAll(db, sql: "SELECT * FROM account_members WHERE \(clause)", arguments: arguments) {
                let ref = SQLiteStateStore.ref(row)
                members.append(AccountMember(ref: ref, kind: AccountMember.Kind(rawValue: row["kind"]) ?? .contact,
                                             account: RecordRef(system: ref.system, object: row["account_object"], id: row["account_id"]),
                                             domain: row["domain"], open: row["open"]))
            }
        }
        return members.sorted { $0.ref < $1.ref }
    }

    func routingState(recentSince since: Date) throws -> RoutingState {
        var state = RoutingState()
        for row in try Row.fetchAll(db, sql: "SELECT rep_id, COUNT(*) AS total FROM assignments GROUP BY rep_id") {
            state.assigned[row["rep_id"]] = row["total"]
        }
        for row in try Row.fetchAll(db, sql: "SELECT rep_id, assigned_at FROM assignments WHERE assigned_at >= ? ORDER BY assigned_at",
                                    arguments: [since.timeIntervalSince1970]) {
            state.recent[row["rep_id"], default: []].append(Date(timeIntervalSince1970: row["assigned_at"]))
        }
        for row in try Row.fetchAll(db, sql: "SELECT pool, rep_id, credit FROM routing_ledger") {
            state.ledgers[row["pool"], default: FairnessLedger()].credit[row["rep_id"]] = row["credit"]
        }
        // Open: per person, the holder named by the last event that names one (AssignmentLedger's rule, in SQL).
        for row in try Row.fetchAll(db, sql: """
            SELECT holder, COUNT(*) AS open FROM events e
            WHERE holder IS NOT NULL AND holder != ''
              AND seq = (SELECT MAX(seq) FROM events l WHERE l.person_key = e.person_key AND l.holder IS NOT NULL)
            GROUP BY holder
            """) {
            state.open[row["holder"]] = row["open"]
        }
        return state
    }

    func crmOpenLeads() throws -> CRMOpenLeads {
        var counts = CRMOpenLeads()
        // A person counts once: by their Salesforce lead when they have one, else by their HubSpot contact.
        for row in try Row.fetchAll(db, sql: """
            SELECT system, owner_id, COUNT(DISTINCT person_key) AS people FROM record_holds INDEXED BY record_holds_counted
            WHERE open = 1 AND counted = 1 AND owner_id IS NOT NULL
            GROUP BY system, owner_id
            """) {
            guard let system = CRMSystem(rawValue: row["system"]) else { continue }
            counts.byOwner[system, default: [:]][row["owner_id"]] = row["people"]
        }
        return counts
    }

    func knownPeople(_ keys: Set<PersonKey>) throws -> Set<PersonKey> {
        var known = Set<PersonKey>()
        for chunk in keys.map(\.rawValue).sorted().chunked(SQLiteStateStore.chunk) {
            let sql = "SELECT DISTINCT person_key FROM identity_links WHERE person_key IN (\(databaseQuestionMarks(count: chunk.count)))"
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(Array(chunk))) {
                known.insert(try SQLiteStateStore.personKey(row, in: "identity_links"))
            }
        }
        return known
    }

    func mergeBlocked() throws -> Set<RecordRef> {
        Set(try Row.fetchAll(db, sql: "SELECT system, object, restored_id FROM merges WHERE status = 'undone' AND restored_id IS NOT NULL").map {
            RecordRef(system: CRMSystem(rawValue: $0["system"]) ?? .hubspot, object: $0["object"], id: $0["restored_id"])
        })
    }

    func heldPeople(limit: Int) throws -> [PersonKey] {
        try Row.fetchAll(db, sql: "SELECT person_key FROM held_people ORDER BY held_at, person_key LIMIT ?", arguments: [limit]).map {
            try SQLiteStateStore.personKey($0, in: "held_people")
        }
    }

    func recordHoldsAreEmpty() throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT 1 FROM record_holds LIMIT 1") == nil
    }

    func matchIndexIsEmpty() throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT 1 FROM match_keys LIMIT 1") == nil
    }

    func matchCandidates(_ keys: [String], perKeyLimit: Int) throws -> [RecordRef] {
        var byKey: [String: [RecordRef]] = [:]
        for chunk in Array(Set(keys)).sorted().chunked(SQLiteStateStore.chunk) {
            let sql = "SELECT key, system, object, id FROM match_keys WHERE key IN (\(databaseQuestionMarks(count: chunk.count)))"
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(chunk)) {
                byKey[row["key"], default: []].append(SQLiteStateStore.ref(row))
            }
        }
        return Array(Set(byKey.values.filter { $0.count <= perKeyLimit }.joined())).sorted()
    }

    /// `(system = ? AND object = ? AND <idColumn> = ?) OR …` with its arguments, for one chunk of refs.
    static func refMatch(_ refs: ArraySlice<RecordRef>, idColumn: String) -> (String, StatementArguments) {
        let clause = Array(repeating: "(system = ? AND object = ? AND \(idColumn) = ?)", count: refs.count).joined(separator: " OR ")
        return (clause, StatementArguments(refs.flatMap { [$0.system.rawValue, $0.object, $0.id] }))
    }
}
