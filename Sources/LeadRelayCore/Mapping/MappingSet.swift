/// A mapping file: which object pairs it covers and one entry per canonical field.
public struct MappingSet: Sendable, Hashable {
    /// LeadRelay's name for the object (`lead`).
    public var object: String
    public var hubspotObject: String
    public var salesforceObject: String
    /// Entries sorted by canonical name, so every run reads them in one order.
    public var fields: [FieldMapping]

    public init(object: String, hubspotObject: String, salesforceObject: String, fields: [FieldMapping]) {
        self.object = object
        self.hubspotObject = hubspotObject
        self.salesforceObject = salesforceObject
        self.fields = fields.sorted { $0.canonical < $1.canonical }
    }

    /// A stable fingerprint of what the mapping reconciles (FNV-1a over its fields): a change means a back-fill.
    public var fingerprint: String {
        var text = "\(object)|\(hubspotObject)|\(salesforceObject)"
        for field in fields.sorted(by: { $0.canonical < $1.canonical }) {
            text += "|\(field.canonical):\(field.hubspot ?? "-"):\(field.salesforce ?? "-"):\(field.type.rawValue):\(field.rule.rawValue):\(field.clearBlanks)"
            text += ":" + field.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            text += ":\(field.textCase?.rawValue ?? "-"):\(field.defaultValue ?? "-"):\(field.maxLength ?? 0):\(field.overflow.rawValue)"
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    public func field(_ canonical: String) -> FieldMapping? {
        fields.first { $0.canonical == canonical }
    }

    /// The object name this mapping reads in `system`.
    public func objectName(in system: CRMSystem) -> String {
        system == .hubspot ? hubspotObject : salesforceObject
    }

    /// Every field name to request from `system` when polling.
    public func fieldNames(in system: CRMSystem) -> [String] {
        fields.compactMap { $0.name(in: system) }
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
