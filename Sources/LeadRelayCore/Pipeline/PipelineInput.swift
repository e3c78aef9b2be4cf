import Foundation

/// Everything the pure pipeline needs for one cycle; built by the engine from the store and the CRMs.
public struct PipelineInput: Sendable {
    /// Lead/contact records of every person the cycle touches (new versions and their stored twins).
    public var records: [SourceRecord]
    public var accounts: [Account]
    /// What each account's contacts and opportunities say about it (account matching's evidence and tie-breakers).
    public var accountProfiles: [RecordRef: AccountProfile] = [:]
    /// Behavioural events of those people.
    public var activities: [Activity]
    /// Links already stored, record → person.
    public var links: [RecordRef: PersonKey]
    /// Records placed with a person by evidence this cycle (not by mailbox), with that evidence.
    public var matches: [RecordRef: IdentityLinker.Match] = [:]
    /// Records an undone merge restored: never merged again automatically (they are flagged instead).
    public var mergeBlocked: Set<RecordRef> = []
    /// Person → rep id for people already assigned.
    public var assignments: [PersonKey: String]
    /// Person → their stored MQL gate; a person without one is latched when assigned (stores from before gates).
    public var gates: [PersonKey: MQLGate] = [:]
    /// Person → total score stored last time (so unchanged scores are not re-planned).
    public var previousScores: [PersonKey: Double]
    public var routingState: RoutingState
    /// Person → field → the value last reconciled (`nil` inside: synced as blank).
    public var synced: [PersonKey: [String: String?]]
    /// Person → field → what enrichment filled last time (provenance).
    public var enriched: [PersonKey: [String: EnrichedValue]] = [:]
    /// The stored version of each record that changed this cycle (what it was before), to tell what a person changed;
    /// `nil` when unknown (then every difference from the synced value counts as a change).
    public var previous: [RecordRef: SourceRecord]?
    /// The enrichment provider's cached answers for this cycle's company domains: domain → field → value.
    public var providerCompanies: [String: [String: String]] = [:]
    public var now: Date
    /// Set while a CRM's backlog is still being read (its reason): nobody is routed on half the picture, so nothing is
    /// created in the other CRM for a person whose record there is simply not read yet. Scores and links go on.
    public var holdRouting: String?
    /// People to route again after an SLA breach, each with the owners the new one may not be (latest first).
    public var reroutes: [PersonKey: [String]] = [:]

    public init(records: [SourceRecord], accounts: [Account] = [], activities: [Activity] = [],
                links: [RecordRef: PersonKey] = [:], assignments: [PersonKey: String] = [:],
                previousScores: [PersonKey: Double] = [:], routingState: RoutingState = .init(),
                synced: [PersonKey: [String: String?]] = [:], now: Date) {
        self.synced = synced
        self.records = records
        self.accounts = accounts
        self.activities = activities
        self.links = links
        self.assignments = assignments
        self.previousScores = previousScores
        self.routingState = routingState
        self.now = now
    }
}
