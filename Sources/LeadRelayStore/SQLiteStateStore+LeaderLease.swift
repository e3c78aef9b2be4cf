import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore: LeaderLease {
    public func acquireLease(_ name: String, holder: String, for duration: Duration) async throws -> LeaseGrant? {
        let now = clock().timeIntervalSince1970
        let expires = now + Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return try await pool.write { db in
            let row = try Row.fetchOne(db, sql: "SELECT holder, generation, expires_at FROM leases WHERE name = ?", arguments: [name])
            let generation: Int64
            if let row {
                let current: String = row["holder"]
                let live = (row["expires_at"] as Double) > now
                if current != holder && live { return nil }
                generation = current == holder && live ? row["generation"] : (row["generation"] as Int64) + 1
            } else {
                generation = 1
            }
            try db.execute(sql: "INSERT OR REPLACE INTO leases (name, holder, generation, expires_at) VALUES (?, ?, ?, ?)",
                           arguments: [name, holder, generation, expires])
            return LeaseGrant(name: name, holder: holder, generation: generation, expiresAt: Date(timeIntervalSince1970: expires))
        }
    }

    public func releaseLease(_ name: String, holder: String) async throws {
        // The row stays (its generation must keep growing); only its time is given back.
        try await pool.write { db in
            try db.execute(sql: "UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ?", arguments: [name, holder])
        }
    }
}
