import Foundation

/// A calendar as configuration writes it:
///
/// ```yaml
/// timeZone: America/New_York
/// hours: { mon-fri: ["09:00-12:00", "13:00-17:30"], sat: ["10:00-14:00"] }
/// holidays: [2026-12-25, 2027-01-01]
/// ```
public struct CalendarSpec: Sendable, Hashable, Decodable {
    public var timeZone: String
    /// Day or day range (`mon`, `mon-fri`, `sat-sun`) → windows `HH:MM-HH:MM`; a day not named is closed.
    public var hours: [String: [String]]?
    public var holidays: [LocalDate]?

    public init(timeZone: String, hours: [String: [String]]?, holidays: [LocalDate]? = nil) {
        self.timeZone = timeZone
        self.hours = hours
        self.holidays = holidays
    }

    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// The zone for an IANA id; `nil` for an id this machine's time-zone data does not know (abbreviations such as
    /// `EST` are refused: Foundation maps them to a city, not a fixed offset).
    public static func zone(_ identifier: String) -> TimeZone? {
        guard identifier.contains("/") || identifier == "UTC" || identifier == "GMT" else { return nil }
        return TimeZone(identifier: identifier)
    }

    /// The calendar, or every problem with it (paths relative to the spec).
    public func build() -> Result<BusinessCalendar, ConfigIssues> {
        var issues: [ConfigIssue] = []
        let zone = Self.zone(timeZone)
        if zone == nil {
            issues.append(ConfigIssue(path: ["timeZone"], "'\(timeZone)' is not an IANA time zone this machine knows (write e.g. America/New_York, Europe/Berlin or UTC)"))
        }
        var week: [Int: [BusinessCalendar.Window]] = [:]
        for (key, windows) in (hours ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let days = Self.days(key) else {
                issues.append(ConfigIssue(path: ["hours", key], "'\(key)' is not a day or day range; write mon, tue, …, sun or a range such as mon-fri"))
                continue
            }
            for (index, text) in windows.enumerated() {
                guard let window = Self.window(text) else {
                    issues.append(ConfigIssue(path: ["hours", key, "\(index)"], "'\(text)' is not a window; write HH:MM-HH:MM with the end after the start, e.g. 09:00-17:30"))
                    continue
                }
                for day in days { week[day, default: []].append(window) }
            }
        }
        for (day, windows) in week {
            let sorted = windows.sorted()
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.start < a.end {
                issues.append(ConfigIssue(path: ["hours"], "windows overlap on \(Self.dayNames[day - 1]): \(Self.text(a)) and \(Self.text(b))"))
            }
        }
        if hours != nil, week.values.allSatisfy(\.isEmpty) {
            issues.append(ConfigIssue(path: ["hours"], "no working window on any day: nobody on this calendar can ever be reached"))
        }
        guard issues.isEmpty, let zone else { return .failure(ConfigIssues(issues)) }
        if hours == nil { return .success(BusinessCalendar.always(in: zone).closing(holidays ?? [])) }
        return .success(BusinessCalendar(timeZone: zone, week: week, closedDays: Set(holidays ?? [])))
    }

    /// `mon` → [2]; `mon-fri` → [2…6]; `fri-mon` wraps over the weekend.
    static func days(_ key: String) -> [Int]? {
        let parts = key.lowercased().split(separator: "-").map(String.init)
        let indices = parts.compactMap { dayNames.firstIndex(of: $0) }
        guard indices.count == parts.count else { return nil }
        switch indices.count {
        case 1: return [indices[0] + 1]
        case 2:
            var days: [Int] = []
            var day = indices[0]
            while true {
                days.append(day + 1)
                if day == indices[1] { return days }
                day = (day + 1) % 7
            }
        default: return nil
        }
    }

    /// `09:00-17:30` → minutes 540…1050; `00:00-24:00` is the whole day.
    static func window(_ text: String) -> BusinessCalendar.Window? {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]), start < end else { return nil }
        return BusinessCalendar.Window(start: start, end: end)
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...59).contains(minute), (0...24).contains(hour), hour < 24 || minute == 0 else { return nil }
        return hour * 60 + minute
    }

    static func text(_ window: BusinessCalendar.Window) -> String {
        func hhmm(_ m: Int) -> String { "\(m / 60 < 10 ? "0" : "")\(m / 60):\(m % 60 < 10 ? "0" : "")\(m % 60)" }
        return "\(hhmm(window.start))-\(hhmm(window.end))"
    }
}
