import Foundation

/// Why a change was planned, as a value: a stable code that reports and KPIs count, the facts behind it, and a
/// sentence for a RevOps reader. Tests assert on codes and facts, never on the sentence.
public struct Reason: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A stable, dotted name (`link.evidence`, `route.assigned`): part of LeadRelay's interface once released.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }

        public static func < (a: Code, b: Code) -> Bool { a.rawValue < b.rawValue }
        public var description: String { rawValue }
    }

    public var code: Code
    /// Named facts (`rep`, `rule`, `score`, `matched`, …).
    public var facts: [String: String]
    public var text: String

    public init(_ code: Code, _ text: String, facts: [String: String] = [:]) {
        self.code = code
        self.text = text
        self.facts = facts
    }

    public var description: String { text }
}

extension Reason.Code {
    /// The record's normalised email names the person.
    public static let linkedByEmail = Self("link.email")
    /// The record matched a known record by weighted evidence (name, phone, company, …).
    public static let linkedByEvidence = Self("link.evidence")
    /// A CRM's own cross-reference field names the other record.
    public static let linkedByCrossReference = Self("link.cross-reference")
    /// No usable email: the record is tracked as a person of its own.
    public static let linkedAlone = Self("link.alone")
    /// The CRM merged the record into another: its link follows the survivor.
    public static let linkedByCRMMerge = Self("link.crm-merge")
    /// A converted Salesforce lead's contact (`ConvertedContactId`): the person continues as it.
    public static let linkedByConversion = Self("link.conversion")
    /// An account record joins the account of its web domain.
    public static let linkedByWebDomain = Self("link.web-domain")
    /// A record LeadRelay created for the person.
    public static let linkedByCreate = Self("link.created")
    /// A record `undo merge` restored.
    public static let linkedByUndo = Self("link.restored")
    /// A mapped field was reconciled to the value both systems should hold.
    public static let fieldReconciled = Self("field.reconciled")
    /// Both systems changed the field to different values; the rule settled it.
    public static let fieldConflict = Self("field.conflict")
    /// A write of reconciled fields (or duplicate flags) to one record.
    public static let writeFields = Self("write.fields")
    /// The routed owner (and stage) written to an existing record.
    public static let writeOwner = Self("write.owner")
    /// The person has no record in a CRM yet: it is created, owned by the rep.
    public static let writeCreate = Self("write.create")
    /// Duplicates in one CRM are merged into the survivor.
    public static let writeMerge = Self("write.merge")
    /// A person has several records in one CRM.
    public static let duplicatesFound = Self("duplicates.found")
    /// Enrichment filled fields.
    public static let enriched = Self("enrichment.filled")
    /// Enrichment no longer fills fields (the CRMs hold the values now).
    public static let enrichmentCleared = Self("enrichment.cleared")
    /// The score moved.
    public static let scoreChanged = Self("score.changed")
    /// Routing gave the lead to a rep.
    public static let routed = Self("route.assigned")
    /// Routing found no rep for an MQL.
    public static let unrouted = Self("route.none")
    /// The lead crossed the MQL line.
    public static let crossedMQL = Self("lifecycle.mql")
    /// The rep is told about a new MQL.
    public static let notifyNewMQL = Self("notify.new-mql")
    public static let mqlRearmed = Self("mql.rearmed")
    public static let recycledInterestReset = Self("mql.recycled")
    public static let notifyStranded = Self("notify.stranded")
    /// A CRM says the lead moved on (qualified, converted, won, recycled, disqualified): its assignment closes.
    public static let lifecycleMovedOn = Self("lifecycle.moved-on")
    /// A CRM says the rep accepted the lead (working it): the assignment goes on.
    public static let lifecycleAccepted = Self("lifecycle.accepted")
    /// A stage one CRM reached, written to the other (status, and HubSpot's lifecycle stage forward).
    public static let writeStage = Self("write.stage")
    /// HubSpot's lifecycle stage moved back (a recycle): cleared first, then set, as HubSpot only moves it forward.
    public static let writeStageBack = Self("write.stage-back")
    /// Someone changed the owner in a CRM.
    public static let ownerChangedByPerson = Self("owner.changed-by-person")
    /// A channel took an alert.
    public static let delivered = Self("notify.delivered")
    /// The first-touch clock started for the rep the lead was given to.
    public static let slaStarted = Self("sla.started")
    /// A reminder at a share of the first-touch target.
    public static let slaReminder = Self("sla.reminder")
    /// The first touch came (in time or late).
    public static let slaTouched = Self("sla.touched")
    /// The first-touch target passed without a touch.
    public static let slaBreached = Self("sla.breached")
    /// The breach was told to the rep's manager.
    public static let slaEscalated = Self("sla.escalated")
    /// The grace period after a breach passed: the lead is to be routed again.
    public static let slaReassign = Self("sla.reassign")
    /// The persistence window closed: enough touches, or too few.
    public static let slaPersistence = Self("sla.persistence")
    /// The lead left the rep (moved on, or given to someone else): its clock stops.
    public static let slaStopped = Self("sla.stopped")
    /// An assignment carried over from a store made before the event log.
    public static let migrated = Self("store.migrated")
}
