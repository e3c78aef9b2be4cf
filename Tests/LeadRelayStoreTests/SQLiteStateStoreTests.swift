import Foundation
import GRDB
import LeadRelayCore
import LeadRelayTesting
@testable import LeadRelayStore
import Testing

/// What only the SQLite back end can show (a file, migrations, re-opening); the rules every store keeps are in
/// `StoreContractTests`.
@Suite("SQLite store on a real file")
struct SQLiteStateStoreTests {
    let directory: String
    let now = Date(timeIntervalSince1970: 1_760_000_000)

    init() throws {
        directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-store-\(UUID().uuidString)")
    }

    var storePath: String { (directory as NSString).appendingPathComponent("state/leadrelay.sqlite") }

    /// A store file as an older build left it: migrated up to `migration` only.
    func legacyStore(upTo migration: String) throws -> DatabasePool {
        try FileManager.default.createDirectory(atPath: (storePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: storePath)
        try SQLiteStateStore.migrator.migrate(pool, upTo: migration)
        return pool
    }

    func open() throws -> SQLiteStateStore {
        try SQLiteStateStore(path: (directory as NSString).appendingPathComponent("state/leadrelay.sqlite"))
    }

    @Test("opens in WAL mode with named migrations and owner-only permissions")
    func opens() throws {
        let store = try open()
        #expect(try store.journalMode() == "wal")
        #expect(try store.appliedMigrations() == ["v1-initial", "v2-activity-actor", "v3-synced-fields", "v4-enrichment", "v5-match-keys", "v6-merges", "v7-effect-identity", "v8-event-log", "v9-link-reason-codes", "v10-stream-marks", "v11-timers", "v12-refused-fields", "v13-held-people", "v14-outbox-lanes", "v15-fairness-ledger", "v16-route-decisions", "v17-record-holds", "v18-mql-gates", "v19-account-members"])
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: (store.path as NSString).deletingLastPathComponent)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        // Re-opening an existing store migrates nothing twice.
        #expect(try open().appliedMigrations() == ["v1-initial", "v2-activity-actor", "v3-synced-fields", "v4-enrichment", "v5-match-keys", "v6-merges", "v7-effect-identity", "v8-event-log", "v9-link-reason-codes", "v10-stream-marks", "v11-timers", "v12-refused-fields", "v13-held-people", "v14-outbox-lanes", "v15-fairness-ledger", "v16-route-decisions", "v17-record-holds", "v18-mql-gates", "v19-account-members"])
    }

    @Test("a store from before effect identities keeps its outbox (ids, states) and its merges still follow their entries")
    func migratesOutbox() async throws {
        do {
            let pool = try legacyStore(upTo: "v6-merges")
            let write = RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: "51", fields: ["hubspot_owner_id": "701"])
            let payload = String(decoding: try JSONEncoder().encode(OutboxEntry.Payload.write(write)), as: UTF8.self)
            try await pool.write { db in
                for (id, status) in [(41, "done"), (42, "failed"), (43, "pending")] {
                    try db.execute(sql: """
                        INSERT INTO outbox (id, idempotency_key, person_key, payload, reason, status, attempts, created_at)
                        VALUES (?, ?, 'email:ana@acme.io', ?, 'owner', ?, 1, 0)
                        """, arguments: [id, "key-\(id)", payload, status])
                }
                try db.execute(sql: """
                    INSERT INTO merges (outbox_id, person_key, system, object, survivor_id, merged_id, survivor_before, merged_before,
                                        reason, status, planned_at) VALUES (43, 'email:ana@acme.io', 'hubspot', 'contacts', '51', '52', '{}', '{}', 'dup', 'planned', 0)
                    """)
            }
        }
        let store = try open()
        let entries = try await store.outbox()
        #expect(entries.map(\.id) == [41, 42, 43])
        #expect(entries.map(\.status) == [.done, .failed, .pending])
        #expect(entries.map(\.effect) == [EffectID(cycle: 0, position: 41), EffectID(cycle: 0, position: 42), EffectID(cycle: 0, position: 43)])
        #expect(try await store.merges().first?.status == .planned)
        try await store.complete(43, resultID: "51", learned: [], at: now)
        #expect(try await store.merges().first?.status == .done, "the merge still follows its outbox entry")
    }

    @Test("a store from before the event log starts its log from the open assignments, so the open count is unchanged")
    func seedsEventLog() async throws {
        do {
            let pool = try legacyStore(upTo: "v7-effect-identity")
            try await pool.write { db in
                for (person, rep, open) in [("email:p1@x.io", "ana", 1), ("email:p2@x.io", "ana", 1), ("ref:hubspot/contacts/3", "ben", 1), ("email:p4@x.io", "ben", 0)] {
                    try db.execute(sql: "INSERT INTO assignments (person_key, rep_id, rule, reason, assigned_at, open) VALUES (?, ?, 'round-robin', 'r', 100, ?)",
                                   arguments: [person, rep, open])
                }
            }
        }
        let store = try open()
        let routing = try await store.routingState()
        #expect(routing.assigned == ["ana": 2, "ben": 2] && routing.open == ["ana": 2, "ben": 1])
        let events = try await store.events(after: 0, limit: 10)
        #expect(events.map(\.event.personKey) == [.email("p1@x.io"), .email("p2@x.io"), .record(RecordRef(system: .hubspot, object: "contacts", id: "3"))])
        #expect(events.allSatisfy { $0.cycle == nil && $0.event.occurredAt == Date(timeIntervalSince1970: 100) })
        #expect(events.first?.event.kind == .assigned(repID: "ana", rule: "round-robin"))
    }

    @Test("a key in the store that LeadRelay never writes is an error that names the table, the column and the value")
    func rejectsForeignKeys() async throws {
        let store = try open()
        let ref = RecordRef(system: .hubspot, object: "contacts", id: "51")
        try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [
            PlanChange(personKey: .email("ana@acme.io"), action: .link(ref), reason: Reason(.fixture, "same email"))])), at: now)
        #expect(try await store.links(for: [ref]) == [ref: .person(.email("ana@acme.io"))])
        try await DatabaseQueue(path: store.path).write { db in
            try db.execute(sql: "UPDATE identity_links SET person_key = 'ana@acme.io'")
        }
        let error = await #expect(throws: StoredValueError.self) { try await store.links(for: [ref]) }
        #expect(error?.description == #"the store's identity_links.person_key holds "ana@acme.io", which LeadRelay never writes there"#)
    }

    @Test("a store from before stream marks moves its sweep times and mapping fingerprint out of the watermarks")
    func movesStreamMarks() async throws {
        let path = storePath
        do {
            let pool = try legacyStore(upTo: "v9-link-reason-codes")
            try await pool.write { db in
                for (stream, time, id) in [("hubspot.contacts", 100.0, "51"), ("hubspot.contacts.deleted", 90.0, "7"),
                                           ("hubspot.contacts.deleted-sweep", 95.0, "sweep"), ("mapping.fingerprint", 80.0, "f00d")] {
                    try db.execute(sql: "INSERT INTO watermarks (stream, modified_at, record_id, updated_at) VALUES (?, ?, ?, 99)",
                                   arguments: [stream, time, id])
                }
            }
        }
        let store = try open()
        let contacts = StreamID(.hubspot, "contacts")
        let seen = try await store.read { reader in
            (try reader.watermark(contacts), try reader.watermark(contacts.deletions), try reader.lastSweep(contacts.deletions), try reader.mappingFingerprint())
        }
        #expect(seen.0 == Watermark(modifiedAt: Date(timeIntervalSince1970: 100), id: "51"))
        #expect(seen.1 == Watermark(modifiedAt: Date(timeIntervalSince1970: 90), id: "7"))
        #expect(seen.2 == Date(timeIntervalSince1970: 95) && seen.3 == "f00d")
        let left = try await DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT stream FROM watermarks ORDER BY stream") }
        #expect(left == ["hubspot.contacts", "hubspot.contacts.deleted"])
    }

    @Test("state survives closing and re-opening the file")
    func durable() async throws {
        do {
            let store = try open()
            try await store.commit(CycleCommit(watermarks: [StreamID(.salesforce, "Lead"): Watermark(modifiedAt: now, id: "00Q9")], plan: Plan(generatedAt: now)), at: now)
        }
        #expect(try await open().watermark(StreamID(.salesforce, "Lead"))?.id == "00Q9")
    }

    @Test("enrichment provenance is replaced per person and survives re-opening; provider answers are cached with their time")
    func enrichment() async throws {
        let store = try open()
        let person = PersonKey.email("pat@acme.io")
        let first = [EnrichedValue(field: "industry", value: "Technology", source: "provider", filledAt: now),
                     EnrichedValue(field: "employees", value: "40", source: "csv", filledAt: now, replaced: "4")]
        try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [PlanChange(personKey: person, action: .enrich(first), reason: Reason(.fixture, "e"))])), at: now)
        #expect(try await open().people([person]).enriched[person] == Dictionary(uniqueKeysWithValues: first.map { ($0.field, $0) }))
        // The next set replaces the last; an empty one clears it.
        let second = [EnrichedValue(field: "territory", value: "east", source: "rules", filledAt: now.addingTimeInterval(60))]
        try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [PlanChange(personKey: person, action: .enrich(second), reason: Reason(.fixture, "e"))])), at: now)
        #expect(try await store.people([person]).enriched[person].map { Array($0.keys) } == ["territory"])
        #expect(try await store.enrichmentCounts() == ["rules": 1])
        try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [PlanChange(personKey: person, action: .enrich([]), reason: Reason(.fixture, "e"))])), at: now)
        #expect(try await store.people([person]).enriched[person] == nil)

        try await store.saveProviderAnswers([ProviderAnswer(domain: "acme.io", fields: ["industry": "Technology"], fetchedAt: now),
                                             ProviderAnswer(domain: "nobody.example", fields: nil, fetchedAt: now)])
        let answers = try await open().providerAnswers(["acme.io", "nobody.example", "never-asked.example"])
        #expect(answers["acme.io"]?.fields == ["industry": "Technology"])
        #expect(answers["nobody.example"] != nil && answers["nobody.example"]?.fields == nil)
        #expect(answers["nobody.example"]?.fetchedAt == now)
        #expect(answers["never-asked.example"] == nil)
    }
}
