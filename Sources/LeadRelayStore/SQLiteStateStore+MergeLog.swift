import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore: MergeLog {
    public func merges() async throws -> [MergeRecord] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM merges ORDER BY id").map(Self.mergeRecord) }
    }

    public func merge(_ id: Int64) async throws -> MergeRecord? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM merges WHERE id = ?", arguments: [id]).map(Self.mergeRecord) }
    }

    public func markMergeUndone(_ id: Int64, restoredID: String, at now: Date) async throws {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM merges WHERE id = ?", arguments: [id]) else { return }
            try db.execute(sql: "UPDATE merges SET status = 'undone', restored_id = ?, undone_at = ? WHERE id = ?",
                           arguments: [restoredID, now.timeIntervalSince1970, id])
            let person: String = row["person_key"]
            try db.execute(sql: """
                INSERT OR REPLACE INTO identity_links (system, object, id, person_key, reason, reason_code, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [row["system"] as String, row["object"] as String, restoredID, person,
                                 "restored by undo merge \(id) (was \(row["merged_id"] as String))", Reason.Code.linkedByUndo.rawValue,
                                 now.timeIntervalSince1970])
        }
    }

    static func mergeRecord(_ row: Row) throws -> MergeRecord {
        func fields(_ column: String) throws -> [String: String?] {
            try decode([String: String?].self, row[column])
        }
        return MergeRecord(id: row["id"], personKey: try personKey(row, in: "merges"), system: CRMSystem(rawValue: row["system"]) ?? .hubspot,
                           object: row["object"], survivorID: row["survivor_id"], mergedID: row["merged_id"],
                           survivorBefore: try fields("survivor_before"), mergedBefore: try fields("merged_before"), reason: row["reason"],
                           status: MergeRecord.Status(rawValue: row["status"]) ?? .planned, resultID: row["result_id"],
                           restoredID: row["restored_id"], plannedAt: Date(timeIntervalSince1970: row["planned_at"]))
    }
}
