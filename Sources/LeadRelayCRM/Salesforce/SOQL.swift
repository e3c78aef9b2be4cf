import Foundation
import LeadRelayCore

/// The only way values and names enter SOQL text.
public enum SOQL {
    /// A quoted string literal: backslash escaped first, then quotes and control characters (CRM-APIS.md §2.4).
    public static func quote(_ value: String) -> String {
        var out = "'"
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{c}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "'"
    }

    /// A literal for `LIKE`: user text matched literally (`%` and `_` escaped), wrapped in `%…%` if asked.
    public static func likePattern(_ value: String, contains: Bool = false) -> String {
        let quoted = quote(value)
        let inner = quoted.dropFirst().dropLast()
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return contains ? "'%\(inner)%'" : "'\(inner)'"
    }

    /// An unquoted UTC datetime literal (`2024-06-10T17:01:44Z`): no `+` to be mangled in a URL.
    public static func datetime(_ date: Date) -> String { CRMTimestamps.soqlLiteral(date) }

    /// Checks a field or object name from configuration before it is placed in a query.
    ///
    /// - Throws: `CRMError.rejected` naming the bad identifier; names never come from record data.
    /// A record id checked before it goes into a URL path or query: 15 or 18 ASCII letters and digits.
    public static func recordID(_ id: String) throws(CRMError) -> String {
        guard id.count == 15 || id.count == 18, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw .rejected(system: .salesforce, status: 0, code: "INVALID_ID", message: "'\(id)' is not a Salesforce record id")
        }
        return id
    }

    public static func identifier(_ name: String) throws(CRMError) -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !parts.isEmpty && parts.count <= 2 && parts.allSatisfy { part in
            guard let first = part.first, first.isASCII, first.isLetter else { return false }
            return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }
        guard valid else {
            throw .rejected(system: .salesforce, status: 0, code: "INVALID_IDENTIFIER", message: "'\(name)' is not a Salesforce field or object name")
        }
        return name
    }

    /// `'a','b','c'` for an `IN (…)` list.
    public static func list(_ values: [String]) -> String {
        values.map(quote).joined(separator: ",")
    }
}
