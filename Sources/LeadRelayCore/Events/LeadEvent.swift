import Foundation

/// Something that happened to a lead, as the event log keeps it: append-only, written in the same transaction as the
/// state it explains. KPIs, explanations and replays are functions over these.
public struct LeadEvent: Sendable, Hashable, Codable {
    public enum Kind: Sendable, Hashable, Codable {
        /// The score moved (`from` is `nil` the first time the person is scored).
        case scoreChanged(from: Double?, to: Double, fit: Double, interest: Double)
        /// The lead crossed the MQL line.
        case mql(score: Double, threshold: Double)
        /// A recycled lead's score was seen below the re-arm line (`threshold − hysteresis`): it may be an MQL again.
        case mqlRearmed(score: Double, line: Double)
        case lifecycleChanged(from: LifecycleStage, to: LifecycleStage)
        /// Routing gave the lead to a rep.
        case assigned(repID: String, rule: String)
        /// Routing found nobody for an MQL (every candidate and why it lost are in the cause).
        case unassigned(rule: String)
        /// An alert to the rep was queued.
        case notified(repID: String, notification: NotificationKind)
        /// A channel took (or confirmed) an alert.
        case delivered(repID: String, channel: String, state: DeliveryReceipt.State)
        /// Someone changed the owner in a CRM to somebody LeadRelay did not assign; `toRep` is the rep that owner is,
        /// when LeadRelay knows them.
        case ownerChangedByPerson(system: CRMSystem, from: String?, to: String?, toRep: String?)
        /// The first-touch clock started (or restarted) for `repID` under `tier`; `dueAt` is `nil` when the calendar
        /// never holds the target.
        case slaStarted(repID: String, tier: String, dueAt: Date?)
        /// The rep was reminded at `share` of the target.
        case slaReminded(repID: String, share: Double)
        /// The first touch (`touch` is its activity id): in time, or after `dueAt` (late).
        case slaTouched(repID: String, touchedAt: Date, touch: String, late: Bool)
        /// No touch by the due instant.
        case slaBreached(repID: String, dueAt: Date)
        /// The breach was told to the rep's manager.
        case slaEscalated(repID: String, manager: String)
        /// The grace period after the breach passed with no touch: the lead is to go to someone else, never back to
        /// `excluding` (the latest owners).
        case slaReassignDue(repID: String, excluding: [String])
        /// The persistence window closed: `touches` counted (spaced as configured) against the `minimum`.
        case slaPersistence(repID: String, touches: Int, minimum: Int)
    }

    public var personKey: PersonKey
    public var kind: Kind
    /// Why: the decision's reason (its code is what KPIs count).
    public var cause: Reason
    public var occurredAt: Date

    public init(personKey: PersonKey, kind: Kind, cause: Reason, occurredAt: Date) {
        self.personKey = personKey
        self.kind = kind
        self.cause = cause
        self.occurredAt = occurredAt
    }

    /// A short, stable name of the kind (`assigned`, `score_changed`, …), as stores index and KPIs count them.
    public var name: String {
        switch kind {
        case .scoreChanged: "score_changed"
        case .mql: "mql"
        case .mqlRearmed: "mql_rearmed"
        case .lifecycleChanged: "lifecycle_changed"
        case .assigned: "assigned"
        case .unassigned: "unassigned"
        case .notified: "notified"
        case .delivered: "delivered"
        case .ownerChangedByPerson: "owner_changed_by_person"
        case .slaStarted: "sla_started"
        case .slaReminded: "sla_reminded"
        case .slaTouched: "sla_touched"
        case .slaBreached: "sla_breached"
        case .slaEscalated: "sla_escalated"
        case .slaReassignDue: "sla_reassign_due"
        case .slaPersistence(_, let touches, let minimum): touches >= minimum ? "sla_persistence_met" : "sla_persistence_short"
        }
    }

    /// Who holds the lead after this event, for events that decide it: a rep's id, `""` for nobody, `nil` for events
    /// that leave ownership as it was. Open assignments are derived from this, never kept as a flag.
    public var holder: String? {
        switch kind {
        case .assigned(let rep, _): rep
        case .ownerChangedByPerson(_, _, _, let rep): rep ?? ""
        case .lifecycleChanged(_, let to): to.closesAssignment ? "" : nil
        case .scoreChanged, .mql, .mqlRearmed, .unassigned, .notified, .delivered, .slaStarted, .slaReminded, .slaTouched, .slaBreached,
             .slaEscalated, .slaReassignDue, .slaPersistence: nil
        }
    }
}

/// An event as stored: its place in the log, the cycle that wrote it and the configuration it was decided under.
public struct StoredEvent: Sendable, Hashable {
    /// Position in the log (strictly increasing).
    public var sequence: Int64
    /// The committed cycle (`nil` for events written while applying effects, such as deliveries).
    public var cycle: Int64?
    public var configVersion: String?
    public var event: LeadEvent

    public init(sequence: Int64, cycle: Int64?, configVersion: String?, event: LeadEvent) {
        self.sequence = sequence
        self.cycle = cycle
        self.configVersion = configVersion
        self.event = event
    }
}

/// What an alert is about; each channel renders it its own way.
public enum NotificationKind: String, Sendable, Hashable, Codable, CaseIterable {
    case newMQL = "new-mql"
    case slaReminder = "sla-reminder"
    case escalation
    case recycled
    /// An MQL nobody could take went to the stranded queue: whoever the queue's `alert` names hears of it.
    case stranded
    /// Several leads that were assigned long after their last activity (a first start, an outage), told in one message
    /// (`Notification.items`); built by the dispatcher, never planned.
    case digest
}

extension LifecycleStage {
    /// Stages at which the rep's assignment is over: the lead is qualified, won, recycled or disqualified.
    public var closesAssignment: Bool {
        switch self {
        case .sql, .opportunity, .customer, .recycled, .disqualified: true
        default: false
        }
    }
}

/// Open assignments derived from the event log: per person, the holder named by the last event that names one.
public struct AssignmentLedger: Sendable, Hashable {
    /// Person → the rep holding the lead now.
    public private(set) var holders: [PersonKey: String] = [:]

    public init() {}

    public init(_ events: some Sequence<LeadEvent>) {
        for event in events { apply(event) }
    }

    public mutating func apply(_ event: LeadEvent) {
        guard let holder = event.holder else { return }
        holders[event.personKey] = holder.isEmpty ? nil : holder
    }

    /// Rep id → leads they hold open.
    public var openByRep: [String: Int] {
        var open: [String: Int] = [:]
        for rep in holders.values { open[rep, default: 0] += 1 }
        return open
    }
}
