import Foundation

/// A JSON value as the simulator reads and writes it, with Foundation's `JSONDecoder`/`JSONEncoder`: its own code,
/// never the product's codec, so a mistake in either side's JSON handling shows up as a failing test rather than
/// passing both ways.
public enum SimJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([SimJSON])
    case object([String: SimJSON])

    public subscript(key: String) -> SimJSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var doubleValue: Double? {
        switch self {
        case .number(let value): value
        case .string(let value): Double(value)
        default: nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [SimJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: SimJSON]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// A scalar as the CRMs show it in text: integral numbers without a fraction, booleans as `true`/`false`.
    public var flatText: String? {
        switch self {
        case .string(let value): return value
        case .bool(let value): return String(value)
        case .number(let value):
            if let whole = Int64(exactly: value) { return String(whole) }
            return String(value)
        case .null, .array, .object: return nil
        }
    }

    /// The value as JSON bytes (Foundation's encoder).
    public func encoded() throws -> Data {
        try JSONEncoder().encode(self)
    }

    /// Parses a request body with Foundation's decoder.
    public static func decode(_ data: Data) throws -> SimJSON {
        try JSONDecoder().decode(SimJSON.self, from: data)
    }

    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}

extension SimJSON: Codable {
    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
            return
        }
        if let object = try? single.decode([String: SimJSON].self) {
            self = .object(object)
        } else if let array = try? single.decode([SimJSON].self) {
            self = .array(array)
        } else if let text = try? single.decode(String.self) {
            self = .string(text)
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else {
            self = .number(try single.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .null: try single.encodeNil()
        case .bool(let flag): try single.encode(flag)
        case .number(let value):
            // Whole numbers go out as integers, as both CRMs write counts and ids.
            if let whole = Int64(exactly: value) { try single.encode(whole) } else { try single.encode(value) }
        case .string(let text): try single.encode(text)
        case .array(let items): try single.encode(items)
        case .object(let members): try single.encode(members)
        }
    }
}

extension SimJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: SimJSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, SimJSON)...) { self = .object(Dictionary(elements) { _, last in last }) }
    public init(nilLiteral: ()) { self = .null }
}
