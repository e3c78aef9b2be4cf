import Foundation

/// A day in a calendar's own zone (`2026-12-25`), independent of any instant.
public struct LocalDate: Sendable, Hashable, Comparable, TextCoded, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; `nil` for anything else, including a day that does not exist (`2026-02-30`).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1, day <= LocalDate.days(inMonth: month, year: year) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public var description: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    public init?(text: String) { self.init(text) }
    public var text: String { description }
    public static var expectedText: String { "a date; write YYYY-MM-DD" }
}

/// Working time: weekly windows (several a day) in one IANA zone, minus holidays and closed date ranges.
///
/// Everything is computed a local day at a time in the calendar's own zone, so a change of daylight-saving time moves
/// the instants of a window, never its length in wall time, and a window is never lost or doubled.
public struct BusinessCalendar: Sendable, Hashable, Codable {
    /// Minutes after local midnight; `end` may be 1440 (the end of the day).
    public struct Window: Sendable, Hashable, Comparable, Codable {
        public var start: Int
        public var end: Int

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }

        public static func < (a: Window, b: Window) -> Bool { (a.start, a.end) < (b.start, b.end) }
    }

    public var timeZone: TimeZone
    /// Weekday (1 = Sunday … 7 = Saturday, as `Calendar` counts) → its windows, sorted, not overlapping.
    public var week: [Int: [Window]]
    /// Local days with no working time at all.
    public var closedDays: Set<LocalDate>

    public init(timeZone: TimeZone, week: [Int: [Window]], closedDays: Set<LocalDate> = []) {
        self.timeZone = timeZone
        self.week = week.mapValues { $0.sorted() }
        self.closedDays = closedDays
    }

    /// Open every minute of every day in `timeZone` (a rep without working hours).
    public static func always(in timeZone: TimeZone = .gmt) -> BusinessCalendar {
        BusinessCalendar(timeZone: timeZone, week: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [Window(start: 0, end: 1440)]) }))
    }

    /// This calendar with `days` closed too (a rep's out-of-office dates on top of the team's holidays).
    public func closing(_ days: some Sequence<LocalDate>) -> BusinessCalendar {
        var copy = self
        copy.closedDays.formUnion(days)
        return copy
    }

    var gregorian: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The local day `instant` falls on in this calendar's zone.
    public func localDate(of instant: Date) -> LocalDate {
        let parts = gregorian.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// The instant local midnight of `date` begins (the first instant of the day where midnight is skipped).
    public func startOfDay(_ date: LocalDate) -> Date {
        let calendar = gregorian
        let noon = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 12)) ?? Date(timeIntervalSince1970: 0)
        return calendar.startOfDay(for: noon)
    }

    /// The instant local Monday 00:00 of the week containing `instant` began.
    public func startOfWeek(containing instant: Date) -> Date {
        var day = localDate(of: instant)
        // Back to Monday (weekday 2): Sunday is six days after it.
        for _ in 0..<((weekday(day) + 5) % 7) { day = previous(day) }
        return startOfDay(day)
    }

    /// The day before `date`.
    public func previous(_ date: LocalDate) -> LocalDate {
        if date.day > 1 { return LocalDate(year: date.year, month: date.month, day: date.day - 1) }
        if date.month > 1 { return LocalDate(year: date.year, month: date.month - 1, day: LocalDate.days(inMonth: date.month - 1, year: date.year)) }
        return LocalDate(year: date.year - 1, month: 12, day: 31)
    }

    /// The day after `date`.
    public func next(_ date: LocalDate) -> LocalDate {
        if date.day < LocalDate.days(inMonth: date.month, year: date.year) { return LocalDate(year: date.year, month: date.month, day: date.day + 1) }
        if date.month < 12 { return LocalDate(year: date.year, month: date.month + 1, day: 1) }
        return LocalDate(year: date.year + 1, month: 1, day: 1)
    }

    /// The weekday of `date` (1 = Sunday … 7 = Saturday).
    public func weekday(_ date: LocalDate) -> Int {
        // Zeller-free: days since 1970-01-01 (a Thursday) by the civil-from-days inverse.
        let y = date.month <= 2 ? date.year - 1 : date.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (date.month + 9) % 12
        let doy = (153 * mp + 2) / 5 + date.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return ((days % 7 + 7) % 7 + 4) % 7 + 1
    }

    /// The open intervals of one local day, as instants.
    public func openIntervals(on date: LocalDate) -> [DateInterval] {
        guard !closedDays.contains(date), let windows = week[weekday(date)], !windows.isEmpty else { return [] }
        let calendar = gregorian
        let midnight = startOfDay(date)
        let nextMidnight = startOfDay(next(date))
        func instant(_ minutes: Int) -> Date {
            if minutes >= 1440 { return nextMidnight }
            if minutes <= 0 { return midnight }
            // Wall-clock time of the day: DST moves the instant, not the window's place in the day.
            return calendar.date(bySettingHour: minutes / 60, minute: minutes % 60, second: 0, of: midnight) ?? midnight
        }
        return windows.compactMap { window in
            let start = instant(window.start), end = instant(window.end)
            return end > start ? DateInterval(start: start, end: end) : nil
        }
    }

    /// Whether `instant` is working time.
    public func isOpen(at instant: Date) -> Bool {
        openIntervals(on: localDate(of: instant)).contains { $0.start <= instant && instant < $0.end }
    }

    /// The first working instant at or after `instant`, looking at most `horizonDays` ahead; `nil` if none.
    public func nextOpening(atOrAfter instant: Date, horizonDays: Int = 400) -> Date? {
        var day = localDate(of: instant)
        for _ in 0..<horizonDays {
            for interval in openIntervals(on: day) where interval.end > instant {
                return max(interval.start, instant)
            }
            day = next(day)
        }
        return nil
    }
}
