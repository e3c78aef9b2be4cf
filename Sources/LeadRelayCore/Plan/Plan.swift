import Foundation

/// Everything one cycle decided, each change with its reason.
///
/// Built by the pure `Pipeline`; `reconcile --dry-run` renders it, `run`
/// commits it to the outbox. The same input always gives the same plan.
public struct Plan: Sendable, Hashable, Codable {
    public var generatedAt: Date
    public var changes: [PlanChange]
    /// What the plan's changes mean for the event log (appended in the same commit).
    public var events: [LeadEvent]
    /// Timers set or cancelled, in order (a later change to the same key wins).
    public var timers: [TimerChange]
    /// People over the MQL line not routed because a CRM's backlog is still being read (`PipelineInput.holdRouting`):
    /// the store keeps them, and they are routed once both CRMs are read to the end.
    public var heldForBacklog: [PersonKey] = []
    /// Person → their MQL gate where this plan changed it (latched by an MQL, re-armed, recycled, checked).
    public var gates: [PersonKey: MQLGate] = [:]

    public init(generatedAt: Date, changes: [PlanChange] = [], events: [LeadEvent] = [], timers: [TimerChange] = []) {
        self.generatedAt = generatedAt
        self.changes = changes
        self.events = events
        self.timers = timers
    }

    public var writes: [RecordWrite] {
        changes.compactMap { if case .write(let write) = $0.action { write } else { nil } }
    }

    public var notifications: [Notification] {
        changes.compactMap { if case .notify(let note) = $0.action { note } else { nil } }
    }

    /// Person → rep id for every assignment in the plan.
    public var assignments: [PersonKey: String] {
        var result: [PersonKey: String] = [:]
        for change in changes {
            if case .assign(let decision) = change.action, let rep = decision.repID, let person = change.person { result[person] = rep }
        }
        return result
    }
}

/// One decision about one person (or one account: its links, reconciled fields and writes).
public struct PlanChange: Sendable, Hashable, Codable {
    public enum Action: Sendable, Hashable, Codable {
        /// Record `ref` belongs to the person.
        case link(RecordRef)
        /// The person's score changed.
        case score(ScoreBreakdown)
        case lifecycle(from: LifecycleStage, to: LifecycleStage)
        /// Routing placed (or failed to place, `repID == nil`) the person.
        case assign(RouteDecision)
        case write(RecordWrite)
        case notify(Notification)
        /// A mapped field was reconciled: the value both systems should hold (remembered as the synced value).
        case reconcile(FieldDecision)
        /// Every field enrichment fills for the person, with provenance (replaces what was recorded; empty clears it).
        case enrich([EnrichedValue])
        /// The person has several records in one CRM: which survives, and the flag written on the others.
        case duplicates(DuplicateSet)
    }

    /// Whom the change is about.
    public var subject: SubjectKey
    public var action: Action
    /// Why: a code reports count, its facts, and a sentence a RevOps reader understands.
    public var reason: Reason

    public init(subject: SubjectKey, action: Action, reason: Reason) {
        self.subject = subject
        self.action = action
        self.reason = reason
    }

    public init(personKey: PersonKey, action: Action, reason: Reason) {
        self.init(subject: .person(personKey), action: action, reason: reason)
    }

    public init(accountKey: AccountKey, action: Action, reason: Reason) {
        self.init(subject: .account(accountKey), action: action, reason: reason)
    }

    /// The person the change is about (`nil` for an account's).
    public var person: PersonKey? { subject.person }
}

/// A write to one CRM record: an update of named fields, or a create.
public struct RecordWrite: Sendable, Hashable, Codable {
    public enum Operation: String, Sendable, Hashable, Codable {
        case update
        /// Create the record, unless one with `matchField == matchValue` exists, then update that.
        case create
        /// Merge record `mergeFrom` into record `id` (HubSpot contacts); the store keeps both before-images for undo.
        case merge
    }

    public var operation: Operation
    public var system: CRMSystem
    public var object: String
    /// The record id for updates; `nil` for creates.
    public var id: String?
    /// Field name (the CRM's own) → value; `""` clears a field.
    public var fields: [String: String]
    /// For creates: the field that identifies an existing twin (e.g. `Email`).
    public var matchField: String?
    public var matchValue: String?
    /// For updates: apply only if nobody changed the record after this time (the version LeadRelay read).
    /// Salesforce sends it as `If-Unmodified-Since`; a conflict is reported, never overwritten.
    public var unmodifiedSince: Date?
    /// For conditional updates: the hand-off fields (owner, status) as LeadRelay read them. When the record changed
    /// after the read but still holds these values, the change was not a person taking the lead (LeadRelay's own data
    /// write, an automation touching the record): the write goes again on the new version instead of being a conflict.
    public var expected: [String: String]?
    /// For merges: the record merged into `id` (it disappears).
    public var mergeFrom: String?
    /// For updates: fields cleared in a request of their own before this one (HubSpot's `lifecyclestage` moves back
    /// only from blank). Applied again after a crash, the pair still ends at the value.
    public var clearFirst: [String]?
    /// Why, for reports (not part of the write's identity).
    public var reason: String?

    /// The plan's reason for this write: its code from what it does (merge, create, owner, fields).
    public func planReason(ownerFields: Set<String>) -> Reason {
        let code: Reason.Code
        switch operation {
        case .merge: code = .writeMerge
        case .create: code = .writeCreate
        case .update:
            code = if fields.keys.contains(where: ownerFields.contains) { .writeOwner }
                else if !(clearFirst ?? []).isEmpty { .writeStageBack }
                else if fields.keys.contains(where: CRMFieldNames.stageFields.contains) { .writeStage }
                else { .writeFields }
        }
        return Reason(code, reason ?? "reconcile mapped fields",
                      facts: ["system": system.rawValue, "object": object, "id": id ?? "", "fields": fields.keys.sorted().joined(separator: ",")])
    }

    public init(operation: Operation, system: CRMSystem, object: String, id: String?, fields: [String: String],
                matchField: String? = nil, matchValue: String? = nil, unmodifiedSince: Date? = nil) {
        self.operation = operation
        self.system = system
        self.object = object
        self.id = id
        self.fields = fields
        self.matchField = matchField
        self.matchValue = matchValue
        self.unmodifiedSince = unmodifiedSince
    }

    /// The same for the same intended write: while one such write is pending, planning it again queues nothing.
    /// It is not the effect's identity (that is the cycle and position that planned it): the same content may be
    /// planned again once the first is done, as a field that goes X → Y → X must be written X twice.
    public var contentKey: String {
        let target = id ?? "\(matchField ?? "")=\(matchValue ?? "")"
        let body = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return "\(operation.rawValue):\(system.rawValue):\(object):\(target):\(body)" + (mergeFrom.map { ":from=\($0)" } ?? "")
            + (clearFirst.map { ":clear=" + $0.joined(separator: ",") } ?? "")
    }
}

/// Who an alert is for.
public struct Recipient: Sendable, Hashable, Codable {
    public var repID: String
    public var email: String
    /// For SMS, when the routing file gives one.
    public var phone: String?

    public init(repID: String, email: String, phone: String? = nil) {
        self.repID = repID
        self.email = email
        self.phone = phone
    }
}

/// The lead in brief, as an alert shows it; channels choose what to print.
public struct LeadSummary: Sendable, Hashable, Codable {
    /// `nil` only in an alert queued before alerts were values (its `legacyText` says who).
    public var personKey: PersonKey?
    public var name: String?
    public var email: String?
    public var company: String?
    public var title: String?
    public var score: Double
    public var fit: Double
    public var interest: Double
    /// The routing rule that placed the lead.
    public var routedBy: String
    public var records: [RecordRef]
    /// The whole text of an alert queued before alerts were values (read from an older outbox); channels print it as is.
    public var legacyText: String?
    /// Every rule that scored, for alerts that show why (the top behaviours and the fit); `nil` in older alerts.
    public var breakdown: ScoreBreakdown?
    /// When the lead last did something that counts (its newest scored behaviour, else its record's last change): an
    /// alert about a lead idle for longer than the digest horizon is told in a digest, not on its own. `nil` in older alerts.
    public var lastActiveAt: Date?
    /// The rep who holds the lead, where the alert goes to someone else (a manager told of a breach).
    public var owner: String?

    public init(personKey: PersonKey?, name: String? = nil, email: String? = nil, company: String? = nil, title: String? = nil,
                score: Double = 0, fit: Double = 0, interest: Double = 0, routedBy: String = "", records: [RecordRef] = [],
                legacyText: String? = nil, breakdown: ScoreBreakdown? = nil, lastActiveAt: Date? = nil) {
        self.breakdown = breakdown
        self.lastActiveAt = lastActiveAt
        self.personKey = personKey
        self.name = name
        self.email = email
        self.company = company
        self.title = title
        self.score = score
        self.fit = fit
        self.interest = interest
        self.routedBy = routedBy
        self.records = records
        self.legacyText = legacyText
    }
}

/// A message to a rep, as a value: who, about what, and the lead in brief. Each channel renders it its own way
/// (`LeadRelayNotify`); Core builds no channel's text.
public struct Notification: Sendable, Hashable {
    public var recipient: Recipient
    public var kind: NotificationKind
    public var lead: LeadSummary
    /// A digest's leads, most promising first (`lead` is the first of them); empty for every other kind.
    public var items: [LeadSummary] = []

    public init(recipient: Recipient, kind: NotificationKind, lead: LeadSummary) {
        self.recipient = recipient
        self.kind = kind
        self.lead = lead
    }

    /// One message to `recipient` about several leads, highest score first (ties by name, then key: never by arrival).
    public static func digest(to recipient: Recipient, of leads: [LeadSummary]) -> Notification? {
        let sorted = leads.sorted {
            ($1.score, $0.name ?? $0.email ?? "", $0.personKey?.rawValue ?? "") < ($0.score, $1.name ?? $1.email ?? "", $1.personKey?.rawValue ?? "")
        }
        guard let first = sorted.first else { return nil }
        var note = Notification(recipient: recipient, kind: .digest, lead: first)
        note.items = sorted
        return note
    }

    public var repID: String { recipient.repID }

    /// The same for the same message about the same person while one is pending (see `RecordWrite.contentKey`).
    public func contentKey(person: SubjectKey) -> String {
        kind == .newMQL ? "notify:\(person):\(repID)" : "notify:\(kind.rawValue):\(person):\(repID)"
    }
}

extension Notification: Codable {
    enum CodingKeys: String, CodingKey {
        case recipient, kind, lead, items
        // The shape queued before alerts were values: {repID, repEmail, text}.
        case repID, repEmail, text
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let recipient = try container.decodeIfPresent(Recipient.self, forKey: .recipient) {
            self.init(recipient: recipient, kind: try container.decode(NotificationKind.self, forKey: .kind),
                      lead: try container.decode(LeadSummary.self, forKey: .lead))
            items = try container.decodeIfPresent([LeadSummary].self, forKey: .items) ?? []
        } else {
            self.init(recipient: Recipient(repID: try container.decode(String.self, forKey: .repID),
                                           email: try container.decode(String.self, forKey: .repEmail)),
                      kind: .newMQL, lead: LeadSummary(personKey: nil, legacyText: try container.decode(String.self, forKey: .text)))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(kind, forKey: .kind)
        try container.encode(lead, forKey: .lead)
        if !items.isEmpty { try container.encode(items, forKey: .items) }
    }
}
