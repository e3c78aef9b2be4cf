import Foundation
import LeadRelayCore

/// One Salesforce field value with its real JSON type.
public enum SalesforceValue: Sendable, Hashable {
    case null
    case string(String)
    case number(Double)
    case bool(Bool)
    case datetime(Date)
    case date(String)

    var json: SimJSON {
        switch self {
        case .null: .null
        case .string(let value): .string(value)
        case .number(let value): .number(value)
        case .bool(let value): .bool(value)
        case .datetime(let value): .string(SimTime.salesforce(value))
        case .date(let value): .string(value)
        }
    }

    /// Text used for comparisons in SOQL evaluation.
    var text: String? {
        switch self {
        case .null: nil
        case .string(let value), .date(let value): value
        case .number(let value): SimJSON.number(value).flatText
        case .bool(let value): value ? "true" : "false"
        case .datetime(let value): SimTime.salesforce(value)
        }
    }
}

/// One sObject row.
public struct SalesforceRecord: Sendable, Hashable {
    public var id: String
    public var fields: [String: SalesforceValue]
}

/// A field of a describe result.
public struct SalesforceField: Sendable, Hashable {
    public var name: String
    public var type: String
    public var length: Int = 0
    public var nillable: Bool = true
    public var createable: Bool = true
    public var updateable: Bool = true
    public var picklistValues: [String] = []
    public var restrictedPicklist: Bool = false
    public var referenceTo: [String] = []
    public var relationshipName: String?
}

/// An sObject type: its key prefix and fields.
public struct SalesforceObjectType: Sendable {
    public let name: String
    public let keyPrefix: String
    public let fields: [SalesforceField]
    /// Lower-cased API name → position in `fields` (SOQL and JSON field names are case-insensitive).
    private let positions: [String: Int]

    public init(name: String, keyPrefix: String, fields: [SalesforceField]) {
        self.name = name
        self.keyPrefix = keyPrefix
        self.fields = fields
        self.positions = Dictionary(fields.enumerated().map { ($1.name.lowercased(), $0) }) { first, _ in first }
    }

    public func field(_ name: String) -> SalesforceField? {
        positions[name.lowercased()].map { fields[$0] }
    }
}
