import Foundation

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
    /// Whom the effect is for (an account's field writes are an account's).
    public var subject: SubjectKey
    public var payload: Payload
    public var reason: String
    public var status: Status
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date
    /// When the entry was confirmed done (or failed for good).
    public var finishedAt: Date?
    /// What the channel last said of a notification.
    public var delivery: DeliveryReceipt?
    /// Fields of a write the CRM refused while taking the rest (field → the CRM's code and message): quarantined,
    /// reported, never sent again by this entry.
    public var refusedFields: [String: String] = [:]
    /// Which lane the entry waits in: the dispatcher takes lower lanes first, each in the order it was planned.
    public var lane: OutboxLane = .data

    public init(id: Int64, effect: EffectID, subject: SubjectKey, payload: Payload, reason: String, status: Status, attempts: Int,
                lastError: String?, createdAt: Date, finishedAt: Date?) {
        self.id = id
        self.effect = effect
        self.subject = subject
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

/// A record learned while applying an effect (the id of a record LeadRelay created), linked to the person.
public struct LearnedLink: Sendable, Hashable {
    public var ref: RecordRef
    public var subject: SubjectKey
    public var reason: String

    public init(ref: RecordRef, subject: SubjectKey, reason: String) {
        self.ref = ref
        self.subject = subject
        self.reason = reason
    }
}

/// What a channel said about a notification it took (Slack's answer, an SMS provider's message id and status).
public struct DeliveryReceipt: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, Codable {
        /// The channel accepted it (Slack 200; SMS queued).
        case accepted
        /// The channel confirmed it reached the recipient.
        case delivered
        /// The channel gave up after accepting it.
        case undelivered
        /// Not taken yet: the channel was down or asked LeadRelay to wait (429); it is tried again.
        case retrying
        /// Given up: the channel refused it for good, or every attempt failed.
        case failed
        /// The rep's own channel failed; the next one (the team channel) took it.
        case fellBack = "fell-back"
    }

    public var state: State
    /// The channel that took it (`slack`, `sms:ana`).
    public var channel: String
    /// The channel's own id for the message, when it gives one.
    public var externalID: String?

    public init(state: State, channel: String, externalID: String? = nil) {
        self.state = state
        self.channel = channel
        self.externalID = externalID
    }
}

extension DeliveryReceipt.State {
    /// How far along a message is: waiting, taken by the channel, then an end (delivered, or not). A report never moves
    /// a message back.
    public var progress: Int {
        switch self {
        case .retrying: 0
        case .accepted, .fellBack: 1
        case .delivered, .undelivered, .failed: 2
        }
    }
}

extension DeliveryReceipt {
    /// The event log's cause for a receipt.
    public static func reason(_ receipt: DeliveryReceipt, repID: String) -> Reason {
        let what = switch receipt.state {
        case .accepted: "\(receipt.channel) accepted the alert to \(repID)"
        case .delivered: "\(receipt.channel) delivered the alert to \(repID)"
        case .undelivered: "\(receipt.channel) could not deliver the alert to \(repID)"
        case .retrying: "\(receipt.channel) did not take the alert to \(repID) yet; it is tried again"
        case .failed: "the alert to \(repID) failed on \(receipt.channel); it is not tried again"
        case .fellBack: "\(repID)'s own channel failed; \(receipt.channel) took the alert"
        }
        return Reason(.delivered, what,
               facts: ["channel": receipt.channel, "state": receipt.state.rawValue, "rep": repID])
    }
}

extension OutboxQueue {
    /// `fail` with no wait asked for.
    public func fail(_ id: Int64, error: String, permanent: Bool, at now: Date) async throws {
        try await fail(id, error: error, permanent: permanent, retryAt: nil, at: now)
    }

    /// `complete` for an effect with no delivery receipt (a CRM write).
    public func complete(_ id: Int64, resultID: String?, learned: [LearnedLink], at now: Date) async throws {
        try await complete(id, resultID: resultID, learned: learned, receipt: nil, refused: [:], at: now)
    }

    /// `complete` for an effect the channel took whole.
    public func complete(_ id: Int64, resultID: String?, learned: [LearnedLink], receipt: DeliveryReceipt?, at now: Date) async throws {
        try await complete(id, resultID: resultID, learned: learned, receipt: receipt, refused: [:], at: now)
    }
}

/// How much the outbox holds.
public struct OutboxDepth: Sendable, Hashable {
    public var pending: Int
    /// When the oldest pending entry was queued.
    public var oldestPendingAt: Date?
    /// How many of the pending are alerts (which go at their channels' pace, or wait for a digest).
    public var pendingAlerts: Int

    public init(pending: Int, oldestPendingAt: Date?, pendingAlerts: Int = 0) {
        self.pending = pending
        self.oldestPendingAt = oldestPendingAt
        self.pendingAlerts = pendingAlerts
    }
}

/// The outbox as a queue: dispatchers claim pending effects, then complete or fail each.
public protocol OutboxQueue: Sendable {
    /// Up to `limit` pending entries, oldest first, that no live claim holds; they are held for `lease` (the store's
    /// clock), after which a dispatcher that died has let them go.
    func claim(limit: Int, lease: Duration) async throws -> [OutboxEntry]
    /// Lets claimed entries go without an attempt (they stay pending, first in line).
    func release(_ ids: [Int64]) async throws
    /// Lets claimed entries go without an attempt, not to be claimed before `until` (a channel that keeps a pace, a
    /// digest still gathering); `now` is the caller's clock, as in `fail`.
    func postpone(_ ids: [Int64], until: Date, at now: Date) async throws
    /// The CRM or channel confirmed the effect; links learned by applying it, the channel's receipt for an alert
    /// (with its `delivered` event) and the fields the CRM refused while taking the rest are stored in the same
    /// transaction (an existing link is never overwritten).
    func complete(_ id: Int64, resultID: String?, learned: [LearnedLink], receipt: DeliveryReceipt?, refused: [String: String],
                  at now: Date) async throws
    /// An attempt failed: retried later unless `permanent` or tried `OutboxRules.maxAttempts` times, then parked as failed.
    /// A retry is not claimed before `retryAt` (a channel's `Retry-After`); `nil`: the next drain may take it.
    func fail(_ id: Int64, error: String, permanent: Bool, retryAt: Date?, at now: Date) async throws
    /// What the channel said about a notification (later receipts replace earlier ones); each receipt is also a
    /// `delivered` event in the log, in the same transaction.
    func recordDelivery(_ id: Int64, receipt: DeliveryReceipt, at now: Date) async throws
    /// A later state the channel reported of a message it took (an SMS status callback), for every alert that message
    /// carried (`externalID` is the channel's id on their receipts). Kept only when it is further on than the stored
    /// state (`DeliveryReceipt.State.progress`): callbacks arrive out of order. Returns how many alerts it moved on.
    func recordDelivery(externalID: String, state: DeliveryReceipt.State, at now: Date) async throws -> Int
    func depth() async throws -> OutboxDepth
}

/// Rules every outbox back end applies alike.
public enum OutboxRules {
    /// Entries that fail this many times are parked as failed, for the report, instead of retried forever.
    public static let maxAttempts = 8
}

/// The order pending effects are carried out in. Speed to lead first: a fresh MQL's owner, its record in the other
/// CRM and its rep's alert never wait behind a backlog — neither the reconciled data of a hundred thousand records
/// nor the hand-offs of people whose routing waited for that backlog to be read.
public enum OutboxLane: Int, Sendable, Hashable, Comparable, CaseIterable, Codable {
    /// A hand-off planned as it happened: owner and stage written, the record created, the rep told.
    case handoff = 0
    /// A hand-off of someone whose routing waited for a CRM's backlog to be read (`CycleCommit.released`).
    case backlog = 1
    /// Everything else: reconciled fields, duplicate flags, merges.
    case data = 2

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The lane of `change`'s effect; `released` are the people this cycle routed after their wait for the backlog.
    public static func of(_ change: PlanChange, released: Set<PersonKey>) -> OutboxLane {
        guard change.isHandoff else { return .data }
        return change.person.map(released.contains) == true ? .backlog : .handoff
    }
}

extension PlanChange {
    /// Whether carrying the change out hands a lead to sales: its owner (and stage) written, its record created in
    /// the other CRM, or its rep told.
    public var isHandoff: Bool {
        switch action {
        case .notify: true
        case .write(let write): write.operation == .create || reason.code == .writeOwner
        default: false
        }
    }
}
