import Foundation

/// What the engine reads about people before running the pipeline.
public struct PeopleState: Sendable {
    public var records: [SourceRecord]
    public var activities: [Activity]
    public var links: [RecordRef: PersonKey]
    public var assignments: [PersonKey: String]
    public var scores: [PersonKey: Double]
    /// Person → field → the value last reconciled.
    public var synced: [PersonKey: [String: String?]]
    /// Person → field → what enrichment filled (provenance).
    public var enriched: [PersonKey: [String: EnrichedValue]] = [:]
    /// Person → their MQL gate, where one is stored.
    public var gates: [PersonKey: MQLGate] = [:]

    public init(records: [SourceRecord], activities: [Activity], links: [RecordRef: PersonKey],
                assignments: [PersonKey: String], scores: [PersonKey: Double], synced: [PersonKey: [String: String?]] = [:]) {
        self.synced = synced
        self.records = records
        self.activities = activities
        self.links = links
        self.assignments = assignments
        self.scores = scores
    }
}

/// What the account reconciliation reads about accounts: their records in both CRMs and what was last reconciled.
public struct AccountState: Sendable {
    public var records: [SourceRecord]
    public var links: [RecordRef: AccountKey]
    /// Account → field → the value last reconciled.
    public var synced: [AccountKey: [String: String?]]

    public init(records: [SourceRecord], links: [RecordRef: AccountKey], synced: [AccountKey: [String: String?]]) {
        self.records = records
        self.links = links
        self.synced = synced
    }
}

/// The reads of one cycle, all inside one consistent read transaction (`CycleReadSide.read`).
public protocol CycleStateReader: MatchIndexReading {
    /// Where a stream's next poll starts.
    func watermark(_ stream: StreamID) throws -> Watermark?
    /// When a deletion sweep of this stream last ran.
    func lastSweep(_ stream: StreamID) throws -> Date?
    /// The fingerprint of the mapping last reconciled (a different one means a back-fill).
    func mappingFingerprint() throws -> String?
    /// Stored snapshots of the given records (those that exist).
    func snapshots(_ refs: [RecordRef]) throws -> [SourceRecord]
    /// Links of the given records, record → the person or account it belongs to.
    func links(for refs: [RecordRef]) throws -> [RecordRef: SubjectKey]
    /// Every identity link (back-fills reconcile every known person).
    func allLinks() throws -> [RecordRef: SubjectKey]
    /// Everything stored about these people: their records (all systems), events, links, assignment, score.
    func people(_ personKeys: Set<PersonKey>) throws -> PeopleState
    /// The stored records, links and reconciled values of these accounts.
    func accounts(_ accountKeys: Set<AccountKey>) throws -> AccountState
    /// Stored behaviour of these records (for records seen for the first time after their events).
    func activities(for refs: [RecordRef]) throws -> [Activity]
    func accounts() throws -> [Account]
    /// What every account's stored contacts and opportunities add up to.
    func accountProfiles() throws -> [RecordRef: AccountProfile]
    /// The stored versions of these members (those that exist).
    func accountMembers(_ refs: [RecordRef]) throws -> [AccountMember]
    /// Assignment counts, open leads, fairness ledgers, and the assignments made since `recentSince` (for caps).
    func routingState(recentSince: Date) throws -> RoutingState
    /// Open leads per CRM owner from the stored record holds (a person by their Salesforce lead, else their contact).
    func crmOpenLeads() throws -> CRMOpenLeads
    /// Whether no record hold is kept yet (a store from before them: they are filled once from its snapshots).
    func recordHoldsAreEmpty() throws -> Bool
    /// Which of these people the store already has links for.
    func knownPeople(_ keys: Set<PersonKey>) throws -> Set<PersonKey>
    /// Records restored by `undo merge`: never merged again automatically.
    func mergeBlocked() throws -> Set<RecordRef>
    /// People over the MQL line whose routing waited for a backlog to be read (oldest first, at most `limit`).
    func heldPeople(limit: Int) throws -> [PersonKey]
}

/// The cycle's read side: everything a cycle loads, seen as of one instant.
public protocol CycleReadSide: Sendable {
    /// Runs `body` inside one read transaction: every read sees the same committed state.
    func read<T: Sendable>(_ body: @Sendable (any CycleStateReader) throws -> T) async throws -> T
}

extension CycleReadSide {
    /// One read on its own (commands and tests; a cycle reads everything in one `read`).
    public func watermark(_ stream: StreamID) async throws -> Watermark? { try await read { try $0.watermark(stream) } }
    public func snapshots(_ refs: [RecordRef]) async throws -> [SourceRecord] { try await read { try $0.snapshots(refs) } }
    public func links(for refs: [RecordRef]) async throws -> [RecordRef: SubjectKey] { try await read { try $0.links(for: refs) } }
    public func allLinks() async throws -> [RecordRef: SubjectKey] { try await read { try $0.allLinks() } }
    public func people(_ personKeys: Set<PersonKey>) async throws -> PeopleState { try await read { try $0.people(personKeys) } }
    public func accounts() async throws -> [Account] { try await read { try $0.accounts() } }
    public func accountProfiles() async throws -> [RecordRef: AccountProfile] { try await read { try $0.accountProfiles() } }
    public func routingState() async throws -> RoutingState { try await read { try $0.routingState(recentSince: .distantPast) } }
    public func mergeBlocked() async throws -> Set<RecordRef> { try await read { try $0.mergeBlocked() } }
}
