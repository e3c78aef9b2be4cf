import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore {
    /// Named migrations; once merged, a migration is never edited — add a new one instead.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.create(table: "watermarks") { t in
                t.primaryKey("stream", .text)
                t.column("modified_at", .double).notNull()
                t.column("record_id", .text).notNull()
                t.column("updated_at", .double).notNull()
            }
            try db.create(table: "snapshots") { t in
                t.column("system", .text).notNull()
                t.column("object", .text).notNull()
                t.column("id", .text).notNull()
                t.column("modified_at", .double).notNull()
                t.column("deleted", .boolean).notNull()
                t.column("fields", .text).notNull()
                t.column("seen_at", .double).notNull()
                t.primaryKey(["system", "object", "id"])
            }
            try db.create(table: "identity_links") { t in
                t.column("system", .text).notNull()
                t.column("object", .text).notNull()
                t.column("id", .text).notNull()
                t.column("person_key", .text).notNull().indexed()
                t.column("reason", .text).notNull()
                t.column("linked_at", .double).notNull()
                t.primaryKey(["system", "object", "id"])
            }
            try db.create(table: "activities") { t in
                t.primaryKey("id", .text)
                t.column("system", .text).notNull()
                t.column("object", .text).notNull()
                t.column("record_id", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("occurred_at", .double).notNull()
                t.column("url", .text)
                t.column("form", .text)
            }
            try db.create(index: "activities_subject", on: "activities", columns: ["system", "object", "record_id"])
            try db.create(table: "accounts") { t in
                t.column("system", .text).notNull()
                t.column("object", .text).notNull()
                t.column("id", .text).notNull()
                t.column("name", .text).notNull()
                t.column("domain", .text)
                t.column("owner_id", .text)
                t.primaryKey(["system", "object", "id"])
            }
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("idempotency_key", .text).notNull().unique()
                t.column("person_key", .text).notNull()
                t.column("payload", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("last_error", .text)
                t.column("result_id", .text)
                t.column("created_at", .double).notNull()
                t.column("finished_at", .double)
            }
            try db.create(index: "outbox_pending", on: "outbox", columns: ["status", "id"])
            try db.create(table: "assignments") { t in
                t.primaryKey("person_key", .text)
                t.column("rep_id", .text).notNull().indexed()
                t.column("rule", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("assigned_at", .double).notNull()
                t.column("open", .boolean).notNull().defaults(to: true)
            }
            try db.create(table: "scores") { t in
                t.primaryKey("person_key", .text)
                t.column("total", .double).notNull()
                t.column("fit", .double).notNull()
                t.column("interest", .double).notNull()
                t.column("breakdown", .text).notNull()
                t.column("scored_at", .double).notNull()
            }
            try db.create(table: "rejects") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("system", .text).notNull()
                t.column("object", .text).notNull()
                t.column("record_id", .text)
                t.column("reason", .text).notNull()
                t.column("seen_at", .double).notNull()
            }
        }
        migrator.registerMigration("v2-activity-actor") { db in
            // Sales touches (Salesforce Tasks) name the rep who made them, for the SLA.
            try db.alter(table: "activities") { t in t.add(column: "actor", .text) }
        }
        migrator.registerMigration("v3-synced-fields") { db in
            // The value each mapped field was last reconciled to, per person: a side that differs from it changed.
            try db.create(table: "synced_fields") { t in
                t.column("person_key", .text).notNull()
                t.column("field", .text).notNull()
                t.column("value", .text)
                t.column("synced_at", .double).notNull()
                t.primaryKey(["person_key", "field"])
            }
        }
        migrator.registerMigration("v4-enrichment") { db in
            // Provenance: which source filled each enriched field of a person, and since when.
            try db.create(table: "enriched_fields") { t in
                t.column("person_key", .text).notNull()
                t.column("field", .text).notNull()
                t.column("value", .text).notNull()
                t.column("source", .text).notNull()
                t.column("filled_at", .double).notNull()
                t.column("replaced", .text)
                t.primaryKey(["person_key", "field"])
            }
            // The enrichment provider's answers by company domain (`fields` NULL: the provider does not know it).
            try db.create(table: "enrichment_cache") { t in
                t.primaryKey("domain", .text)
                t.column("fields", .text)
                t.column("fetched_at", .double).notNull()
            }
        }
        migrator.registerMigration("v5-match-keys") { db in
            // Blocking keys of every lead/contact snapshot: a record seen for the first time is compared only with
            // records sharing one (a phone, a name at a company), never with everyone.
            try db.create(table: "match_keys") { t in
                t.column("key", .text).notNull()
                t.column("system", .text).notNull()
                t.column("object", .text).notNull()
                t.column("id", .text).notNull()
                t.primaryKey(["key", "system", "object", "id"])
            }
            try db.create(index: "match_keys_record", on: "match_keys", columns: ["system", "object", "id"])
        }
        migrator.registerMigration("v6-merges") { db in
            // Every CRM merge LeadRelay plans, with both records as last read (the before-images `undo merge` restores).
            try db.create(table: "merges") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("outbox_id", .integer).notNull().unique()
                t.column("person_key", .text).notNull()
                t.column("system", .text).notNull()
                t.column("object", .text).notNull()
                t.column("survivor_id", .text).notNull()
                t.column("merged_id", .text).notNull()
                t.column("survivor_before", .text).notNull()
                t.column("merged_before", .text).notNull()
                t.column("reason", .text).notNull()
                // planned → done (result_id: the survivor's id after the merge) → undone (restored_id); or failed.
                t.column("status", .text).notNull()
                t.column("result_id", .text)
                t.column("restored_id", .text)
                t.column("planned_at", .double).notNull()
                t.column("finished_at", .double)
                t.column("undone_at", .double)
            }
        }
        migrator.registerMigration("v7-effect-identity") { db in
            // Each committed cycle that planned effects gets a number; an effect is identified by (cycle, position).
            try db.create(table: "cycles") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("committed_at", .double).notNull()
                t.column("changes", .integer).notNull()
            }
            // The outbox was keyed by content and kept done rows, so content planned again after it was done (a field
            // going X → Y → X) was silently dropped. Content is now unique among pending entries only.
            try db.create(table: "outbox_v7") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("cycle", .integer).notNull()
                t.column("position", .integer).notNull()
                t.column("content_key", .text).notNull()
                t.column("person_key", .text).notNull()
                t.column("payload", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("last_error", .text)
                t.column("result_id", .text)
                t.column("created_at", .double).notNull()
                t.column("finished_at", .double)
                // A dispatcher's claim holds the entry until then (the store's clock); a dead dispatcher's claim lapses.
                t.column("claimed_until", .double)
                // What the channel said of a notification: accepted, delivered, undelivered; its own message id.
                t.column("delivery_state", .text)
                t.column("delivery_channel", .text)
                t.column("delivery_id", .text)
                t.column("delivered_at", .double)
                t.uniqueKey(["cycle", "position"])
            }
            // Entries from before keep their ids (merges point at them) under cycle 0, their id as position.
            try db.execute(sql: """
                INSERT INTO outbox_v7 (id, cycle, position, content_key, person_key, payload, reason, status, attempts, last_error,
                                       result_id, created_at, finished_at)
                SELECT id, 0, id, idempotency_key, person_key, payload, reason, status, attempts, last_error, result_id, created_at, finished_at
                FROM outbox
                """)
            try db.drop(table: "outbox")
            try db.rename(table: "outbox_v7", to: "outbox")
            try db.create(index: "outbox_pending", on: "outbox", columns: ["status", "id"])
            try db.execute(sql: "CREATE UNIQUE INDEX outbox_pending_content ON outbox (content_key) WHERE status = 'pending'")
            // Leadership among daemons sharing a store: one holder per name, a generation that grows with each new holder.
            try db.create(table: "leases") { t in
                t.primaryKey("name", .text)
                t.column("holder", .text).notNull()
                t.column("generation", .integer).notNull()
                t.column("expires_at", .double).notNull()
            }
        }
        migrator.registerMigration("v8-event-log") { db in
            // Append-only: what happened to each lead, with the cycle and configuration that decided it.
            try db.create(table: "events") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("cycle", .integer)
                t.column("config_version", .text)
                t.column("person_key", .text).notNull()
                t.column("kind", .text).notNull()
                // Who holds the lead after the event ('' for nobody), for events that decide it: open assignments derive from it.
                t.column("holder", .text)
                t.column("payload", .text).notNull()
                // The cause: its code (what KPIs count) and the whole reason (code, facts, text) as JSON.
                t.column("cause_code", .text).notNull()
                t.column("cause", .text).notNull()
                t.column("occurred_at", .double).notNull()
            }
            try db.create(index: "events_person", on: "events", columns: ["person_key", "seq"])
            try db.execute(sql: "CREATE INDEX events_holder ON events (person_key, seq) WHERE holder IS NOT NULL")
            // Assignments from before the log become its first events, so the open count derived from events starts
            // where the old flag stood.
            for row in try Row.fetchAll(db, sql: "SELECT person_key, rep_id, rule, reason, assigned_at FROM assignments WHERE open = 1 ORDER BY assigned_at, person_key") {
                let event = LeadEvent(personKey: try SQLiteStateStore.personKey(row, in: "assignments"), kind: .assigned(repID: row["rep_id"], rule: row["rule"]),
                                      cause: Reason(.migrated, row["reason"], facts: ["rule": row["rule"]]),
                                      occurredAt: Date(timeIntervalSince1970: row["assigned_at"]))
                try SQLiteStateStore.append(event, cycle: nil, configVersion: nil, db)
            }
        }
        migrator.registerMigration("v9-link-reason-codes") { db in
            // The code of each link's reason, so reports count links by code (`link.evidence`), not by their wording.
            try db.alter(table: "identity_links") { t in t.add(column: "reason_code", .text) }
        }
        migrator.registerMigration("v10-stream-marks") { db in
            // Watermarks are only where a stream's poll stopped; the sweep times and the mapping fingerprint that
            // were kept as pseudo-watermarks get tables of their own.
            try db.create(table: "sweeps") { t in
                t.primaryKey("stream", .text)
                t.column("swept_at", .double).notNull()
            }
            try db.create(table: "fingerprints") { t in
                t.primaryKey("name", .text)
                t.column("value", .text).notNull()
                t.column("updated_at", .double).notNull()
            }
            try db.execute(sql: """
                INSERT INTO sweeps (stream, swept_at)
                SELECT substr(stream, 1, length(stream) - length('-sweep')), modified_at FROM watermarks WHERE stream LIKE '%.deleted-sweep'
                """)
            try db.execute(sql: """
                INSERT INTO fingerprints (name, value, updated_at)
                SELECT 'mapping', record_id, updated_at FROM watermarks WHERE stream = 'mapping.fingerprint'
                """)
            try db.execute(sql: "DELETE FROM watermarks WHERE stream LIKE '%.deleted-sweep' OR stream = 'mapping.fingerprint'")
        }
        migrator.registerMigration("v11-timers") { db in
            // What must be looked at again at a given time, whether or not a CRM changes.
            try db.create(table: "timers") { t in
                t.primaryKey("key", .text)
                t.column("person_key", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("due_at", .double).notNull().indexed()
                t.column("facts", .text).notNull()
            }
        }
        migrator.registerMigration("v12-refused-fields") { db in
            // The fields a CRM refused while applying the rest of a write (field → its code and message), for the report.
            try db.alter(table: "outbox") { t in t.add(column: "refused_fields", .text) }
        }
        migrator.registerMigration("v13-held-people") { db in
            // People over the MQL line whose routing waits until both CRMs' backlogs are read (bounded cycles).
            try db.create(table: "held_people") { t in
                t.column("person_key", .text).primaryKey()
                t.column("held_at", .double).notNull()
            }
        }
        migrator.registerMigration("v14-outbox-lanes") { db in
            // Hand-offs before backlog hand-offs before data (`OutboxLane`); entries queued before lanes keep their order.
            try db.alter(table: "outbox") { t in t.add(column: "lane", .integer).notNull().defaults(to: OutboxLane.handoff.rawValue) }
            try db.create(index: "outbox_lane", on: "outbox", columns: ["status", "lane", "id"])
        }
        migrator.registerMigration("v15-fairness-ledger") { db in
            // Smooth round-robin credit per pool and rep (`FairnessLedger`), kept so a restart resets nobody.
            try db.create(table: "routing_ledger") { t in
                t.column("pool", .text).notNull()
                t.column("rep_id", .text).notNull()
                t.column("credit", .integer).notNull()
                t.primaryKey(["pool", "rep_id"])
            }
            try db.create(index: "assignments_at", on: "assignments", columns: ["assigned_at"])
        }
        migrator.registerMigration("v16-route-decisions") { db in
            // Every routing decision with its audit (`RouteDecision` as JSON), so `explain route` shows what was decided.
            try db.create(table: "route_decisions") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("person_key", .text).notNull().indexed()
                t.column("rep_id", .text)
                t.column("decided_at", .double).notNull()
                t.column("decision", .text).notNull()
            }
        }
        migrator.registerMigration("v17-record-holds") { db in
            // Each person record's owner and whether its lead is open: least-loaded counts the CRMs' open leads per
            // owner, including those assigned outside LeadRelay. Filled as records are read (a store from before this
            // counts by its event log until then).
            try db.create(table: "record_holds") { t in
                t.column("system", .text).notNull()
                t.column("object", .text).notNull()
                t.column("id", .text).notNull()
                t.column("person_key", .text).notNull().indexed()
                t.column("owner_id", .text)
                t.column("open", .integer).notNull()
                // Whether the row is the one its person is counted by: a Salesforce lead, or a contact of a person with none.
                t.column("counted", .integer).notNull().defaults(to: 1)
                t.primaryKey(["system", "object", "id"])
            }
            // The count per owner reads only the rows that count, from the index alone.
            try db.execute(sql: """
                CREATE INDEX record_holds_counted ON record_holds (system, owner_id, person_key)
                WHERE open = 1 AND counted = 1 AND owner_id IS NOT NULL
                """)
        }
        migrator.registerMigration("v18-mql-gates") { db in
            // Each person's MQL gate (hysteresis, recycle): a person without a row is latched when assigned.
            try db.create(table: "mql_gates") { t in
                t.primaryKey("person_key", .text)
                t.column("latched", .integer).notNull()
                t.column("recycled", .integer).notNull()
                t.column("interest_since", .double)
                t.column("checked_at", .double)
            }
        }
        migrator.registerMigration("v19-account-members") { db in
            // Salesforce Contacts and Opportunities, reduced to what account matching weighs: whose they are, the
            // contact's company domain, whether the opportunity is open.
            try db.create(table: "account_members") { t in
                t.column("system", .text).notNull()
                t.column("object", .text).notNull()
                t.column("id", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("account_object", .text).notNull()
                t.column("account_id", .text).notNull()
                t.column("domain", .text)
                t.column("open", .integer).notNull()
                t.primaryKey(["system", "object", "id"])
            }
        }
        return migrator
    }
}
