import Foundation

/// A canonical value made ready for one CRM field, or the reason it cannot go there.
public enum RenderedValue: Sendable, Hashable {
    case value(String)
    /// The field's live type cannot hold the value: it is not sent, and the reason is reported.
    case refused(String)

    public var value: String? {
        if case .value(let value) = self { return value }
        return nil
    }

    public var refusal: String? {
        if case .refused(let reason) = self { return reason }
        return nil
    }
}

extension FieldMapping {
    /// The value to write into `system` for canonical `value`, checked against the field's live schema.
    ///
    /// An enumeration or restricted picklist is never sent a value outside its options; a number field only a finite
    /// number it holds (a Salesforce `int` a whole number within 32 bits); a boolean `true`/`false`; a date or datetime
    /// what parses as one; text no longer than the field's length. Without a live schema (offline) only the mapping's own
    /// translation applies. A blank (clearing) is never refused here.
    public func render(_ value: String, for system: CRMSystem) -> RenderedValue {
        let written = systemValue(value, for: system)
        let place = "\(system.displayName) '\(name(in: system) ?? canonical)'"
        if let ranges = ranges[system], ranges.band(option: written) == nil {
            return .refused("'\(value)' is in none of \(place)'s ranges (\(ranges.summary))")
        }
        guard let schema = live[system] else { return .value(written) }
        switch schema.type {
        case "enumeration", "picklist", "multipicklist":
            let restricted = schema.restricted || system == .hubspot
            guard type != .owner, restricted, !schema.options.isEmpty, !schema.options.contains(written) else { return .value(written) }
            let shown = schema.options.prefix(12).joined(separator: ", ") + (schema.options.count > 12 ? ", …" : "")
            return .refused("'\(written)' is not one of \(place)'s options (\(shown))")
        case "number", "int", "double", "currency", "percent":
            guard let number = Double(written), number.isFinite else { return .refused("'\(written)' is not a number, and \(place) holds numbers") }
            if schema.type == "int", Int32(exactly: number) == nil {
                return .refused("'\(written)' is not a whole number \(place) can hold")
            }
            return .value(written)
        case "boolean", "bool":
            return ["true", "false"].contains(written) ? .value(written) : .refused("'\(written)' is not true or false, and \(place) is a checkbox")
        case "date", "datetime":
            guard ISOTimestamp.parse(written) != nil else {
                return .refused("'\(written)' is not a \(schema.type), and \(place) holds one")
            }
            return .value(written)
        default:
            if let length = schema.length, written.count > length {
                return .refused("\(written.count) characters, and \(place) holds at most \(length)")
            }
            return .value(written)
        }
    }
}
