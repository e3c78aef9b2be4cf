import Foundation
import LeadRelayCore

/// The in-memory twin of the SQLite store: every port of `StateStore`, the same rules (the `StoreContract` suite holds
/// both to them), no file. Claims and leases expire by `clock`, as the SQLite store's do by its own.
public actor InMemoryStore<C: Clock>: StateStore where C.Duration == Duration {
    struct Link: Sendable {
        var subject: SubjectKey
        var reason: String
        var code: Reason.Code
    }

    struct Assignment: Sendable {
        var rep: String
        var rule: String
        var at: Date
    }

    struct Queued: Sendable {
        var entry: OutboxEntry
        var contentKey: String
        var resultID: String?
        var claimedUntil: C.Instant?
    }

    struct Merge: Sendable {
        var record: MergeRecord
        var outboxID: Int64
    }

    struct Lease: Sendable {
        var holder: String
        var generation: Int64
        var expires: C.Instant
    }

    /// Everything stored: a value, so a read sees one consistent copy of it.
    struct State: Sendable {
        var watermarks: [StreamID: Watermark] = [:]
        var sweeps: [StreamID: Date] = [:]
        var mappingFingerprint: String?
        var snapshots: [RecordRef: SourceRecord] = [:]
        var links: [RecordRef: Link] = [:]
        var activities: [String: Activity] = [:]
        var accounts: [RecordRef: Account] = [:]
        var accountMembers: [RecordRef: AccountMember] = [:]
        var assignments: [PersonKey: Assignment] = [:]
        var scores: [PersonKey: ScoreBreakdown] = [:]
        var rejects: [RejectedRecord] = []
        var synced: [SubjectKey: [String: String?]] = [:]
        var enriched: [PersonKey: [String: EnrichedValue]] = [:]
        var gates: [PersonKey: MQLGate] = [:]
        var matchKeys: [RecordRef: Set<String>] = [:]
        /// Person → when its routing was held for a backlog.
        var held: [PersonKey: Date] = [:]
        var ledgers: [String: FairnessLedger] = [:]
        var decisions: [StoredRouteDecision] = []
        var holds: [RecordRef: RecordHold] = [:]
        var outbox: [Queued] = []
        var merges: [Merge] = []
        var cycles: Int64 = 0
        var events: [StoredEvent] = []
        var timers: [String: LeadTimer] = [:]

        mutating func append(_ event: LeadEvent, cycle: Int64?, configVersion: String?) {
            events.append(StoredEvent(sequence: Int64(events.count + 1), cycle: cycle, configVersion: configVersion, event: event))
        }
    }

    var state = State()
    var providerCache: [String: ProviderAnswer] = [:]
    var leases: [String: Lease] = [:]
    let clock: C
    let origin: C.Instant
    let originDate: Date

    /// - Parameter startDate: the wall-clock time `clock.now` stands for at creation (lease grants report dates).
    public init(clock: C, startDate: Date = Date()) {
        self.clock = clock
        self.origin = clock.now
        self.originDate = startDate
    }

    func date(of instant: C.Instant) -> Date {
        let (seconds, attoseconds) = origin.duration(to: instant).components
        return originDate.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }

    // MARK: Cycle read side

    public func read<T: Sendable>(_ body: @Sendable (any CycleStateReader) throws -> T) async throws -> T {
        try body(MemoryReader(state: state))
    }

    // MARK: Commit

    public func commit(_ cycle: CycleCommit, at now: Date) async throws {
        var next = state
        for record in cycle.snapshots { next.snapshots[record.ref] = record }
        for account in cycle.accounts { next.accounts[account.ref] = account }
        for member in cycle.accountMembers {
            next.accountMembers[member.ref] = member.deleted || member.account == nil ? nil : member
        }
        for activity in cycle.activities where next.activities[activity.id] == nil { next.activities[activity.id] = activity }
        for (stream, mark) in cycle.watermarks { next.watermarks[stream] = mark }
        for (stream, sweptAt) in cycle.sweeps { next.sweeps[stream] = sweptAt }
        if let fingerprint = cycle.mappingFingerprint { next.mappingFingerprint = fingerprint }
        next.rejects += cycle.rejected
        for (ref, keys) in cycle.matchKeys { next.matchKeys[ref] = keys.isEmpty ? nil : Set(keys) }
        for hold in cycle.holds { next.holds[hold.ref] = hold }
        for person in cycle.released { next.held[person] = nil }
        for person in cycle.plan.heldForBacklog where next.held[person] == nil { next.held[person] = now }
        try Self.apply(cycle.plan, configVersion: cycle.configVersion, released: Set(cycle.released), to: &next, at: now)
        state = next
    }

    static func apply(_ plan: Plan, configVersion: String?, released: Set<PersonKey> = [], to state: inout State, at now: Date) throws {
        var cycle: Int64?
        func number() -> Int64 {
            if let cycle { return cycle }
            state.cycles += 1
            cycle = state.cycles
            return state.cycles
        }
        func effect(_ position: Int) -> EffectID { EffectID(cycle: number(), position: position) }
        for event in plan.events { state.append(event, cycle: number(), configVersion: configVersion) }
        for (person, gate) in plan.gates { state.gates[person] = gate }
        for change in plan.timers {
            switch change {
            case .schedule(let timer): state.timers[timer.key] = timer
            case .cancel(let key): state.timers[key] = nil
            }
        }
        for (position, change) in plan.changes.enumerated() {
            switch change.action {
            case .link(let ref):
                state.links[ref] = Link(subject: change.subject, reason: change.reason.text, code: change.reason.code)
            case .score(let score):
                guard let person = change.person else { continue }
                state.scores[person] = score
            case .assign(let decision):
                guard let person = change.person else { continue }
                state.decisions.append(StoredRouteDecision(person: person, decidedAt: now, decision: decision))
                guard let rep = decision.repID else { continue }
                state.assignments[person] = Assignment(rep: rep, rule: decision.rule, at: now)
                if let fairness = decision.fairness { state.ledgers[fairness.pool] = FairnessLedger(credit: fairness.after) }
            case .lifecycle, .duplicates:
                continue
            case .write(let write):
                let id = enqueue(.write(write), key: write.contentKey, effect: effect(position), change: change,
                                 lane: .of(change, released: released), &state, at: now)
                if write.operation == .merge, let survivor = write.id, let merged = write.mergeFrom, let person = change.person,
                   !state.merges.contains(where: { $0.outboxID == id }) {
                    func before(_ id: String) -> [String: String?] {
                        state.snapshots[RecordRef(system: write.system, object: write.object, id: id)]?.fields ?? [:]
                    }
                    let record = MergeRecord(id: Int64(state.merges.count + 1), personKey: person, system: write.system,
                                             object: write.object, survivorID: survivor, mergedID: merged, survivorBefore: before(survivor),
                                             mergedBefore: before(merged), reason: change.reason.text, status: .planned, resultID: nil,
                                             restoredID: nil, plannedAt: now)
                    state.merges.append(Merge(record: record, outboxID: id))
                }
            case .notify(let note):
                enqueue(.notify(note), key: note.contentKey(person: change.subject), effect: effect(position), change: change,
                        lane: .of(change, released: released), &state, at: now)
            case .reconcile(let decision):
                state.synced[change.subject, default: [:]][decision.field] = .some(decision.value)
            case .enrich(let fills):
                guard let person = change.person else { continue }
                state.enriched[person] = fills.isEmpty ? nil : Dictionary(fills.map { ($0.field, $0) }, uniquingKeysWith: { _, b in b })
            }
        }
    }

    @discardableResult
    static func enqueue(_ payload: OutboxEntry.Payload, key: String, effect: EffectID, change: PlanChange, lane: OutboxLane,
                        _ state: inout State, at now: Date) -> Int64 {
        if let pending = state.outbox.firstIndex(where: { $0.contentKey == key && $0.entry.status == .pending }) {
            state.outbox[pending].entry.lane = min(state.outbox[pending].entry.lane, lane)
            return state.outbox[pending].entry.id
        }
        let id = (state.outbox.last?.entry.id ?? 0) + 1
        let entry = OutboxEntry(id: id, effect: effect, subject: change.subject, payload: payload, reason: change.reason.text, status: .pending,
                                attempts: 0, lastError: nil, createdAt: now, finishedAt: nil)
        var queued = Queued(entry: entry, contentKey: key)
        queued.entry.lane = lane
        state.outbox.append(queued)
        return id
    }

    // MARK: Outbox queue

    func index(_ id: Int64) -> Int? { state.outbox.firstIndex { $0.entry.id == id } }

    public func claim(limit: Int, lease: Duration) async throws -> [OutboxEntry] {
        let now = clock.now
        var claimed: [OutboxEntry] = []
        // Lower lanes first, each in the order it was queued (ids rise).
        let order = state.outbox.indices.sorted { (state.outbox[$0].entry.lane, $0) < (state.outbox[$1].entry.lane, $1) }
        for index in order where claimed.count < limit {
            let queued = state.outbox[index]
            guard queued.entry.status == .pending, queued.claimedUntil.map({ $0 <= now }) ?? true else { continue }
            state.outbox[index].claimedUntil = now.advanced(by: lease)
            claimed.append(queued.entry)
        }
        return claimed
    }

    public func release(_ ids: [Int64]) async throws {
        for id in ids { if let index = index(id) { state.outbox[index].claimedUntil = nil } }
    }

    public func postpone(_ ids: [Int64], until: Date, at now: Date) async throws {
        // The wait, on this store's clock, as in `fail`.
        let until = clock.now.advanced(by: .seconds(max(0, until.timeIntervalSince(now))))
        for id in ids {
            if let index = index(id), state.outbox[index].entry.status == .pending { state.outbox[index].claimedUntil = until }
        }
    }

    public func complete(_ id: Int64, resultID: String?, learned: [LearnedLink], receipt: DeliveryReceipt?, refused: [String: String],
                         at now: Date) async throws {
        guard let index = index(id) else { return }
        state.outbox[index].entry.status = .done
        state.outbox[index].entry.refusedFields = refused
        state.outbox[index].entry.attempts += 1
        state.outbox[index].entry.finishedAt = now
        state.outbox[index].resultID = resultID
        state.outbox[index].claimedUntil = nil
        for merge in state.merges.indices where state.merges[merge].outboxID == id && state.merges[merge].record.status == .planned {
            state.merges[merge].record.status = .done
            state.merges[merge].record.resultID = resultID
        }
        for link in learned where state.links[link.ref] == nil {
            state.links[link.ref] = Link(subject: link.subject, reason: link.reason, code: .linkedByCreate)
        }
        if let receipt { try await recordDelivery(id, receipt: receipt, at: now) }
    }

    public func fail(_ id: Int64, error: String, permanent: Bool, retryAt: Date?, at now: Date) async throws {
        guard let index = index(id) else { return }
        state.outbox[index].entry.attempts += 1
        state.outbox[index].entry.lastError = error
        // The wait, on this store's clock: as long after its now as `retryAt` is after the caller's.
        state.outbox[index].claimedUntil = retryAt.map { clock.now.advanced(by: .seconds(max(0, $0.timeIntervalSince(now)))) }
        let parked = permanent || state.outbox[index].entry.attempts >= OutboxRules.maxAttempts
        state.outbox[index].entry.status = parked ? .failed : .pending
        state.outbox[index].entry.finishedAt = parked ? now : nil
        if parked {
            for merge in state.merges.indices where state.merges[merge].outboxID == id && state.merges[merge].record.status == .planned {
                state.merges[merge].record.status = .failed
            }
        }
    }

    public func recordDelivery(_ id: Int64, receipt: DeliveryReceipt, at now: Date) async throws {
        guard let index = index(id) else { return }
        let entry = state.outbox[index].entry
        let externalID = receipt.externalID ?? entry.delivery?.externalID
        state.outbox[index].entry.delivery = DeliveryReceipt(state: receipt.state, channel: receipt.channel, externalID: externalID)
        if case .notify(let note) = entry.payload, let person = entry.subject.person {
            state.append(LeadEvent(personKey: person, kind: .delivered(repID: note.repID, channel: receipt.channel, state: receipt.state),
                                   cause: DeliveryReceipt.reason(receipt, repID: note.repID), occurredAt: now),
                         cycle: nil, configVersion: nil)
        }
    }

    public func recordDelivery(externalID: String, state delivery: DeliveryReceipt.State, at now: Date) async throws -> Int {
        var moved = 0
        for queued in state.outbox where queued.entry.delivery?.externalID == externalID {
            guard let current = queued.entry.delivery, delivery.progress > current.state.progress else { continue }
            try await recordDelivery(queued.entry.id, receipt: DeliveryReceipt(state: delivery, channel: current.channel, externalID: externalID), at: now)
            moved += 1
        }
        return moved
    }

    public func depth() async throws -> OutboxDepth {
        let pending = state.outbox.filter { $0.entry.status == .pending }
        let alerts = pending.filter { if case .notify = $0.entry.payload { true } else { false } }.count
        return OutboxDepth(pending: pending.count, oldestPendingAt: pending.map(\.entry.createdAt).min(), pendingAlerts: alerts)
    }

    // MARK: Event log

    public func events(after sequence: Int64, limit: Int) async throws -> [StoredEvent] {
        Array(state.events.filter { $0.sequence > sequence }.prefix(limit))
    }

    public func events(for personKey: PersonKey) async throws -> [StoredEvent] {
        state.events.filter { $0.event.personKey == personKey }
    }

    // MARK: Timers

    public func dueTimers(at now: Date, limit: Int, kinds: Set<String>?) async throws -> [LeadTimer] {
        Array(state.timers.values.filter { timer in timer.dueAt <= now && (kinds.map { $0.contains(timer.kind) } ?? true) }
            .sorted { ($0.dueAt, $0.key) < ($1.dueAt, $1.key) }.prefix(limit))
    }

    public func nextDue(kinds: Set<String>?) async throws -> Date? {
        state.timers.values.filter { timer in kinds.map { $0.contains(timer.kind) } ?? true }.map(\.dueAt).min()
    }

    // MARK: Provider cache

    public func providerAnswers(_ domains: [String]) async throws -> [String: ProviderAnswer] {
        var answers: [String: ProviderAnswer] = [:]
        for domain in domains { answers[domain] = providerCache[domain] }
        return answers
    }

    public func saveProviderAnswers(_ answers: [ProviderAnswer]) async throws {
        for answer in answers { providerCache[answer.domain] = answer }
    }

    // MARK: Merge log

    public func merges() async throws -> [MergeRecord] { state.merges.map(\.record) }

    public func merge(_ id: Int64) async throws -> MergeRecord? { state.merges.first { $0.record.id == id }?.record }

    public func markMergeUndone(_ id: Int64, restoredID: String, at now: Date) async throws {
        guard let index = state.merges.firstIndex(where: { $0.record.id == id }) else { return }
        state.merges[index].record.status = .undone
        state.merges[index].record.restoredID = restoredID
        let merge = state.merges[index].record
        state.links[RecordRef(system: merge.system, object: merge.object, id: restoredID)] =
            Link(subject: .person(merge.personKey), reason: "restored by undo merge \(id) (was \(merge.mergedID))", code: .linkedByUndo)
    }

    // MARK: Leader lease

    public func acquireLease(_ name: String, holder: String, for duration: Duration) async throws -> LeaseGrant? {
        let now = clock.now
        let generation: Int64
        if let current = leases[name] {
            let live = current.expires > now
            if current.holder != holder && live { return nil }
            generation = current.holder == holder && live ? current.generation : current.generation + 1
        } else {
            generation = 1
        }
        let expires = now.advanced(by: duration)
        leases[name] = Lease(holder: holder, generation: generation, expires: expires)
        return LeaseGrant(name: name, holder: holder, generation: generation, expiresAt: date(of: expires))
    }

    public func releaseLease(_ name: String, holder: String) async throws {
        guard let current = leases[name], current.holder == holder else { return }
        leases[name]?.expires = origin
    }

    // MARK: Report read model

    public func outbox() async throws -> [OutboxEntry] { state.outbox.map(\.entry) }

    public func pendingOutbox(limit: Int) async throws -> [OutboxEntry] {
        Array(state.outbox.lazy.map(\.entry).filter { $0.status == .pending }.prefix(limit))
    }

    public func allAssignments() async throws -> [PersonKey: AssignmentRow] {
        state.assignments.mapValues { AssignmentRow(repID: $0.rep, at: $0.at) }
    }

    public func routeDecisions(for person: PersonKey) async throws -> [StoredRouteDecision] {
        state.decisions.filter { $0.person == person }
    }

    public func counts() async throws -> [String: Int] {
        var people: [SubjectKey: Set<CRMSystem>] = [:]
        for (ref, link) in state.links { people[link.subject, default: []].insert(ref.system) }
        return ["snapshots": state.snapshots.count, "identity_links": state.links.count, "activities": state.activities.count,
                "accounts": state.accounts.count, "outbox": state.outbox.count, "assignments": state.assignments.count,
                "scores": state.scores.count, "rejects": state.rejects.count, "people": people.count,
                "people_in_both": people.values.filter { $0.count > 1 }.count]
    }

    public func linkCounts() async throws -> [Reason.Code: Int] {
        var counts: [Reason.Code: Int] = [:]
        for link in state.links.values { counts[link.code, default: 0] += 1 }
        return counts
    }

    public func enrichmentCounts() async throws -> [String: Int] {
        var result: [String: Int] = [:]
        for fills in state.enriched.values { for fill in fills.values { result[fill.source, default: 0] += 1 } }
        return result
    }

    public func snapshotCounts() async throws -> [String: Int] {
        var result: [String: Int] = [:]
        for ref in state.snapshots.keys { result[ref.system.rawValue, default: 0] += 1 }
        return result
    }
}
