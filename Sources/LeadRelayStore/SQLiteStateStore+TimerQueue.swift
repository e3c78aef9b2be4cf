import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore: TimerQueue {
    public func dueTimers(at now: Date, limit: Int, kinds: Set<String>?) async throws -> [LeadTimer] {
        let (filter, values) = Self.kindFilter(kinds)
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM timers WHERE due_at <= ?\(filter) ORDER BY due_at, key LIMIT ?",
                             arguments: StatementArguments([now.timeIntervalSince1970] + values.map { $0 as any DatabaseValueConvertible } + [limit])).map { row in
                LeadTimer(key: row["key"], personKey: try Self.personKey(row, in: "timers"), kind: row["kind"], dueAt: Date(timeIntervalSince1970: row["due_at"]),
                          facts: try Self.decode([String: String].self, row["facts"]))
            }
        }
    }

    public func nextDue(kinds: Set<String>?) async throws -> Date? {
        let (filter, values) = Self.kindFilter(kinds)
        return try await pool.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(due_at) FROM timers WHERE 1 = 1\(filter)", arguments: StatementArguments(values))
                .map(Date.init(timeIntervalSince1970:))
        }
    }

    /// ` AND kind IN (?, …)` and its values; nothing for every kind.
    static func kindFilter(_ kinds: Set<String>?) -> (String, [String]) {
        guard let kinds else { return ("", []) }
        guard !kinds.isEmpty else { return (" AND 0", []) }
        return (" AND kind IN (\(databaseQuestionMarks(count: kinds.count)))", kinds.sorted())
    }
}
