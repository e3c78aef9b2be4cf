import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore: EventLog {
    public func events(after sequence: Int64, limit: Int) async throws -> [StoredEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [sequence, limit]).map(Self.storedEvent)
        }
    }

    public func events(for personKey: PersonKey) async throws -> [StoredEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM events WHERE person_key = ? ORDER BY seq", arguments: [personKey.rawValue]).map(Self.storedEvent)
        }
    }

    /// Appends one event (inside the caller's transaction).
    static func append(_ event: LeadEvent, cycle: Int64?, configVersion: String?, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO events (cycle, config_version, person_key, kind, holder, payload, cause_code, cause, occurred_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [cycle, configVersion, event.personKey.rawValue, event.name, event.holder, try json(event.kind), event.cause.code.rawValue,
                             try json(event.cause), event.occurredAt.timeIntervalSince1970])
    }

    static func storedEvent(_ row: Row) throws -> StoredEvent {
        let event = LeadEvent(personKey: try personKey(row, in: "events"), kind: try decode(LeadEvent.Kind.self, row["payload"]),
                              cause: try decode(Reason.self, row["cause"]),
                              occurredAt: Date(timeIntervalSince1970: row["occurred_at"]))
        return StoredEvent(sequence: row["seq"], cycle: row["cycle"], configVersion: row["config_version"], event: event)
    }
}
