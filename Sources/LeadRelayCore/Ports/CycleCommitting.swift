import Foundation

/// Everything one cycle hands to the store at once: it lands in one transaction or not at all.
public struct CycleCommit: Sendable {
    public var snapshots: [SourceRecord]
    public var accounts: [Account]
    /// Contacts and opportunities read this cycle, each replacing its stored version (a deleted one is dropped).
    public var accountMembers: [AccountMember] = []
    public var activities: [Activity]
    /// Stream → where its next poll starts.
    public var watermarks: [StreamID: Watermark]
    /// Deletion sweeps done this cycle, and when.
    public var sweeps: [StreamID: Date] = [:]
    /// The fingerprint of the mapping this cycle reconciled with, when it changed.
    public var mappingFingerprint: String?
    public var plan: Plan
    public var rejected: [RejectedRecord]
    /// Record → its blocking keys (replacing the stored ones; empty removes them).
    public var matchKeys: [RecordRef: [String]] = [:]
    /// Each person record read this cycle: its owner and whether its lead is open (the CRMs' load count).
    public var holds: [RecordHold] = []
    /// The configuration the plan was made under (stamped on its events).
    public var configVersion: String?
    /// Held people this cycle planned again (routed or not): no longer held. The plan's `heldForBacklog` are added.
    public var released: [PersonKey] = []

    public init(snapshots: [SourceRecord] = [], accounts: [Account] = [], activities: [Activity] = [],
                watermarks: [StreamID: Watermark] = [:], plan: Plan, rejected: [RejectedRecord] = []) {
        self.snapshots = snapshots
        self.accounts = accounts
        self.activities = activities
        self.watermarks = watermarks
        self.plan = plan
        self.rejected = rejected
    }
}

/// The commit: a cycle's snapshots, watermarks, plan (state, effects, events) and match keys in one transaction.
public protocol CycleCommitting: Sendable {
    /// Applies the cycle atomically, or not at all. Effects get their identity (the cycle's number and their position)
    /// here; an effect whose content is already pending is not queued twice.
    func commit(_ cycle: CycleCommit, at now: Date) async throws
}
