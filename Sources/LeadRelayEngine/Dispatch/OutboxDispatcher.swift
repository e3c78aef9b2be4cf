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
    }

    /// Works through everything pending now, once each; entries that fail transiently wait for the next drain.
    @discardableResult
    public func drain() async throws -> Stats {
        var stats = Stats()
        var seen: Set<Int64> = []
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
                    if !group.isEmpty { try await process(group, &stats) }
                }
            } catch {
                // Whatever was not reached is let go at once rather than held for the lease — also when shutdown cancelled
                // the round (an unstructured task is not cancelled with it), so the next start finds them pending.
                let (store, ids) = (self.store, entries.map(\.id))
                await Task { try? await store.release(ids) }.value
                throw error
            }
            if stats.halted != nil { try await store.release(entries.map(\.id)) }
        }
        Counter(label: "leadrelay_outbox_entries_total", dimensions: [("outcome", "applied")]).increment(by: stats.applied)
        Counter(label: "leadrelay_outbox_entries_total", dimensions: [("outcome", "notified")]).increment(by: stats.notified)
        Counter(label: "leadrelay_outbox_entries_total", dimensions: [("outcome", "failed")]).increment(by: stats.failed)
        return stats
    }

    func process(_ entries: [OutboxEntry], _ stats: inout Stats) async throws {
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
        for (entry, note) in notes {
            guard let notifier else {
                try await store.fail(entry.id, error: "no notification target configured (notify.slack)", permanent: true, at: clock())
                stats.failed += 1
                continue
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
                try await store.complete(entry.id, resultID: receipt.externalID, learned: [], receipt: receipt, at: clock())
                stats.notified += 1
            case .failure(let error):
                let now = clock()
                // A channel's Retry-After holds the alert till then; the others go on.
                try await store.fail(entry.id, error: error.message, permanent: !error.transient,
                                     retryAt: error.retryAfter.map { now.addingTimeInterval($0) }, at: now)
                let parked = !error.transient || entry.attempts + 1 >= OutboxRules.maxAttempts
                try await store.recordDelivery(entry.id, receipt: DeliveryReceipt(state: parked ? .failed : .retrying, channel: "slack"), at: now)
                if error.transient { stats.retryLater += 1 } else { stats.failed += 1 }
            }
        }
    }
}
