import Foundation

/// The canonical type of a mapped field, which decides how values are normalised and compared.
public enum FieldType: String, Sendable, Hashable, Codable, CaseIterable {
    case string
    case email
    case phone
    case integer
    case decimal
    case picklist
    case date
    case datetime
    case boolean
    case owner
    case url

    /// Brings a raw CRM value to canonical form; returns `nil` for blank values.
    ///
    /// Numbers lose Salesforce's `.0` and HubSpot's string quoting alike, so
    /// `"1200000"` and `1200000.0` compare equal.
    public func normalise(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        switch self {
        case .email:
            return EmailAddress.normalise(trimmed)
        case .integer:
            if let value = Double(trimmed.replacingOccurrences(of: ",", with: "")), value.isFinite {
                return String(Int(value.rounded()))
            }
            return trimmed
        case .decimal:
            if let value = Decimal(string: trimmed.replacingOccurrences(of: ",", with: ""), locale: Locale(identifier: "en_US_POSIX")) {
                return NSDecimalNumber(decimal: value).stringValue
            }
            return trimmed
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "1", "yes": return "true"
            case "false", "0", "no": return "false"
            default: return trimmed
            }
        case .url:
            return trimmed.lowercased()
        case .string, .phone, .picklist, .date, .datetime, .owner:
            return trimmed.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
    }
}
