/// A mapping file: which object pairs it covers and one entry per canonical field.
public struct MappingSet: Sendable, Hashable {
    /// LeadRelay's name for the object (`lead`).
    public var object: String
    public var hubspotObject: String
    public var salesforceObject: String
    /// Entries sorted by canonical name, so every run reads them in one order.
    public var fields: [FieldMapping]
    /// What to do with a person's duplicate records in one CRM; `nil`: they are linked, nothing more.
    public var duplicates: DuplicatePolicy?
    /// System → a field of its records that holds the other system's record id (HubSpot's Salesforce integration
    /// writes `salesforceleadid`): a deterministic link, before any evidence.
    public var crossReference: [CRMSystem: String] = [:]
    /// Each CRM's status values per stage after the hand-off: what LeadRelay reads a stage from and writes it as. People
    /// have one (contacts ↔ leads); companies and accounts none.
    public var lifecycle: LifecycleMap

    public init(object: String, hubspotObject: String, salesforceObject: String, fields: [FieldMapping]) {
        self.object = object
        self.hubspotObject = hubspotObject
        self.salesforceObject = salesforceObject
        self.fields = fields.sorted { $0.canonical < $1.canonical }
        self.lifecycle = hubspotObject == "contacts" ? .freshDefaults : .empty
    }

    /// A stable fingerprint of what the mapping reconciles (FNV-1a over its fields): a change means a back-fill.
    public var fingerprint: String {
        var text = "\(object)|\(hubspotObject)|\(salesforceObject)"
        for field in fields.sorted(by: { $0.canonical < $1.canonical }) {
            text += "|\(field.canonical):\(field.hubspot ?? "-"):\(field.salesforce ?? "-"):\(field.type.rawValue):\(field.rule.rawValue):\(field.clearBlanks)"
            text += ":" + field.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            text += ":\(field.textCase?.rawValue ?? "-"):\(field.defaultValue ?? "-"):\(field.maxLength ?? 0):\(field.overflow.rawValue)"
            if !field.ranges.isEmpty {
                text += ":ranges=" + CRMSystem.allCases.sorted().map { field.ranges[$0]?.summary ?? "-" }.joined(separator: "/")
            }
        }
        if !crossReference.isEmpty {
            text += "|xref:" + CRMSystem.allCases.sorted().map { crossReference[$0] ?? "-" }.joined(separator: ",")
        }
        if let duplicates {
            // A new flag field or survivor rule re-flags every person.
            text += "|duplicates:" + CRMSystem.allCases.sorted().map { duplicates.flag[$0] ?? "-" }.joined(separator: ",")
            text += ":" + duplicates.survivor.map(\.rawValue).joined(separator: ",")
            text += ":merge=\(duplicates.mergeMinScore.map { Condition.format($0) } ?? "-"):\(duplicates.defaultValueRule.rawValue)"
            text += ":" + duplicates.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }.joined(separator: ",")
        }
        return FNV1a.hex(text)
    }

    public func field(_ canonical: String) -> FieldMapping? {
        fields.first { $0.canonical == canonical }
    }

    /// The object name this mapping reads in `system`.
    public func objectName(in system: CRMSystem) -> String {
        system == .hubspot ? hubspotObject : salesforceObject
    }

    /// The record of `system` that is kept in sync, owned and routed: the survivor when the mapping has a duplicate
    /// policy, else the newest. `nil` when the entity has no live record there.
    public func primaryRecord(in system: CRMSystem, of records: [SourceRecord]) -> SourceRecord? {
        let candidates = records.filter { $0.ref.system == system && $0.ref.object == objectName(in: system) && !$0.deleted }
        guard !candidates.isEmpty else { return nil }
        if let duplicates { return duplicates.survivor(of: candidates, mapping: self) }
        return candidates.max { ($0.modifiedAt, $0.ref.id) < ($1.modifiedAt, $1.ref.id) }
    }

    /// An enrichment source's value for canonical field `name` in the form the CRMs' values take (numbers without
    /// separators or `.0`); `nil` when the mapping holds a number there and `raw` is not one. Unmapped names stay text.
    public func enrichmentValue(_ name: String, _ raw: String) -> String? {
        let type = field(name)?.type ?? .string
        if type == .integer || type == .decimal, Double(raw.withoutCommas) == nil { return nil }
        return type.normalise(raw) ?? raw
    }

    /// Every field name to request from `system` when polling.
    public func fieldNames(in system: CRMSystem) -> [String] {
        fields.compactMap { $0.name(in: system) } + (duplicates?.flag[system].map { [$0] } ?? []) + (crossReference[system].map { [$0] } ?? [])
    }

    /// The owner field's name in each CRM (the mapped one, else each CRM's standard owner field).
    public var ownerFieldNames: Set<String> {
        [ownerField?.hubspot ?? CRMFieldNames.hubspotOwner, ownerField?.salesforce ?? CRMFieldNames.salesforceOwner]
    }

    /// The mapping that carries the record owner (rule `leadrelay`, type `owner`).
    public var ownerField: FieldMapping? {
        fields.first { $0.type == .owner }
    }

    /// The identifying field used to link people (the first `identifier: true`, else `email`).
    public var identifierField: FieldMapping? {
        fields.first { $0.identifier } ?? field("email")
    }
}
