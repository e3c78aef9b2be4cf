/// One field of a CRM object as its schema API describes it (HubSpot properties, Salesforce describe).
public struct CRMFieldSchema: Sendable, Hashable, Codable {
    public var name: String
    public var label: String
    /// The CRM's own type name (`string`, `enumeration`, `picklist`, `datetime`, `reference`, …).
    public var type: String
    /// Allowed values of a picklist or enumeration (active ones only); empty for free-form fields.
    public var options: [String]
    /// Whether an API write may set it.
    public var updateable: Bool
    /// Whether a create must give it a value.
    public var required: Bool
    /// Whether values outside `options` are refused (HubSpot enumerations; Salesforce restricted picklists).
    public var restricted: Bool
    /// Maximum text length, when the CRM states one (Salesforce).
    public var length: Int?
    /// What a reference or owner field points at (`User`, `OWNER`).
    public var referenceTo: [String]

    public init(name: String, label: String, type: String, options: [String] = [], updateable: Bool = true,
                required: Bool = false, restricted: Bool = false, length: Int? = nil, referenceTo: [String] = []) {
        self.name = name
        self.label = label
        self.type = type
        self.options = options
        self.updateable = updateable
        self.required = required
        self.restricted = restricted
        self.length = length
        self.referenceTo = referenceTo
    }
}
