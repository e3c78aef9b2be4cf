import Foundation
import LeadRelayCore

/// What one poll-and-plan pass saw and decided.
public struct CycleResult: Sendable {
    public struct StreamStats: Sendable, Hashable, Codable {
        public var stream: String
        public var read: Int
        /// Versions not already in the store.
        public var changed: Int
        public var rejected: Int
        public var calls: Int
    }

    public var plan: Plan
    public var streams: [StreamStats]
    public var rejected: [RejectedRecord]
    /// Reps whose email a system does not know (their writes to it are skipped).
    public var missingReps: [String: [CRMSystem]]
    public var commit: CycleCommit
    /// Field changes that were LeadRelay's own writes coming back (equal to the synced value): not propagated again.
    public var echoesSuppressed: Int = 0
    /// The mapping changed since the last cycle, so every known person was reconciled.
    public var backfill = false
    /// Optional streams not read normally (failing and backed off, or off for want of access); the rest went on.
    public var streamProblems: [StreamProblem] = []
    /// Systems whose lead stream has more to read than this cycle read (bounded cycles): routing waits for them.
    public var catchingUp: [CRMSystem] = []
    /// Why routing's stranded queue could not be used this cycle (not among Salesforce's queues); `nil` when it could.
    public var strandedQueueProblem: String?

    /// Lead and account versions that were new to the store (behavioural events are not counted: look-back re-reads them).
    public var changedRecords: Int { commit.snapshots.count + commit.accounts.count }
}
