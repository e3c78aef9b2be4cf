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
    /// System → the range enumeration holding this number there (`ranges:` in the mapping, else derived from the
    /// live options at start-up): numbers are written as the option that holds them and options read as numbers.
    public var ranges: [CRMSystem: NumberRanges] = [:]
    /// System → the field's live schema, bound at start-up (`MappingSet.bound(to:)`): every value is checked against
    /// it before it is sent. Empty offline: then only the mapping's own rules apply.
    public var live: [CRMSystem: CRMFieldSchema] = [:]

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
        guard let name = name(in: record.ref.system), let raw = record.value(name) else { return nil }
        // The placeholder a required Salesforce field gets when nothing is known (web-to-lead's, and ours) is no value:
        // it never flows to HubSpot, and a real value from HubSpot may fill it.
        if record.ref.system == .salesforce, raw == CRMFieldNames.notProvided { return nil }
        if let ranges = ranges[record.ref.system], let band = ranges.band(option: raw.fastTrimmed(.whitespaces)) {
            // A range stays a range (the option as the portal spells it): rules test it by overlap, a number field gets
            // its lower bound (`systemValue`), and a number in the same band is the same value (`same`).
            return band.option
        }
        guard var value = type.normalise(raw) else { return nil }
        if let textCase, type == .string { value = textCase.apply(value) }
        guard type == .picklist, record.ref.system == .hubspot, !values.isEmpty else { return value }
        if let direct = values[value] { return direct }
        let lowered = value.lowercased()
        return values.first { $0.key.lowercased() == lowered }?.value ?? value
    }

    /// Renders a canonical value for writing to `system` (the inverse picklist translation for HubSpot), unchecked;
    /// `render(_:for:)` is what writes use.
    public func systemValue(_ canonicalValue: String, for system: CRMSystem) -> String {
        if let ranges = ranges[system], let option = ranges.option(of: canonicalValue) { return option }
        if ranges[system] == nil, let band = ranges.values.lazy.compactMap({ $0.band(option: canonicalValue) }).first {
            // A range written to a number field: its lower bound, the one number it certainly holds (`25-50` → 25).
            return Condition.format(band.lower)
        }
        guard type == .picklist, system == .hubspot, !isFreeText(in: .hubspot) else { return canonicalValue }
        return values.first { $0.value == canonicalValue }?.key ?? canonicalValue
    }

    /// Whether two canonical values are the same for this field: equal, or in the same band of a range enumeration.
    public func same(_ a: String?, _ b: String?) -> Bool {
        if a == b { return true }
        guard let a, let b, let ranges = ranges.values.first else { return false }
        guard let first = ranges.option(of: a), let second = ranges.option(of: b) else { return false }
        return first == second
    }

    /// Whether a number is the lower bound of the range-enumeration band holding it (`25` of `25-50`).
    public func isLowerBound(_ value: String) -> Bool {
        guard let ranges = ranges.values.first, let number = Double(value.withoutCommas),
              let option = ranges.option(for: number), let band = ranges.band(option: option) else { return false }
        return band.lower == number
    }

    /// Whether `system` holds this field as free text (a picklist mapped onto a text property, as HubSpot contact
    /// `industry` is): then values go there as they are, untranslated and unrestricted.
    public func isFreeText(in system: CRMSystem) -> Bool {
        guard let schema = live[system] else { return false }
        return !["enumeration", "picklist", "multipicklist"].contains(schema.type)
    }
}
