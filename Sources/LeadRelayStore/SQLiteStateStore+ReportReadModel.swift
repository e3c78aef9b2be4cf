import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore: ReportReadModel {
    /// Every outbox entry, oldest first (reports and tests).
    public func outbox() async throws -> [OutboxEntry] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id").map(Self.outboxEntry) }
    }

    public func pendingOutbox(limit: Int) async throws -> [OutboxEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE status = 'pending' ORDER BY id LIMIT ?", arguments: [limit]).map(Self.outboxEntry)
        }
    }

    public func allAssignments() async throws -> [PersonKey: AssignmentRow] {
        try await pool.read { db in
            var result: [PersonKey: AssignmentRow] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT person_key, rep_id, assigned_at FROM assignments") {
                result[try Self.personKey(row, in: "assignments")] = AssignmentRow(repID: row["rep_id"], at: Date(timeIntervalSince1970: row["assigned_at"]))
            }
            return result
        }
    }

    public func routeDecisions(for person: PersonKey) async throws -> [StoredRouteDecision] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT decided_at, decision FROM route_decisions WHERE person_key = ? ORDER BY id",
                             arguments: [person.rawValue]).map { row in
                StoredRouteDecision(person: person, decidedAt: Date(timeIntervalSince1970: row["decided_at"]),
                                    decision: try Self.decode(RouteDecision.self, row["decision"]))
            }
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
    public func linkCounts() async throws -> [Reason.Code: Int] {
        try await pool.read { db in
            var counts: [Reason.Code: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT COALESCE(reason_code, '') AS code, COUNT(*) AS n FROM identity_links GROUP BY code") {
                counts[Reason.Code(row["code"] as String)] = row["n"]
            }
            return counts
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
}
