import Foundation
import LeadRelayCore
import LeadRelayNotify
import LeadRelayCRM
import Logging
import Metrics

/// Carries out pending outbox entries: batched CRM writes per system, then notifications.
///
/// An entry is marked done only after the CRM (or Slack) confirmed it; a crash
/// in between leaves it pending, and the retry is harmless because writes set
/// absolute values and creates look for their twin first.
public struct OutboxDispatcher: Sendable {
    let store: any OutboxQueue
    let connectors: [CRMSystem: any CRMConnector]
    let notifier: (any Notifier)?
    let clock: @Sendable () -> Date
    let logger: Logger
    /// Entries claimed per round: a round's writes are a few CRM requests (HubSpot batches of 100, Salesforce collections
    /// of 200), so a hand-off planned while a backlog drains waits at most one round before its claim puts it first.
    public var batchSize = 200
    /// How long a claim holds entries: a dispatcher that dies mid-batch lets them go after this.
    public var claimLease: Duration = .seconds(300)
    /// How alerts about leads idle for long are gathered into one digest per rep; `nil` tells each on its own.
    public var digest: DigestPolicy? = DigestPolicy()

    public init(store: any OutboxQueue, connectors: [any CRMConnector], notifier: (any Notifier)?,
                clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "leadrelay.dispatch")) {
        self.store = store
        self.connectors = Dictionary(connectors.map { ($0.system, $0) }, uniquingKeysWith: { a, _ in a })
        self.notifier = notifier
        self.clock = clock
        self.logger = logger
    }

    public struct Stats: Sendable, Hashable {
        public var applied = 0
        public var notified = 0
        public var retryLater = 0
        public var failed = 0
        /// Set when a CRM's daily budget ran out: the rest waits for the next window.
        public var halted: String?
        /// Alerts that wait for their channel's next turn (no attempt counted).
        public var postponed = 0
        /// Digests sent, and the alerts they carried (counted in `notified` too).
        public var digests = 0
        public var digested = 0
        /// Alerts still gathering for a digest.
        public var gathering = 0
        /// The soonest instant something held back falls due: a paced alert's turn, a digest done gathering.
        public var nextDue: Date?

        mutating func due(_ instant: Date) { nextDue = min(nextDue ?? instant, instant) }
    }

    /// Works through everything pending now, once each; entries that fail transiently wait for the next drain.
    @discardableResult
    public func drain() async throws -> Stats {
        var stats = Stats()
        var seen: Set<Int64> = []
        // Alerts for a digest stay claimed till the end of the drain, so the rep's digest holds every one of them.
        var gathered: [(OutboxEntry, LeadRelayCore.Notification)] = []
        while stats.halted == nil {
            let claimed = try await store.claim(limit: batchSize, lease: claimLease)
            // Entries already tried in this drain (they failed transiently) wait for the next one.
            let again = claimed.filter { seen.contains($0.id) }
            if !again.isEmpty { try await store.release(again.map(\.id)) }
            let entries = claimed.filter { !seen.contains($0.id) }
            guard !entries.isEmpty else { break }
            seen.formUnion(entries.map(\.id))
            do {
                // Lane by lane (the claim comes in lane order): a fresh MQL's owner writes and its alert go out before
                // the backlog's, and those before data, never in one request with them.
                for lane in OutboxLane.allCases where stats.halted == nil {
                    let group = entries.filter { $0.lane == lane }
                    if !group.isEmpty { try await process(group, &stats, gathered: &gathered) }
                }
            } catch {
                // Whatever was not reached is let go at once rather than held for the lease — also when shutdown cancelled
                // the round (an unstructured task is not cancelled with it), so the next start finds them pending.
                let (store, ids) = (self.store, entries.map(\.id) + gathered.map(\.0.id))
                await Task { try? await store.release(ids) }.value
                throw error
            }
            if stats.halted != nil { try await store.release(entries.map(\.id)) }
        }
        do {
            try await sendDigests(gathered, &stats)
        } catch {
            let (store, ids) = (self.store, gathered.map(\.0.id))
            await Task { try? await store.release(ids) }.value
            throw error
        }
        Counter(label: "leadrelay_outbox_entries_total", dimensions: [("outcome", "applied")]).increment(by: stats.applied)
        Counter(label: "leadrelay_outbox_entries_total", dimensions: [("outcome", "notified")]).increment(by: stats.notified)
        Counter(label: "leadrelay_outbox_entries_total", dimensions: [("outcome", "failed")]).increment(by: stats.failed)
        Counter(label: "leadrelay_alert_digests_total").increment(by: stats.digests)
        Counter(label: "leadrelay_alerts_postponed_total").increment(by: stats.postponed)
        return stats
    }

    func process(_ entries: [OutboxEntry], _ stats: inout Stats, gathered: inout [(OutboxEntry, LeadRelayCore.Notification)]) async throws {
        var writes: [CRMSystem: [(OutboxEntry, RecordWrite)]] = [:]
        var notes: [(OutboxEntry, LeadRelayCore.Notification)] = []
        for entry in entries {
            switch entry.payload {
            case .write(let write): writes[write.system, default: []].append((entry, write))
            case .notify(let note): notes.append((entry, note))
            }
        }
        for system in writes.keys.sorted() {
            guard let items = writes[system], let connector = connectors[system] else { continue }
            let outcomes: [WriteOutcome]
            do {
                outcomes = try await connector.apply(items.map(\.1))
            } catch {
                switch error {
                case .quotaExhausted(_, let message), .budgetReserved(_, _, let message):
                    // Nothing was marked: the writes stay pending, untouched, for the next window (the claim is let go).
                    logger.warning("API budget exhausted; writes wait for the next window.", metadata: ["crm.system": "\(system.rawValue)"])
                    stats.halted = message
                    return
                default:
                    break
                }
                if case .authentication = error { throw error }
                logger.error("Writes failed; they stay pending.", metadata: ["crm.system": "\(system.rawValue)", "error": "\(error)"])
                for (entry, _) in items { try await store.fail(entry.id, error: error.description, permanent: false, at: clock()) }
                stats.retryLater += items.count
                continue
            }
            for ((entry, write), outcome) in zip(items, outcomes) {
                switch outcome.result {
                case .applied(let id), .appliedWithout(let id, _):
                    // The created record's link lands with the completion: a crash cannot leave it unlinked.
                    let learned = write.operation == .create && !id.isEmpty
                        ? [LearnedLink(ref: RecordRef(system: system, object: write.object, id: id), subject: entry.subject,
                                       reason: "created by LeadRelay for \(entry.subject)")]
                        : []
                    var refused: [String: String] = [:]
                    if case .appliedWithout(_, let fields) = outcome.result {
                        refused = fields
                        logger.warning("CRM refused some fields of a write and took the rest; those are quarantined for the report.", metadata: [
                            "crm.system": "\(system.rawValue)", "outbox.id": "\(entry.id)", "crm.fields": "\(fields.keys.sorted().joined(separator: ","))",
                        ])
                        Counter(label: "leadrelay_fields_quarantined_total", dimensions: [("system", system.rawValue)]).increment(by: fields.count)
                    }
                    try await store.complete(entry.id, resultID: id, learned: learned, receipt: nil, refused: refused, at: clock())
                    stats.applied += 1
                case .retryLater(let message):
                    try await store.fail(entry.id, error: message, permanent: false, at: clock())
                    stats.retryLater += 1
                case .rejected(let code, let message):
                    logger.warning("CRM refused a write; it is kept for the report.", metadata: [
                        "crm.system": "\(system.rawValue)", "crm.code": "\(code)", "outbox.id": "\(entry.id)",
                    ])
                    try await store.fail(entry.id, error: "\(code): \(message)", permanent: true, at: clock())
                    stats.failed += 1
                }
            }
        }
        // Freshest lead first: when a channel's turns are scarce (a backlog told at Slack's pace), the lead who just
        // asked for a demo is not told after twenty who went quiet hours ago. Ties keep the order they were planned in.
        let freshest = notes.enumerated().sorted { a, b in
            let (x, y) = (a.element.1.lead.lastActiveAt ?? .distantPast, b.element.1.lead.lastActiveAt ?? .distantPast)
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        for (entry, note) in freshest {
            if let digest, digest.gathers(note, now: clock()) {
                gathered.append((entry, note))
                continue
            }
            try await deliver(note, for: [entry], &stats)
        }
    }

    /// Sends `note` (one alert, or a digest of `entries`) and settles every entry it carries alike: done with the
    /// channel's receipt, postponed to the channel's next turn, or failed (retried, or parked as failed).
    func deliver(_ note: LeadRelayCore.Notification, for entries: [OutboxEntry], _ stats: inout Stats) async throws {
        let ids = entries.map(\.id)
        guard let notifier else {
            for id in ids { try await store.fail(id, error: "no notification target configured (notify.slack)", permanent: true, at: clock()) }
            stats.failed += entries.count
            return
        }
        let sent: Result<DeliveryReceipt, NotifierError>
        do {
            sent = .success(try await notifier.send(note))
        } catch {
            sent = .failure(error)
        }
        switch sent {
        case .success(let receipt):
            // Done and delivered in one transaction: a crash cannot leave a sent alert without its receipt.
            for id in ids { try await store.complete(id, resultID: receipt.externalID, learned: [], receipt: receipt, at: clock()) }
            stats.notified += entries.count
        case .failure(let error) where error.pacedUntil != nil:
            let until = error.pacedUntil!
            try await store.postpone(ids, until: until, at: clock())
            stats.postponed += entries.count
            stats.due(until)
        case .failure(let error):
            let now = clock()
            if error.transient, let wait = error.retryAfter { stats.due(now.addingTimeInterval(wait)) }
            for entry in entries {
                // A channel's Retry-After holds the alert till then; the others go on.
                try await store.fail(entry.id, error: error.message, permanent: !error.transient,
                                     retryAt: error.retryAfter.map { now.addingTimeInterval($0) }, at: now)
                let parked = !error.transient || entry.attempts + 1 >= OutboxRules.maxAttempts
                try await store.recordDelivery(entry.id, receipt: DeliveryReceipt(state: parked ? .failed : .retrying, channel: error.channel ?? "alert"), at: now)
                if error.transient { stats.retryLater += 1 } else { stats.failed += 1 }
            }
        }
    }

    /// Per rep, one digest of every alert gathered — once the rep's alerts stopped arriving for `quiet` (the backlog is
    /// read), or the oldest has waited `maxWait`; until then they wait, pending, for a later drain.
    func sendDigests(_ gathered: [(OutboxEntry, LeadRelayCore.Notification)], _ stats: inout Stats) async throws {
        guard let policy = digest, !gathered.isEmpty else { return }
        let now = clock()
        let byRep = Dictionary(grouping: gathered, by: \.1.repID)
        for rep in byRep.keys.sorted() {
            let items = byRep[rep]!
            let created = items.map(\.0.createdAt)
            let (newest, oldest) = (created.max()!, created.min()!)
            let ripe = policy.ripe(newest: newest, oldest: oldest)
            guard now >= ripe else {
                try await store.release(items.map(\.0.id))
                stats.gathering += items.count
                stats.due(ripe)
                continue
            }
            guard let note = LeadRelayCore.Notification.digest(to: items[0].1.recipient, of: items.map(\.1.lead)) else { continue }
            let before = stats.notified
            try await deliver(note, for: items.map(\.0), &stats)
            if stats.notified > before {
                stats.digests += 1
                stats.digested += items.count
            }
        }
    }
}

/// Alerts about leads that have been idle for longer than `horizon` — found on a first start, after an outage, or held
/// in the outbox that long — are not sent one by one: they are assigned as usual, and each rep hears of them in one
/// digest, sent once no such alert has arrived for the rep for `quiet` (the backlog is read), or when the oldest has
/// waited `maxWait`. A fresh lead's alert is never held.
public struct DigestPolicy: Sendable, Hashable {
    public var horizon: TimeInterval
    public var quiet: TimeInterval
    public var maxWait: TimeInterval

    public init(horizon: TimeInterval = 86_400, quiet: TimeInterval = 60, maxWait: TimeInterval = 900) {
        self.horizon = horizon
        self.quiet = quiet
        self.maxWait = maxWait
    }

    /// Whether `note` waits for its recipient's digest: a new-MQL alert, or a stranded-queue alert (a first start over
    /// more MQLs than the reps can take strands hundreds at once), about a lead last active before the horizon.
    public func gathers(_ note: LeadRelayCore.Notification, now: Date) -> Bool {
        guard note.kind == .newMQL || note.kind == .stranded, let active = note.lead.lastActiveAt else { return false }
        return now.timeIntervalSince(active) > horizon
    }

    /// When a rep's digest may go, given when their newest and oldest gathered alerts were queued.
    public func ripe(newest: Date, oldest: Date) -> Date {
        min(newest.addingTimeInterval(quiet), oldest.addingTimeInterval(maxWait))
    }
}
