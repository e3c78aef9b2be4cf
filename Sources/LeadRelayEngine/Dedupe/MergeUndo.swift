import Foundation
import LeadRelayCore
import LeadRelayCRM

/// `leadrelay undo merge ID`: HubSpot cannot split a merged contact, so the merged-away record is created again from
/// its before-image and the survivor's fields are set back to theirs. The restored record is linked to the person and
/// never merged again automatically (it is flagged as a duplicate instead).
public struct MergeUndo: Sendable {
    public struct Plan: Sendable, Hashable {
        public var merge: Int64
        /// The CRM object (`contacts`).
        public var object: String
        /// Properties of the record to create in place of the merged one.
        public var restore: [String: String]
        /// The survivor's current id and the values its fields go back to (`""` clears what the merge filled).
        public var survivorID: String
        public var survivorFields: [String: String]
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case notFound(Int64)
        case notUndoable(Int64, MergeRecord.Status)
        case unsupported(CRMSystem)
        case crm(String)

        public var description: String {
            switch self {
            case .notFound(let id): "no merge \(id) in the store (leadrelay undo merge lists them)"
            case .notUndoable(let id, let status): "merge \(id) is \(status.rawValue): only a merge that was carried out can be undone"
            case .unsupported(let system): "LeadRelay merges HubSpot contacts only; \(system.rawValue) has nothing to undo"
            case .crm(let message): message
            }
        }
    }

    let store: any MergeLog
    let mapping: MappingSet
    let hubspot: HubSpotConnector?
    let clock: @Sendable () -> Date

    public init(store: any MergeLog, mapping: MappingSet, connectors: [any CRMConnector], clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.mapping = mapping
        self.hubspot = connectors.lazy.compactMap { $0 as? HubSpotConnector }.first
        self.clock = clock
    }

    /// What undoing merge `id` would write, without writing it.
    public func plan(_ id: Int64) async throws -> Plan {
        guard let merge = try await store.merge(id) else { throw Failure.notFound(id) }
        guard merge.status == .done else { throw Failure.notUndoable(id, merge.status) }
        guard merge.system == .hubspot else { throw Failure.unsupported(merge.system) }
        // Mapped fields (owner included) and the stage and status LeadRelay manages; never the duplicate flag (which
        // the mapping keeps apart from its fields) or read-only ones.
        var writable = Set(mapping.fields.compactMap { $0.name(in: .hubspot) })
        writable.formUnion([CRMFieldNames.hubspotLifecycle, CRMFieldNames.hubspotLeadStatus])
        var restore: [String: String] = [:]
        for (name, value) in merge.mergedBefore where writable.contains(name) {
            if let value, !value.trimmingCharacters(in: .whitespaces).isEmpty { restore[name] = value }
        }
        var survivor: [String: String] = [:]
        for name in writable where name != CRMFieldNames.hubspotLifecycle {
            // A field the survivor lacked before the merge is cleared; one it had goes back to that value.
            let before = merge.survivorBefore[name] ?? nil
            if merge.survivorBefore.keys.contains(name) || merge.mergedBefore.keys.contains(name) { survivor[name] = before ?? "" }
        }
        return Plan(merge: id, object: merge.object, restore: restore, survivorID: merge.resultID ?? merge.survivorID, survivorFields: survivor)
    }

    /// Carries the plan out: creates the restored record, resets the survivor, records the undo. Returns the new record's id.
    public func run(_ id: Int64) async throws -> (plan: Plan, restoredID: String) {
        let plan = try await self.plan(id)
        guard let hubspot else { throw Failure.unsupported(.hubspot) }
        // HubSpot keeps a merged-away address on the survivor as an additional email; it must leave before it can be reused.
        if let email = plan.restore["email"] {
            do {
                _ = try await hubspot.removeSecondaryEmail(contact: plan.survivorID, email: email)
            } catch {
                throw Failure.crm("taking \(email) off contact \(plan.survivorID)'s additional emails failed: \(error)")
            }
        }
        let restoredID: String
        do {
            restoredID = try await hubspot.createRecord(plan.object, properties: plan.restore)
        } catch {
            if case .rejected(_, 409, _, let message) = error {
                throw Failure.crm("HubSpot still holds this address on another contact: \(message). Free it there, then run undo again.")
            }
            throw Failure.crm("creating the restored contact failed: \(error)")
        }
        // Recorded at once: a failure below must not lead a second run to create the contact twice.
        try await store.markMergeUndone(id, restoredID: restoredID, at: clock())
        var write = RecordWrite(operation: .update, system: .hubspot, object: plan.object, id: plan.survivorID, fields: plan.survivorFields)
        write.reason = "undo merge \(id): the survivor's fields as before the merge"
        let outcome = try await hubspot.apply([write]).first?.result
        switch outcome {
        case .applied, .appliedWithout: return (plan, restoredID)
        case .retryLater, .rejected, nil: break
        }
        throw Failure.crm("contact \(restoredID) was restored, but resetting survivor \(plan.survivorID) failed (\(String(describing: outcome))); "
                          + "set its fields by hand: \(plan.survivorFields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))")
    }
}
