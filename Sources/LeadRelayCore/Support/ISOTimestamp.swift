import Foundation

/// ISO 8601 timestamps, parsed and printed without Calendar or locale: LeadRelay's canonical form for date-times
/// (mapping values, reports, watermarks). Each CRM's own wire forms live with its connector (`CRMTimestamps`).
public enum ISOTimestamp {
    /// The canonical form: `2024-06-10T17:01:44.908Z` (UTC, milliseconds).
    public static func format(_ date: Date) -> String {
        format(date, fractional: true, suffix: "Z")
    }

    /// Parses ISO-8601 with or without fractional seconds, with `Z`, `±hh:mm` or `±hhmm`;
    /// also HubSpot's epoch-millisecond strings. `nil` for anything else.
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return Int64(trimmed).flatMap(instant(epochMillis:))
        }
        let chars = Array(trimmed.utf8)
        guard chars.count >= 19 else {
            if chars.count == 10, let day = parseDate(trimmed) { return day }
            return nil
        }
        func number(_ from: Int, _ length: Int) -> Int? {
            var value = 0
            for index in from..<(from + length) {
                guard index < chars.count, chars[index] >= 48, chars[index] <= 57 else { return nil }
                value = value * 10 + Int(chars[index] - 48)
            }
            return value
        }
        guard let year = number(0, 4), chars[4] == 45, let month = number(5, 2), chars[7] == 45, let day = number(8, 2),
              chars[10] == 84 || chars[10] == 32, let hour = number(11, 2), chars[13] == 58, let minute = number(14, 2),
              chars[16] == 58, let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return nil }
        var index = 19
        var fraction = 0.0
        if index < chars.count, chars[index] == 46 {
            index += 1
            var scale = 0.1
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                fraction += Double(chars[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < chars.count {
            let sign = chars[index]
            if sign == 90 {
                index += 1
            } else if sign == 43 || sign == 45 {
                let rest = String(decoding: chars[(index + 1)...], as: UTF8.self).replacingOccurrences(of: ":", with: "")
                guard rest.count == 4, let hh = Int(rest.prefix(2)), let mm = Int(rest.suffix(2)) else { return nil }
                offset = (hh * 3600 + mm * 60) * (sign == 45 ? -1 : 1)
                index = chars.count
            } else {
                return nil
            }
        }
        guard index == chars.count else { return nil }
        guard day <= daysIn(month: month, year: year) else { return nil }
        let seconds = days(fromCivil: year, month, day) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Epoch milliseconds as an instant, for years 1 to 9999 only (`nil` beyond: no CRM means them, and printing
    /// them would need more digits than a timestamp has).
    public static func instant(epochMillis millis: Int64) -> Date? {
        guard millis >= earliestMillis, millis <= latestMillis else { return nil }
        return Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in epoch milliseconds.
    static let earliestMillis: Int64 = -62_135_596_800_000
    static let latestMillis: Int64 = 253_402_300_799_999

    /// Parses `YYYY-MM-DD` as midnight UTC.
    public static func parseDate(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), y >= 1,
              (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y) else { return nil }
        return Date(timeIntervalSince1970: Double(days(fromCivil: y, m, d) * 86_400))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (inverse of `civil(fromDays:)`).
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `yyyy-MM-ddTHH:mm:ss[.SSS]<suffix>` in UTC, milliseconds rounded.
    public static func format(_ date: Date, fractional: Bool, suffix: String) -> String {
        // Outside years 1–9999 (only a date LeadRelay did not parse itself could be) the nearest end is printed.
        let raw = (date.timeIntervalSince1970 * 1000).rounded()
        let totalMillis = raw.isNaN ? 0 : Int64(min(max(raw, Double(earliestMillis)), Double(latestMillis)))
        let seconds = totalMillis >= 0 ? totalMillis / 1000 : (totalMillis - 999) / 1000
        let millis = Int(totalMillis - seconds * 1000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        var text = ""
        text.reserveCapacity(29)
        append(&text, year, width: 4); text += "-"
        append(&text, month, width: 2); text += "-"
        append(&text, day, width: 2); text += "T"
        append(&text, secondOfDay / 3600, width: 2); text += ":"
        append(&text, secondOfDay / 60 % 60, width: 2); text += ":"
        append(&text, secondOfDay % 60, width: 2)
        if fractional {
            text += "."
            append(&text, millis, width: 3)
        }
        return text + suffix
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm): no Calendar, no locale.
    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    private static func append(_ text: inout String, _ value: Int, width: Int) {
        let digits = String(value)
        if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
        text += digits
    }
}
