import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore: OutboxQueue {
    public func claim(limit: Int, lease: Duration) async throws -> [OutboxEntry] {
        let now = clock().timeIntervalSince1970
        let until = now + Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        return try await pool.write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM outbox WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY lane, id LIMIT ?
                """, arguments: [now, limit])
            let entries = try rows.map(Self.outboxEntry)
            for chunk in entries.map(\.id).chunked(Self.chunk) {
                try db.execute(sql: "UPDATE outbox SET claimed_until = ? WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))",
                               arguments: StatementArguments([until]) + StatementArguments(Array(chunk)))
            }
            return entries
        }
    }

    public func release(_ ids: [Int64]) async throws {
        try await pool.write { db in
            for chunk in ids.chunked(Self.chunk) {
                try db.execute(sql: "UPDATE outbox SET claimed_until = NULL WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))",
                               arguments: StatementArguments(Array(chunk)))
            }
        }
    }

    public func postpone(_ ids: [Int64], until: Date, at now: Date) async throws {
        try await pool.write { db in
            for chunk in ids.chunked(Self.chunk) {
                try db.execute(sql: "UPDATE outbox SET claimed_until = ? WHERE status = 'pending' AND id IN (\(databaseQuestionMarks(count: chunk.count)))",
                               arguments: StatementArguments([until.timeIntervalSince1970]) + StatementArguments(Array(chunk)))
            }
        }
    }

    public func complete(_ id: Int64, resultID: String?, learned: [LearnedLink], receipt: DeliveryReceipt?, refused: [String: String],
                         at now: Date) async throws {
        let time = now.timeIntervalSince1970
        let refusedJSON = refused.isEmpty ? nil : try Self.json(refused)
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET status = 'done', result_id = ?, attempts = attempts + 1, finished_at = ?, claimed_until = NULL,
                    refused_fields = ? WHERE id = ?
                """, arguments: [resultID, time, refusedJSON, id])
            try db.execute(sql: "UPDATE merges SET status = 'done', result_id = ?, finished_at = ? WHERE outbox_id = ? AND status = 'planned'",
                           arguments: [resultID, time, id])
            for link in learned {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO identity_links (system, object, id, person_key, reason, reason_code, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [link.ref.system.rawValue, link.ref.object, link.ref.id, link.subject.rawValue, link.reason, Reason.Code.linkedByCreate.rawValue, time])
            }
            if let receipt { try Self.recordDelivery(id, receipt: receipt, time: now, db) }
        }
    }

    public func fail(_ id: Int64, error: String, permanent: Bool, retryAt: Date?, at now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET attempts = attempts + 1, last_error = ?, claimed_until = ?,
                    status = CASE WHEN ? OR attempts + 1 >= ? THEN 'failed' ELSE 'pending' END,
                    finished_at = CASE WHEN ? OR attempts + 1 >= ? THEN ? ELSE NULL END
                WHERE id = ?
                """, arguments: [error, retryAt?.timeIntervalSince1970, permanent, OutboxRules.maxAttempts, permanent, OutboxRules.maxAttempts,
                                 now.timeIntervalSince1970, id])
            try db.execute(sql: """
                UPDATE merges SET status = 'failed', finished_at = ?
                WHERE outbox_id = ? AND status = 'planned' AND (SELECT status FROM outbox WHERE id = ?) = 'failed'
                """, arguments: [now.timeIntervalSince1970, id, id])
        }
    }

    public func recordDelivery(_ id: Int64, receipt: DeliveryReceipt, at now: Date) async throws {
        try await pool.write { db in try Self.recordDelivery(id, receipt: receipt, time: now, db) }
    }

    public func recordDelivery(externalID: String, state: DeliveryReceipt.State, at now: Date) async throws -> Int {
        try await pool.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, delivery_state, delivery_channel FROM outbox WHERE delivery_id = ?", arguments: [externalID])
            var moved = 0
            for row in rows {
                let current = (row["delivery_state"] as String?).flatMap(DeliveryReceipt.State.init(rawValue:))
                guard state.progress > current?.progress ?? -1 else { continue }
                try Self.recordDelivery(row["id"], receipt: DeliveryReceipt(state: state, channel: row["delivery_channel"] ?? "sms", externalID: externalID),
                                        time: now, db)
                moved += 1
            }
            return moved
        }
    }

    /// The receipt on the entry and its `delivered` event (inside the caller's transaction).
    static func recordDelivery(_ id: Int64, receipt: DeliveryReceipt, time now: Date, _ db: Database) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]) else { return }
        try db.execute(sql: """
            UPDATE outbox SET delivery_state = ?, delivery_channel = ?, delivery_id = COALESCE(?, delivery_id), delivered_at = ? WHERE id = ?
            """, arguments: [receipt.state.rawValue, receipt.channel, receipt.externalID, now.timeIntervalSince1970, id])
        let entry = try outboxEntry(row)
        if case .notify(let note) = entry.payload, let person = entry.subject.person {
            let event = LeadEvent(personKey: person, kind: .delivered(repID: note.repID, channel: receipt.channel, state: receipt.state),
                                  cause: DeliveryReceipt.reason(receipt, repID: note.repID), occurredAt: now)
            try append(event, cycle: nil, configVersion: nil, db)
        }
    }

    public func depth() async throws -> OutboxDepth {
        try await pool.read { db in
            // A payload is `{"notify":…}` or `{"write":…}` (one key: the case of `OutboxEntry.Payload`).
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS n, MIN(created_at) AS oldest, COALESCE(SUM(payload LIKE '{"notify"%'), 0) AS alerts
                FROM outbox WHERE status = 'pending'
                """)
            return OutboxDepth(pending: row?["n"] ?? 0, oldestPendingAt: Self.date(row?["oldest"]), pendingAlerts: row?["alerts"] ?? 0)
        }
    }

    static func outboxEntry(_ row: Row) throws -> OutboxEntry {
        var entry = OutboxEntry(id: row["id"], effect: EffectID(cycle: row["cycle"], position: row["position"]),
                                subject: try subjectKey(row, in: "outbox"),
                                payload: try decode(OutboxEntry.Payload.self, row["payload"]), reason: row["reason"],
                                status: OutboxEntry.Status(rawValue: row["status"]) ?? .pending, attempts: row["attempts"],
                                lastError: row["last_error"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                                finishedAt: date(row["finished_at"]))
        entry.lane = (row["lane"] as Int?).flatMap(OutboxLane.init(rawValue:)) ?? .handoff
        if let refused = row["refused_fields"] as String? { entry.refusedFields = try decode([String: String].self, refused) }
        if let state = (row["delivery_state"] as String?).flatMap(DeliveryReceipt.State.init(rawValue:)) {
            entry.delivery = DeliveryReceipt(state: state, channel: row["delivery_channel"] ?? "", externalID: row["delivery_id"])
        }
        return entry
    }
}
