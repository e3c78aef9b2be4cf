import Foundation

/// One person record's part in a rep's load as the CRMs count it: who owns the record there and whether the lead is
/// still open (not converted, not moved on to SQL, opportunity, customer, recycled or disqualified). The store keeps one
/// per HubSpot contact and Salesforce lead and counts, per owner, the people whose lead is open — leads assigned
/// outside LeadRelay (a rep's own imports, a manager's hand-offs) included.
public struct RecordHold: Sendable, Hashable, Codable {
    public var ref: RecordRef
    public var person: PersonKey
    /// The CRM's owner (HubSpot owner id, Salesforce user id); `nil` when the record has none.
    public var owner: String?
    public var open: Bool

    public init(ref: RecordRef, person: PersonKey, owner: String?, open: Bool) {
        self.ref = ref
        self.person = person
        self.owner = owner
        self.open = open
    }
}

/// Open leads per CRM owner, as the store counts them from its `RecordHold`s: a person counts once, by their Salesforce
/// lead when they have one (Salesforce owns the hand-off), else by their HubSpot contact.
public struct CRMOpenLeads: Sendable, Hashable {
    public var byOwner: [CRMSystem: [String: Int]]

    public init(byOwner: [CRMSystem: [String: Int]] = [:]) {
        self.byOwner = byOwner
    }

    /// Counts `holds` by the rule above (the store's own rule, for back ends that count in memory).
    public init(counting holds: some Collection<RecordHold>) {
        let withSalesforce = Set(holds.filter { $0.ref.system == .salesforce }.map(\.person))
        var people: [CRMSystem: [String: Set<PersonKey>]] = [:]
        for hold in holds where hold.open {
            guard let owner = hold.owner, hold.ref.system == .salesforce || !withSalesforce.contains(hold.person) else { continue }
            people[hold.ref.system, default: [:]][owner, default: []].insert(hold.person)
        }
        byOwner = people.mapValues { $0.mapValues(\.count) }
    }

    /// Open leads of the rep's users in both CRMs.
    public func count(for rep: Rep) -> Int {
        (rep.hubspotOwnerID.flatMap { byOwner[.hubspot]?[$0] } ?? 0) + (rep.salesforceUserID.flatMap { byOwner[.salesforce]?[$0] } ?? 0)
    }
}

extension Pipeline {
    /// The record's hold on its person, for load counts; `nil` for records that are not person records (accounts).
    public func hold(_ record: SourceRecord, person: PersonKey) -> RecordHold? {
        let system = record.ref.system
        guard record.ref.object == mapping.objectName(in: system) else { return nil }
        let field = mapping.ownerField?.name(in: system) ?? (system == .hubspot ? CRMFieldNames.hubspotOwner : CRMFieldNames.salesforceOwner)
        let owner = record.deleted ? nil : record.value(field).flatMap { $0.isEmpty ? nil : $0 }
        let open = !record.deleted && !CRMFieldNames.isConverted(record) && !statedStages([record]).contains(where: \.closesAssignment)
        return RecordHold(ref: record.ref, person: person, owner: owner, open: open)
    }
}
