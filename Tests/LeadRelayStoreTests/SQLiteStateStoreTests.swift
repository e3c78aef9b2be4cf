import Foundation
import GRDB
import LeadRelayCore
@testable import LeadRelayStore
import Testing

@Suite("SQLite store on a real file")
struct SQLiteStateStoreTests {
    let directory: String
    let now = Date(timeIntervalSince1970: 1_760_000_000)

    init() throws {
        directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-store-\(UUID().uuidString)")
    }

    func open() throws -> SQLiteStateStore {
        try SQLiteStateStore(path: (directory as NSString).appendingPathComponent("state/leadrelay.sqlite"))
    }

    func record(_ system: CRMSystem, _ id: String, email: String, at offset: TimeInterval = 0) -> SourceRecord {
        SourceRecord(ref: RecordRef(system: system, object: system == .hubspot ? "contacts" : "Lead", id: id),
                     modifiedAt: now.addingTimeInterval(offset), fields: [system == .hubspot ? "email" : "Email": email, "phone": nil])
    }

    func plan(person: String, refs: [RecordRef], rep: String?) -> Plan {
        var plan = Plan(generatedAt: now)
        for ref in refs { plan.changes.append(PlanChange(personKey: person, action: .link(ref), reason: "same email")) }
        plan.changes.append(PlanChange(personKey: person, action: .score(ScoreBreakdown(fit: [.init(rule: "f", points: 60, detail: "")],
                                                                                      interest: [.init(rule: "i", points: 50, detail: "")])), reason: "score"))
        if let rep {
            plan.changes.append(PlanChange(personKey: person, action: .assign(RouteDecision(repID: rep, rule: "fallback", reason: "r", candidates: [])), reason: "r"))
            plan.changes.append(PlanChange(personKey: person, action: .write(RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: refs[0].id,
                                                                                          fields: ["hubspot_owner_id": "701"])), reason: "owner"))
            plan.changes.append(PlanChange(personKey: person, action: .notify(Notification(repID: rep, repEmail: "\(rep)@x.io", text: "new MQL")), reason: "tell"))
        }
        return plan
    }

    @Test("opens in WAL mode with named migrations and owner-only permissions")
    func opens() throws {
        let store = try open()
        #expect(try store.journalMode() == "wal")
        #expect(try store.appliedMigrations() == ["v1-initial", "v2-activity-actor", "v3-synced-fields", "v4-enrichment", "v5-match-keys", "v6-merges", "v7-effect-identity"])
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: (store.path as NSString).deletingLastPathComponent)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        // Re-opening an existing store migrates nothing twice.
        #expect(try open().appliedMigrations() == ["v1-initial", "v2-activity-actor", "v3-synced-fields", "v4-enrichment", "v5-match-keys", "v6-merges", "v7-effect-identity"])
    }

    @Test("a cycle commits snapshots, watermarks, links, scores, assignments and outbox together")
    func commit() async throws {
        let store = try open()
        let hs = record(.hubspot, "51", email: "ana@acme.io"), sf = record(.salesforce, "00Q1", email: "ana@acme.io")
        let person = "email:ana@acme.io"
        try await store.commit(CycleCommit(snapshots: [hs, sf], accounts: [Account(ref: RecordRef(system: .salesforce, object: "Account", id: "001"), name: "Acme", domain: "acme.io", ownerID: "005")],
                                           activities: [Activity(id: "e1", subject: hs.ref, kind: .pageView, occurredAt: now, url: "https://x/pricing"),
                                                        Activity(id: "t1", subject: sf.ref, kind: .call, occurredAt: now, actor: "005A")],
                                           watermarks: ["hubspot.contacts": Watermark(modifiedAt: now, id: "51")],
                                           plan: plan(person: person, refs: [hs.ref, sf.ref], rep: "ana")), at: now)
        #expect(try await store.watermark("hubspot.contacts") == Watermark(modifiedAt: now, id: "51"))
        #expect(try await store.watermark("salesforce.Lead") == nil)
        let stored = try await store.snapshots([hs.ref, sf.ref, RecordRef(system: .hubspot, object: "contacts", id: "nope")])
        #expect(stored.count == 2)
        #expect(stored.first { $0.ref == hs.ref }?.hasSameContent(as: hs) == true)
        let people = try await store.people([person])
        #expect(Set(people.links.keys) == [hs.ref, sf.ref])
        #expect(people.assignments == [person: "ana"])
        #expect(people.scores == [person: 110])
        #expect(people.activities.map(\.id).sorted() == ["e1", "t1"])
        #expect(people.activities.first { $0.id == "t1" }?.actor == "005A", "a sales touch keeps its rep")
        #expect(try await store.accounts().first?.domain == "acme.io")
        #expect(try await store.routingState() == RoutingState(assigned: ["ana": 1], open: ["ana": 1]))
        let pending = try await store.pendingOutbox(limit: 10)
        #expect(pending.count == 2)
        #expect(pending.allSatisfy { $0.personKey == person && $0.status == .pending })
    }

    @Test("the outbox is idempotent: the same planned write is queued once")
    func idempotentOutbox() async throws {
        let store = try open()
        let hs = record(.hubspot, "51", email: "ana@acme.io")
        let cycle = CycleCommit(plan: plan(person: "email:ana@acme.io", refs: [hs.ref], rep: "ana"))
        try await store.commit(cycle, at: now)
        try await store.commit(cycle, at: now)
        #expect(try await store.pendingOutbox(limit: 10).count == 2)
    }

    @Test("content done before is queued again with a new identity; content still pending is not")
    func effectIdentity() async throws {
        let store = try open()
        let hs = record(.hubspot, "51", email: "ana@acme.io")
        let cycle = CycleCommit(plan: plan(person: "email:ana@acme.io", refs: [hs.ref], rep: "ana"))
        try await store.commit(cycle, at: now)
        let first = try await store.pendingOutbox(limit: 10)
        for entry in first { try await store.complete(entry.id, resultID: nil, learned: [], at: now) }
        try await store.commit(cycle, at: now)
        let second = try await store.pendingOutbox(limit: 10)
        #expect(second.count == first.count, "the same write and the same alert, planned again after they were done")
        #expect(Set(second.map(\.effect)).isDisjoint(with: first.map(\.effect)))
        #expect(Set(second.map(\.effect.cycle)).count == 1 && second[0].effect.cycle > first[0].effect.cycle)
        #expect(second.map(\.effect.position) == first.map(\.effect.position))
        #expect(try await store.outbox().count == first.count * 2)
    }

    @Test("a store from before effect identities keeps its outbox (ids, states) and queues content done before again")
    func migratesOutbox() async throws {
        let path = (directory as NSString).appendingPathComponent("state/leadrelay.sqlite")
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteStateStore.migrator.migrate(pool, upTo: "v6-merges")
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
                                        reason, status, planned_at) VALUES (43, 'p', 'hubspot', 'contacts', '51', '52', '{}', '{}', 'dup', 'planned', 0)
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

    @Test("entries are done when confirmed, retried when transient, parked when refused or tried too often")
    func outboxLifecycle() async throws {
        let store = try open()
        let hs = record(.hubspot, "51", email: "ana@acme.io")
        try await store.commit(CycleCommit(plan: plan(person: "email:ana@acme.io", refs: [hs.ref], rep: "ana")), at: now)
        let entries = try await store.pendingOutbox(limit: 10)
        try await store.complete(entries[0].id, resultID: "51", learned: [], at: now)
        try await store.fail(entries[1].id, error: "HTTP 503", permanent: false, at: now)
        var pending = try await store.pendingOutbox(limit: 10)
        #expect(pending.map(\.id) == [entries[1].id])
        #expect(pending[0].attempts == 1 && pending[0].lastError == "HTTP 503")
        for _ in 1..<OutboxRules.maxAttempts { try await store.fail(entries[1].id, error: "HTTP 503", permanent: false, at: now) }
        pending = try await store.pendingOutbox(limit: 10)
        #expect(pending.isEmpty)
        let all = try await store.outbox()
        #expect(all.map(\.status) == [.done, .failed])
        #expect(all[0].finishedAt == now)
    }

    @Test("state survives closing and re-opening the file")
    func durable() async throws {
        do {
            let store = try open()
            try await store.commit(CycleCommit(watermarks: ["salesforce.Lead": Watermark(modifiedAt: now, id: "00Q9")], plan: Plan(generatedAt: now)), at: now)
        }
        #expect(try await open().watermark("salesforce.Lead")?.id == "00Q9")
    }

    @Test("links learned while applying are stored without overwriting existing ones")
    func learnedLinks() async throws {
        let store = try open()
        let ref = RecordRef(system: .salesforce, object: "Lead", id: "00Qnew")
        var plan = Plan(generatedAt: now)
        for person in ["email:a@b.io", "email:other@b.io"] {
            plan.changes.append(PlanChange(personKey: person, action: .write(RecordWrite(operation: .create, system: .salesforce, object: "Lead",
                                                                                          id: nil, fields: ["Email": person])), reason: "create"))
        }
        try await store.commit(CycleCommit(plan: plan), at: now)
        let entries = try await store.pendingOutbox(limit: 10)
        for entry in entries {
            try await store.complete(entry.id, resultID: ref.id, learned: [LearnedLink(ref: ref, personKey: entry.personKey, reason: "created")], at: now)
        }
        #expect(try await store.links(for: [ref]) == [ref: "email:a@b.io"])
    }

    @Test("large key lists are read in chunks")
    func chunks() async throws {
        let store = try open()
        let records = (0..<1300).map { record(.hubspot, String($0), email: "p\($0)@x.io") }
        var plan = Plan(generatedAt: now)
        for r in records { plan.changes.append(PlanChange(personKey: "email:p\(r.ref.id)@x.io", action: .link(r.ref), reason: "x")) }
        try await store.commit(CycleCommit(snapshots: records, plan: plan), at: now)
        #expect(try await store.snapshots(records.map(\.ref)).count == 1300)
        #expect(try await store.people(Set(records.map { "email:p\($0.ref.id)@x.io" })).links.count == 1300)
    }

    @Test("enrichment provenance is replaced per person and survives re-opening; provider answers are cached with their time")
    func enrichment() async throws {
        let store = try open()
        let person = "email:pat@acme.io"
        let first = [EnrichedValue(field: "industry", value: "Technology", source: "provider", filledAt: now),
                     EnrichedValue(field: "employees", value: "40", source: "csv", filledAt: now, replaced: "4")]
        try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [PlanChange(personKey: person, action: .enrich(first), reason: "e")])), at: now)
        #expect(try await open().people([person]).enriched[person] == Dictionary(uniqueKeysWithValues: first.map { ($0.field, $0) }))
        // The next set replaces the last; an empty one clears it.
        let second = [EnrichedValue(field: "territory", value: "east", source: "rules", filledAt: now.addingTimeInterval(60))]
        try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [PlanChange(personKey: person, action: .enrich(second), reason: "e")])), at: now)
        #expect(try await store.people([person]).enriched[person].map { Array($0.keys) } == ["territory"])
        #expect(try await store.enrichmentCounts() == ["rules": 1])
        try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [PlanChange(personKey: person, action: .enrich([]), reason: "e")])), at: now)
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
