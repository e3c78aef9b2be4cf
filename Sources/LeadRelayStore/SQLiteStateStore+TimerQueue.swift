import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore: TimerQueue {
    public func dueTimers(at now: Date, limit: Int) async throws -> [LeadTimer] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at, key LIMIT ?",
                             arguments: [now.timeIntervalSince1970, limit]).map { row in
                LeadTimer(key: row["key"], personKey: try Self.personKey(row, in: "timers"), kind: row["kind"], dueAt: Date(timeIntervalSince1970: row["due_at"]),
                          facts: try Self.decode([String: String].self, row["facts"]))
            }
        }
    }

    public func nextDue() async throws -> Date? {
        try await pool.read { db in try Double.fetchOne(db, sql: "SELECT MIN(due_at) FROM timers").map(Date.init(timeIntervalSince1970:)) }
    }
}
