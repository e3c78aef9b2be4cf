import Foundation

/// The date formats each CRM speaks, parsed and printed without locale surprises.
public enum CRMTimestamps {
    /// HubSpot: `2024-06-10T17:01:44.908Z` (UTC, milliseconds).
    public static func hubspot(_ date: Date) -> String {
        format(date, fractional: true, suffix: "Z")
    }

    /// Salesforce: `2024-06-10T17:01:44.000+0000` (UTC, second precision shown as `.000`).
    public static func salesforce(_ date: Date) -> String {
        format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)), fractional: true, suffix: "+0000")
    }

    /// SOQL datetime literal: `2024-06-10T17:01:44Z` (no offset sign to survive URL encoding).
    public static func soqlLiteral(_ date: Date) -> String {
        format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)), fractional: false, suffix: "Z")
    }

    /// Parses ISO-8601 with or without fractional seconds, with `Z`, `±hh:mm` or `±hhmm`;
    /// also HubSpot's epoch-millisecond strings. `nil` for anything else.
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isNumber), let millis = Double(trimmed) {
            return Date(timeIntervalSince1970: millis / 1000)
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
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        guard let base = utcCalendar.date(from: components) else { return nil }
        return base.addingTimeInterval(fraction - Double(offset))
    }

    /// Parses `YYYY-MM-DD` as midnight UTC.
    public static func parseDate(_ text: String) -> Date? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        return utcCalendar.date(from: DateComponents(year: y, month: m, day: d))
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func format(_ date: Date, fractional: Bool, suffix: String) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = Double(totalMillis >= 0 ? totalMillis / 1000 : (totalMillis - 999) / 1000)
        let millis = Int(totalMillis - Int64(seconds) * 1000)
        let c = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        let base = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        return fractional ? base + String(format: ".%03d", millis) + suffix : base + suffix
    }
}
