/// Points at one record in one CRM: `hubspot/contacts/51`, `salesforce/Lead/00Q…`.
public struct RecordRef: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var system: CRMSystem
    /// The CRM's own object name (`contacts`, `companies`, `Lead`, `Account`).
    public var object: String
    /// The CRM's own id, exactly as the API returns it.
    public var id: String

    public init(system: CRMSystem, object: String, id: String) {
        self.system = system
        self.object = object
        self.id = id
    }

    public var description: String { "\(system.rawValue)/\(object)/\(id)" }

    public static func < (lhs: RecordRef, rhs: RecordRef) -> Bool {
        (lhs.system, lhs.object, lhs.id) < (rhs.system, rhs.object, rhs.id)
    }
}
