import Foundation

/// A test on one attribute of a lead, as written in rule files.
///
/// `industry: { in: [Technology, Healthcare] }`, `employees: { between: [200, 5000] }`,
/// `emailClass: free` (plain equality), `title: { exists: true }`. Text compares
/// case-insensitively.
public enum Condition: Sendable, Hashable {
    case equals(String)
    case oneOf([String])
    case noneOf([String])
    case between(Double, Double)
    case atLeast(Double)
    case below(Double)
    case exists(Bool)

    /// Whether `value` (the lead's attribute, `nil` when unknown) passes.
    public func matches(_ value: String?) -> Bool {
        switch self {
        case .exists(let expected):
            return (value != nil) == expected
        case .noneOf(let options):
            guard let value else { return true }
            return !options.contains { $0.equalsIgnoringCase(value) }
        default:
            break
        }
        guard let value else { return false }
        if let band = NumberRanges.band(value) {
            // A range (`100-500`, a HubSpot contact's headcount) passes a numeric test when some of it does.
            let upper = band.upper ?? .infinity
            switch self {
            case .between(let low, let high): return band.lower <= high && upper >= low
            case .atLeast(let low): return upper >= low
            case .below(let high): return band.lower < high
            default: break
            }
        }
        switch self {
        case .equals(let expected):
            return expected.equalsIgnoringCase(value)
        case .oneOf(let options):
            return options.contains { $0.equalsIgnoringCase(value) }
        case .between(let low, let high):
            guard let number = Double(value) else { return false }
            return number >= low && number <= high
        case .atLeast(let low):
            guard let number = Double(value) else { return false }
            return number >= low
        case .below(let high):
            guard let number = Double(value) else { return false }
            return number < high
        case .exists, .noneOf:
            return false
        }
    }

    /// How the condition reads in a reason: `in [Technology, Healthcare]`.
    public var summary: String {
        switch self {
        case .equals(let value): "= \(value)"
        case .oneOf(let values): "in [\(values.joined(separator: ", "))]"
        case .noneOf(let values): "not in [\(values.joined(separator: ", "))]"
        case .between(let low, let high): "between \(Self.format(low)) and \(Self.format(high))"
        case .atLeast(let low): ">= \(Self.format(low))"
        case .below(let high): "< \(Self.format(high))"
        case .exists(let flag): flag ? "present" : "absent"
        }
    }

    /// A number as rules and messages print it: no needless `.0`.
    public static func format(_ number: Double) -> String {
        Int(exactly: number).map(String.init) ?? String(number)
    }
}

extension Condition: Decodable {
    private struct Operators: Decodable {
        var `in`: [String]?
        var notIn: [String]?
        var between: [Double]?
        var atLeast: Double?
        var below: Double?
        var equals: String?
        var exists: Bool?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .equals(text)
            return
        }
        if let number = try? container.decode(Double.self) {
            self = .equals(Self.format(number))
            return
        }
        if let flag = try? container.decode(Bool.self) {
            self = .equals(flag ? "true" : "false")
            return
        }
        let ops = try container.decode(Operators.self)
        var found: [Condition] = []
        if let values = ops.in { found.append(.oneOf(values)) }
        if let values = ops.notIn { found.append(.noneOf(values)) }
        if let range = ops.between {
            guard range.count == 2, range[0] <= range[1] else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'between' takes two numbers, low then high: between: [200, 5000]")
            }
            found.append(.between(range[0], range[1]))
        }
        if let value = ops.atLeast { found.append(.atLeast(value)) }
        if let value = ops.below { found.append(.below(value)) }
        if let value = ops.equals { found.append(.equals(value)) }
        if let value = ops.exists { found.append(.exists(value)) }
        guard found.count == 1, let only = found.first else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a condition takes exactly one of: in, notIn, between, atLeast, below, equals, exists")
        }
        self = only
    }
}
