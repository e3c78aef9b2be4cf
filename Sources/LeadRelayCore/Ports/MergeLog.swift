import Foundation

/// A merge LeadRelay planned, with both records as they were before it (what `undo merge` restores).
public struct MergeRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case planned, done, failed, undone
    }

    public var id: Int64
    public var personKey: PersonKey
    public var system: CRMSystem
    public var object: String
    public var survivorID: String
    public var mergedID: String
    /// Field → value of each record as LeadRelay last read it.
    public var survivorBefore: [String: String?]
    public var mergedBefore: [String: String?]
    public var reason: String
    public var status: Status
    /// The survivor's id after the merge (HubSpot may give it a new one).
    public var resultID: String?
    /// The record `undo merge` created in place of the merged one.
    public var restoredID: String?
    public var plannedAt: Date

    public init(id: Int64, personKey: PersonKey, system: CRMSystem, object: String, survivorID: String, mergedID: String,
                survivorBefore: [String: String?], mergedBefore: [String: String?], reason: String, status: Status,
                resultID: String?, restoredID: String?, plannedAt: Date) {
        self.id = id
        self.personKey = personKey
        self.system = system
        self.object = object
        self.survivorID = survivorID
        self.mergedID = mergedID
        self.survivorBefore = survivorBefore
        self.mergedBefore = mergedBefore
        self.reason = reason
        self.status = status
        self.resultID = resultID
        self.restoredID = restoredID
        self.plannedAt = plannedAt
    }
}

/// The merges LeadRelay planned (recorded by the commit with the merge's outbox entry), for `undo merge`.
public protocol MergeLog: Sendable {
    /// Every merge, oldest first.
    func merges() async throws -> [MergeRecord]
    func merge(_ id: Int64) async throws -> MergeRecord?
    /// The merged record is back as `restoredID`: linked to the person, never merged again automatically.
    func markMergeUndone(_ id: Int64, restoredID: String, at now: Date) async throws
}
