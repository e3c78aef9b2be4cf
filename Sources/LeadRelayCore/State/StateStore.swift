import Foundation

/// Everything one cycle hands to the store at once: it lands in one transaction or not at all.
public struct CycleCommit: Sendable {
    public var snapshots: [SourceRecord]
    public var accounts: [Account]
    public var activities: [Activity]
    /// Stream name (`hubspot.contacts`) → where the next poll starts.
    public var watermarks: [String: Watermark]
    public var plan: Plan
    public var rejected: [RejectedRecord]
    /// Record → its blocking keys (replacing the stored ones; empty removes them).
    public var matchKeys: [RecordRef: [String]] = [:]

    public init(snapshots: [SourceRecord] = [], accounts: [Account] = [], activities: [Activity] = [],
                watermarks: [String: Watermark] = [:], plan: Plan, rejected: [RejectedRecord] = []) {
        self.snapshots = snapshots
        self.accounts = accounts
        self.activities = activities
        self.watermarks = watermarks
        self.plan = plan
        self.rejected = rejected
    }
}

/// A side effect waiting to be carried out: a CRM write or a notification.
public struct OutboxEntry: Sendable, Hashable {
    public enum Payload: Sendable, Hashable, Codable {
        case write(RecordWrite)
        case notify(Notification)
    }

    public enum Status: String, Sendable, Hashable, Codable {
        case pending
        case done
        /// Refused for good; kept with the CRM's error for the report.
        case failed
    }

    public var id: Int64
    /// The effect's identity: the cycle that planned it and its position in that cycle's plan.
    public var effect: EffectID
    public var personKey: String
    public var payload: Payload
    public var reason: String
    public var status: Status
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date
    /// When the entry was confirmed done (or failed for good).
    public var finishedAt: Date?

    public init(id: Int64, effect: EffectID, personKey: String, payload: Payload, reason: String, status: Status, attempts: Int,
                lastError: String?, createdAt: Date, finishedAt: Date?) {
        self.id = id
        self.effect = effect
        self.personKey = personKey
        self.payload = payload
        self.reason = reason
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}

/// Which cycle planned an effect, and where in its plan: unique for every effect ever planned.
public struct EffectID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The committed cycle's number (assigned by the store at commit; 0 for entries from before effect identities).
    public var cycle: Int64
    /// The change's index in that cycle's plan.
    public var position: Int

    public init(cycle: Int64, position: Int) {
        self.cycle = cycle
        self.position = position
    }

    public static func < (a: EffectID, b: EffectID) -> Bool { (a.cycle, a.position) < (b.cycle, b.position) }
    public var description: String { "\(cycle)#\(position)" }
}

/// What the engine reads about people before running the pipeline.
public struct PeopleState: Sendable {
    public var records: [SourceRecord]
    public var activities: [Activity]
    public var links: [RecordRef: String]
    public var assignments: [String: String]
    public var scores: [String: Double]
    /// Person key → field → the value last reconciled.
    public var synced: [String: [String: String?]]
    /// Person key → field → what enrichment filled (provenance).
    public var enriched: [String: [String: EnrichedValue]] = [:]

    public init(records: [SourceRecord], activities: [Activity], links: [RecordRef: String],
                assignments: [String: String], scores: [String: Double], synced: [String: [String: String?]] = [:]) {
        self.synced = synced
        self.records = records
        self.activities = activities
        self.links = links
        self.assignments = assignments
        self.scores = scores
    }
}

/// The daemon's memory. Implementations must make `commit` atomic.
public protocol StateStore: Sendable {
    func watermark(_ stream: String) async throws -> Watermark?
    /// Stored snapshots of the given records (those that exist).
    func snapshots(_ refs: [RecordRef]) async throws -> [SourceRecord]
    /// Links of the given records, record → person key.
    func links(for refs: [RecordRef]) async throws -> [RecordRef: String]
    /// Every identity link (back-fills reconcile every known person).
    func allLinks() async throws -> [RecordRef: String]
    /// Everything stored about these people: their records (all systems), events, links, assignment, score.
    func people(_ personKeys: Set<String>) async throws -> PeopleState
    /// Stored behaviour of these records (for records seen for the first time after their events).
    func activities(for refs: [RecordRef]) async throws -> [Activity]
    func accounts() async throws -> [Account]
    func routingState() async throws -> RoutingState
    /// Applies a cycle atomically: snapshots, watermarks, links, scores, assignments and new outbox entries.
    func commit(_ cycle: CycleCommit, at now: Date) async throws
    /// Oldest pending entries first.
    func pendingOutbox(limit: Int) async throws -> [OutboxEntry]
    func markDone(_ id: Int64, resultID: String?, at now: Date) async throws
    func markFailed(_ id: Int64, error: String, permanent: Bool, at now: Date) async throws
    /// Which of these person keys the store already has links for.
    func knownPeople(_ keys: Set<String>) async throws -> Set<String>
    /// True when no record has blocking keys yet (a store from before the index: it is filled once from the snapshots).
    func matchIndexIsEmpty() async throws -> Bool
    /// Records holding any of these blocking keys, skipping keys shared by more than `perKeyLimit` records (too common to tell).
    func matchCandidates(_ keys: [String], perKeyLimit: Int) async throws -> [RecordRef]
    /// Records restored by `undo merge`: never merged again automatically.
    func mergeBlocked() async throws -> Set<RecordRef>
    /// The enrichment provider's cached answers for these domains (those asked before).
    func providerAnswers(_ domains: [String]) async throws -> [String: ProviderAnswer]
    /// Caches provider answers (outside the cycle's transaction: an answer is worth keeping even if the cycle fails).
    func saveProviderAnswers(_ answers: [ProviderAnswer]) async throws
    /// Records a link learned while applying (the id of a record LeadRelay created).
    func link(_ ref: RecordRef, to personKey: String, reason: String, at now: Date) async throws
}

/// What the enrichment provider said about one company domain, and when.
public struct ProviderAnswer: Sendable, Hashable {
    public var domain: String
    /// Canonical field → value; `nil` when the provider does not know the domain (cached too, so it is not asked again).
    public var fields: [String: String]?
    public var fetchedAt: Date

    public init(domain: String, fields: [String: String]?, fetchedAt: Date) {
        self.domain = domain
        self.fields = fields
        self.fetchedAt = fetchedAt
    }
}

/// A merge LeadRelay planned, with both records as they were before it (what `undo merge` restores).
public struct MergeRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case planned, done, failed, undone
    }

    public var id: Int64
    public var personKey: String
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

    public init(id: Int64, personKey: String, system: CRMSystem, object: String, survivorID: String, mergedID: String,
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
