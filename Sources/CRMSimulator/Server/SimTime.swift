import Foundation

/// Timestamps as the two CRMs write them, formatted and parsed with Foundation's ISO 8601 style: the simulator's own,
/// not the product's parser.
public enum SimTime {
    static let seconds = Date.ISO8601FormatStyle()
    static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Whole milliseconds since 1970 (floor), as both APIs keep them. A `Date` of today holds a millisecond only to
    /// about 0.2 µs, so the floor is taken a microsecond up: a stamp made of whole milliseconds reads back as itself.
    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000 + 1e-3).rounded(.down))
    }

    /// `yyyy-MM-ddTHH:mm:ss` of the instant's whole second, in UTC.
    static func secondText(_ millis: Int64) -> String {
        let second = Date(timeIntervalSince1970: Double(millis.dividedRoundingDown(by: 1000)))
        return String(second.formatted(seconds).dropLast())
    }

    /// HubSpot's form: `2025-01-31T09:15:00.123Z`.
    public static func hubspot(_ date: Date) -> String {
        let millis = millis(date)
        return secondText(millis) + "." + String(format: "%03d", Int(millis - millis.dividedRoundingDown(by: 1000) * 1000)) + "Z"
    }

    /// Salesforce's form: `2025-01-31T09:15:00.000+0000` (Salesforce keeps whole seconds).
    public static func salesforce(_ date: Date) -> String {
        secondText(millis(date)) + ".000+0000"
    }

    /// Parses what the APIs accept: ISO 8601 with or without a fraction, `Z` or an offset (`+0000`, `+00:00`),
    /// a date alone (`2025-01-31`, midnight UTC), or epoch milliseconds.
    public static func parse(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.allSatisfy(\.isNumber), let millis = Double(text) { return Date(timeIntervalSince1970: millis / 1000) }
        if text.count == 10 { return parseDate(text) }
        var normalised = text.replacingOccurrences(of: " ", with: "T")
        // `+0000` → `+00:00`: one offset form for the parser.
        if let sign = normalised.lastIndex(where: { $0 == "+" || $0 == "-" }), normalised.distance(from: sign, to: normalised.endIndex) == 5,
           normalised[normalised.index(after: sign)...].allSatisfy(\.isNumber) {
            normalised.insert(":", at: normalised.index(sign, offsetBy: 3))
        }
        return (try? fractional.parse(normalised)) ?? (try? seconds.parse(normalised))
    }

    /// `yyyy-MM-dd` at midnight UTC, or `nil` for anything else (an impossible day included).
    public static func parseDate(_ text: String) -> Date? {
        guard text.count == 10, let date = try? seconds.parse(text + "T00:00:00Z") else { return nil }
        // The parser rolls 2025-02-30 over to March; a date must read back as written.
        return String(date.formatted(seconds).prefix(10)) == text ? date : nil
    }
}

extension Date {
    /// Whole milliseconds since 1970 (floor), as both APIs keep them.
    var simMillis: Int64 { SimTime.millis(self) }
}

extension Int64 {
    func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
