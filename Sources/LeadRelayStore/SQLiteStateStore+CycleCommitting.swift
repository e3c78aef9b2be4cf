import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore: CycleCommitting {
    public func commit(_ cycle: CycleCommit, at now: Date) async throws {
        let time = now.timeIntervalSince1970
        try await pool.write { db in
            for record in cycle.snapshots {
                try db.execute(sql: """
                    INSERT INTO snapshots (system, object, id, modified_at, deleted, fields, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (system, object, id) DO UPDATE SET modified_at = excluded.modified_at, deleted = excluded.deleted,
                        fields = excluded.fields, seen_at = excluded.seen_at
                    """, arguments: [record.ref.system.rawValue, record.ref.object, record.ref.id, record.modifiedAt.timeIntervalSince1970,
                                     record.deleted, try Self.json(record.fields), time])
            }
            for account in cycle.accounts {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO accounts (system, object, id, name, domain, owner_id) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [account.ref.system.rawValue, account.ref.object, account.ref.id, account.name, account.domain, account.ownerID])
            }
            for member in cycle.accountMembers {
                let ref = member.ref
                if member.deleted || member.account == nil {
                    try db.execute(sql: "DELETE FROM account_members WHERE system = ? AND object = ? AND id = ?",
                                   arguments: [ref.system.rawValue, ref.object, ref.id])
                } else if let account = member.account {
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO account_members (system, object, id, kind, account_object, account_id, domain, open)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [ref.system.rawValue, ref.object, ref.id, member.kind.rawValue, account.object, account.id,
                                         member.domain, member.open])
                }
            }
            for activity in cycle.activities {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO activities (id, system, object, record_id, kind, occurred_at, url, form, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [activity.id, activity.subject.system.rawValue, activity.subject.object, activity.subject.id,
                                     activity.kind.rawValue, activity.occurredAt.timeIntervalSince1970, activity.url, activity.form, activity.actor])
            }
            for (stream, mark) in cycle.watermarks {
                try db.execute(sql: "INSERT OR REPLACE INTO watermarks (stream, modified_at, record_id, updated_at) VALUES (?, ?, ?, ?)",
                               arguments: [stream.rawValue, mark.modifiedAt.timeIntervalSince1970, mark.id, time])
            }
            for (stream, sweptAt) in cycle.sweeps {
                try db.execute(sql: "INSERT OR REPLACE INTO sweeps (stream, swept_at) VALUES (?, ?)", arguments: [stream.rawValue, sweptAt.timeIntervalSince1970])
            }
            if let fingerprint = cycle.mappingFingerprint {
                try db.execute(sql: "INSERT OR REPLACE INTO fingerprints (name, value, updated_at) VALUES ('mapping', ?, ?)", arguments: [fingerprint, time])
            }
            for reject in cycle.rejected {
                try db.execute(sql: "INSERT INTO rejects (system, object, record_id, reason, seen_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [reject.system.rawValue, reject.object, reject.id, reject.reason, time])
            }
            var heldPeople = Set<String>()
            for hold in cycle.holds {
                let key: [any DatabaseValueConvertible] = [hold.ref.system.rawValue, hold.ref.object, hold.ref.id]
                if let before = try String.fetchOne(db, sql: "SELECT person_key FROM record_holds WHERE system = ? AND object = ? AND id = ?",
                                                    arguments: StatementArguments(key)) { heldPeople.insert(before) }
                heldPeople.insert(hold.person.rawValue)
                try db.execute(sql: """
                    INSERT OR REPLACE INTO record_holds (system, object, id, person_key, owner_id, open) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: StatementArguments(key + [hold.person.rawValue, hold.owner, hold.open]))
            }
            // Each person touched (and the one a record moved from) is counted by their Salesforce lead, else their contact.
            for chunk in heldPeople.sorted().chunked(SQLiteStateStore.chunk) {
                try db.execute(sql: """
                    UPDATE record_holds SET counted = (system = 'salesforce' OR NOT EXISTS (
                        SELECT 1 FROM record_holds s WHERE s.person_key = record_holds.person_key AND s.system = 'salesforce'))
                    WHERE person_key IN (\(databaseQuestionMarks(count: chunk.count)))
                    """, arguments: StatementArguments(Array(chunk)))
            }
            for (ref, keys) in cycle.matchKeys {
                try db.execute(sql: "DELETE FROM match_keys WHERE system = ? AND object = ? AND id = ?",
                               arguments: [ref.system.rawValue, ref.object, ref.id])
                for key in Set(keys) {
                    try db.execute(sql: "INSERT OR IGNORE INTO match_keys (key, system, object, id) VALUES (?, ?, ?, ?)",
                                   arguments: [key, ref.system.rawValue, ref.object, ref.id])
                }
            }
            for person in cycle.released {
                try db.execute(sql: "DELETE FROM held_people WHERE person_key = ?", arguments: [person.rawValue])
            }
            for person in cycle.plan.heldForBacklog {
                try db.execute(sql: "INSERT OR IGNORE INTO held_people (person_key, held_at) VALUES (?, ?)", arguments: [person.rawValue, time])
            }
            try Self.apply(cycle.plan, configVersion: cycle.configVersion, released: Set(cycle.released), db, time: time)
        }
    }

    static func apply(_ plan: Plan, configVersion: String?, released: Set<PersonKey> = [], _ db: Database, time: Double) throws {
        // A cycle number only for plans with effects or events: idle cycles leave no trace.
        var cycle: Int64?
        func number() throws -> Int64 {
            if let cycle { return cycle }
            try db.execute(sql: "INSERT INTO cycles (committed_at, changes) VALUES (?, ?)", arguments: [time, plan.changes.count])
            let id = db.lastInsertedRowID
            cycle = id
            return id
        }
        func effect(_ position: Int) throws -> EffectID { EffectID(cycle: try number(), position: position) }
        for event in plan.events { try append(event, cycle: try number(), configVersion: configVersion, db) }
        for (person, gate) in plan.gates.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "INSERT OR REPLACE INTO mql_gates (person_key, latched, recycled, interest_since, checked_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [person.rawValue, gate.latched, gate.recycled, gate.interestSince?.timeIntervalSince1970,
                                       gate.checkedAt?.timeIntervalSince1970])
        }
        for change in plan.timers {
            switch change {
            case .schedule(let timer):
                try db.execute(sql: "INSERT OR REPLACE INTO timers (key, person_key, kind, due_at, facts) VALUES (?, ?, ?, ?, ?)",
                               arguments: [timer.key, timer.personKey.rawValue, timer.kind, timer.dueAt.timeIntervalSince1970, try json(timer.facts)])
            case .cancel(let key):
                try db.execute(sql: "DELETE FROM timers WHERE key = ?", arguments: [key])
            }
        }
        for (position, change) in plan.changes.enumerated() {
            switch change.action {
            case .link(let ref):
                try db.execute(sql: """
                    INSERT OR REPLACE INTO identity_links (system, object, id, person_key, reason, reason_code, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [ref.system.rawValue, ref.object, ref.id, change.subject.rawValue, change.reason.text, change.reason.code.rawValue, time])
            case .score(let score):
                try db.execute(sql: """
                    INSERT OR REPLACE INTO scores (person_key, total, fit, interest, breakdown, scored_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [change.subject.rawValue, score.total, score.fitScore, score.interestScore, try json(score), time])
            case .assign(let decision):
                try db.execute(sql: "INSERT INTO route_decisions (person_key, rep_id, decided_at, decision) VALUES (?, ?, ?, ?)",
                               arguments: [change.subject.rawValue, decision.repID, time, try json(decision)])
                guard let rep = decision.repID else { continue }
                try db.execute(sql: """
                    INSERT OR REPLACE INTO assignments (person_key, rep_id, rule, reason, assigned_at, open) VALUES (?, ?, ?, ?, ?, 1)
                    """, arguments: [change.subject.rawValue, rep, decision.rule, decision.reason, time])
                if let fairness = decision.fairness {
                    try db.execute(sql: "DELETE FROM routing_ledger WHERE pool = ?", arguments: [fairness.pool])
                    for (repID, credit) in fairness.after.sorted(by: { $0.key < $1.key }) {
                        try db.execute(sql: "INSERT INTO routing_ledger (pool, rep_id, credit) VALUES (?, ?, ?)", arguments: [fairness.pool, repID, credit])
                    }
                }
            case .lifecycle, .duplicates:
                continue
            case .write(let write):
                let id = try enqueue(.write(write), key: write.contentKey, effect: try effect(position), change: change,
                                     lane: .of(change, released: released), db, time: time)
                if write.operation == .merge { try recordMerge(write, outboxID: id, change: change, db, time: time) }
            case .notify(let note):
                try enqueue(.notify(note), key: note.contentKey(person: change.subject), effect: try effect(position), change: change,
                            lane: .of(change, released: released), db, time: time)
            case .reconcile(let decision):
                try db.execute(sql: """
                    INSERT OR REPLACE INTO synced_fields (person_key, field, value, synced_at) VALUES (?, ?, ?, ?)
                    """, arguments: [change.subject.rawValue, decision.field, decision.value, time])
            case .enrich(let fills):
                try db.execute(sql: "DELETE FROM enriched_fields WHERE person_key = ?", arguments: [change.subject.rawValue])
                for fill in fills {
                    try db.execute(sql: """
                        INSERT INTO enriched_fields (person_key, field, value, source, filled_at, replaced) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [change.subject.rawValue, fill.field, fill.value, fill.source, fill.filledAt.timeIntervalSince1970, fill.replaced])
                }
            }
        }
    }

    /// The merge's before-images: both records' stored snapshots, next to the outbox entry that will carry it out.
    static func recordMerge(_ write: RecordWrite, outboxID: Int64, change: PlanChange, _ db: Database, time: Double) throws {
        guard let survivor = write.id, let merged = write.mergeFrom else { return }
        func before(_ id: String) throws -> String {
            try String.fetchOne(db, sql: "SELECT fields FROM snapshots WHERE system = ? AND object = ? AND id = ?",
                                arguments: [write.system.rawValue, write.object, id]) ?? "{}"
        }
        try db.execute(sql: """
            INSERT OR IGNORE INTO merges (outbox_id, person_key, system, object, survivor_id, merged_id, survivor_before, merged_before,
                                          reason, status, planned_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?)
            """, arguments: [outboxID, change.subject.rawValue, write.system.rawValue, write.object, survivor, merged, try before(survivor),
                             try before(merged), change.reason.text, time])
    }

    /// Queues an effect unless the same content is already pending; returns the id of the entry that will carry it out.
    @discardableResult
    static func enqueue(_ payload: OutboxEntry.Payload, key: String, effect: EffectID, change: PlanChange, lane: OutboxLane,
                        _ db: Database, time: Double) throws -> Int64 {
        if let pending = try Int64.fetchOne(db, sql: "SELECT id FROM outbox WHERE content_key = ? AND status = 'pending'", arguments: [key]) {
            // Planned again in a faster lane (a backlog hand-off the person's new activity made fresh): it moves up.
            try db.execute(sql: "UPDATE outbox SET lane = MIN(lane, ?) WHERE id = ?", arguments: [lane.rawValue, pending])
            return pending
        }
        try db.execute(sql: """
            INSERT INTO outbox (cycle, position, content_key, person_key, payload, reason, status, attempts, created_at, lane)
            VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
            """, arguments: [effect.cycle, effect.position, key, change.subject.rawValue, try json(payload), change.reason.text, time,
                             lane.rawValue])
        return db.lastInsertedRowID
    }
}
