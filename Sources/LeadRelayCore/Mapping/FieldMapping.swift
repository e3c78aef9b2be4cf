/// One canonical field and the property/field that holds it in each system.
public struct FieldMapping: Sendable, Hashable {
    public var canonical: String
    public var hubspot: String?
    public var salesforce: String?
    public var type: FieldType
    public var rule: SyncRule
    /// True for fields that identify a person (email): used for linking.
    public var identifier: Bool
    /// Picklist translation, HubSpot option value → Salesforce picklist value.
    public var values: [String: String]
    /// Whether a blank may clear the other system's value (off: blanks never overwrite data).
    public var clearBlanks: Bool
    /// Canonical case of a text value.
    public var textCase: TextCase?
    /// The value a person gets when both systems are blank.
    public var defaultValue: String?
    /// Longest value written; `overflow` says whether longer ones are cut or held back.
    public var maxLength: Int?
    public var overflow: Overflow = .reject

    public init(canonical: String, hubspot: String?, salesforce: String?, type: FieldType,
                rule: SyncRule, identifier: Bool = false, values: [String: String] = [:], clearBlanks: Bool = false) {
        self.clearBlanks = clearBlanks
        self.canonical = canonical
        self.hubspot = hubspot
        self.salesforce = salesforce
        self.type = type
        self.rule = rule
        self.identifier = identifier
        self.values = values
    }

    /// The field name this mapping uses in `system`.
    public func name(in system: CRMSystem) -> String? {
        system == .hubspot ? hubspot : salesforce
    }

    /// Reads the field from a record of `system` and returns its canonical value.
    ///
    /// Picklists are canonical in Salesforce's values: a HubSpot option is
    /// translated through `values` (case-insensitively); an untranslated value
    /// passes through unchanged so the audit can report it.
    public func canonicalValue(from record: SourceRecord) -> String? {
        guard let name = name(in: record.ref.system),
              var value = type.normalise(record.value(name)) else { return nil }
        if let textCase, type == .string { value = textCase.apply(value) }
        guard type == .picklist, record.ref.system == .hubspot, !values.isEmpty else { return value }
        if let direct = values[value] { return direct }
        let lowered = value.lowercased()
        return values.first { $0.key.lowercased() == lowered }?.value ?? value
    }

    /// Renders a canonical value for writing to `system` (the inverse picklist translation for HubSpot).
    public func systemValue(_ canonicalValue: String, for system: CRMSystem) -> String {
        guard type == .picklist, system == .hubspot else { return canonicalValue }
        return values.first { $0.value == canonicalValue }?.key ?? canonicalValue
    }
}
