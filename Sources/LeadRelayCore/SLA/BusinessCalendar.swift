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
        let digits = String(year)
        return "\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
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
    /// Spans with no working time on top of those (out-of-office hours, part-day holidays), sorted, not overlapping.
    public private(set) var closedRanges: [DateInterval]

    public init(timeZone: TimeZone, week: [Int: [Window]], closedDays: Set<LocalDate> = [], closedRanges: [DateInterval] = []) {
        self.timeZone = timeZone
        self.week = week.mapValues { $0.sorted() }
        self.closedDays = closedDays
        self.closedRanges = Self.merged(closedRanges)
    }

    enum CodingKeys: String, CodingKey { case timeZone, week, closedDays, closedRanges }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(timeZone: try container.decode(TimeZone.self, forKey: .timeZone),
                  week: try container.decode([Int: [Window]].self, forKey: .week),
                  closedDays: try container.decode(Set<LocalDate>.self, forKey: .closedDays),
                  closedRanges: try container.decodeIfPresent([DateInterval].self, forKey: .closedRanges) ?? [])
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

    /// This calendar with `ranges` closed too (out-of-office from one instant to another).
    public func closing(_ ranges: [DateInterval]) -> BusinessCalendar {
        var copy = self
        copy.closedRanges = Self.merged(closedRanges + ranges)
        return copy
    }

    static func merged(_ ranges: [DateInterval]) -> [DateInterval] {
        var result: [DateInterval] = []
        for range in ranges.sorted(by: { $0.start < $1.start }) where range.duration > 0 {
            if let last = result.last, range.start <= last.end {
                result[result.count - 1] = DateInterval(start: last.start, end: max(last.end, range.end))
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// The local day `instant` falls on in this calendar's zone.
    public func localDate(of instant: Date) -> LocalDate {
        let wall = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        return LocalDate(dayNumber: Int((wall / 86_400).rounded(.down)))
    }

    /// The instant local midnight of `date` begins (the first instant of the day where midnight is skipped).
    public func startOfDay(_ date: LocalDate) -> Date {
        let wall = Double(date.dayNumber) * 86_400
        return Date(timeIntervalSince1970: ZoneOffsets(zone: timeZone, from: wall - 86_400, through: wall + 86_400).instant(wall: wall))
    }

    /// The instant local Monday 00:00 of the week containing `instant` began.
    public func startOfWeek(containing instant: Date) -> Date {
        let day = localDate(of: instant)
        // Back to Monday (weekday 2): Sunday is six days after it.
        return startOfDay(LocalDate(dayNumber: day.dayNumber - (weekday(day) + 5) % 7))
    }

    /// The day before `date`.
    public func previous(_ date: LocalDate) -> LocalDate { LocalDate(dayNumber: date.dayNumber - 1) }

    /// The day after `date`.
    public func next(_ date: LocalDate) -> LocalDate { LocalDate(dayNumber: date.dayNumber + 1) }

    /// The weekday of `date` (1 = Sunday … 7 = Saturday).
    public func weekday(_ date: LocalDate) -> Int { LocalDate.weekday(ofDayNumber: date.dayNumber) }

    /// The open intervals of one local day, as instants.
    public func openIntervals(on date: LocalDate) -> [DateInterval] {
        let wall = Double(date.dayNumber) * 86_400
        var walk = CalendarWalk(self, from: wall - 86_400, through: wall + 2 * 86_400)
        var intervals: [DateInterval] = []
        walk.open(day: date.dayNumber) { start, end in
            intervals.append(DateInterval(start: Date(timeIntervalSince1970: start), end: Date(timeIntervalSince1970: end)))
            return true
        }
        return intervals
    }

    /// Whether `instant` is working time.
    public func isOpen(at instant: Date) -> Bool {
        let t = instant.timeIntervalSince1970
        var walk = CalendarWalk(self, from: t, through: t)
        var open = false
        walk.open(day: walk.offsets.day(of: t)) { start, end in
            if start <= t && t < end { open = true }
            return end <= t
        }
        return open
    }

    /// The first working instant at or after `instant`, looking at most `horizonDays` ahead; `nil` if none.
    public func nextOpening(atOrAfter instant: Date, horizonDays: Int = 400) -> Date? {
        add(0, to: instant, horizonDays: horizonDays, opening: true)
    }

    /// The instant `duration` of working time after `start`: the earliest instant by which that much working time
    /// has passed since `start`. Walks open intervals a day at a time (never seconds); `nil` when the calendar does not
    /// hold that much working time within `horizonDays`. A start outside working time counts from the next opening, so a
    /// lead arriving on Saturday with a two-hour target is due two working hours after Monday's opening.
    public func add(_ duration: TimeInterval, to start: Date, horizonDays: Int = 1_100) -> Date? {
        add(duration, to: start, horizonDays: horizonDays, opening: false)
    }

    private func add(_ duration: TimeInterval, to start: Date, horizonDays: Int, opening: Bool) -> Date? {
        let t = start.timeIntervalSince1970
        guard duration > 0 || opening else { return start }
        var walk = CalendarWalk(self, from: t, through: t + max(duration, 86_400))
        var remaining = max(duration, 0)
        var due: Double?
        let first = walk.offsets.day(of: t)
        for day in first..<(first + max(horizonDays, 1)) {
            let finished = !walk.open(day: day) { open, close in
                let begin = max(open, t)
                guard close > begin else { return true }
                if opening { due = begin; return false }
                if remaining <= close - begin {
                    due = begin + remaining
                    return false
                }
                remaining -= close - begin
                return true
            }
            if finished { break }
        }
        return due.map { Date(timeIntervalSince1970: $0) }
    }

    /// The end of the `days`-th working day (a day with open time left) counted from `start`'s day: the close of
    /// that day's last window. "Within 10 business days" of a Tuesday-afternoon assignment ends on the Monday after
    /// next at closing time. `nil` when the calendar holds no such day within `horizonDays`.
    public func endOfWorkingDays(_ days: Int, from start: Date, horizonDays: Int = 1_100) -> Date? {
        guard days > 0 else { return start }
        let t = start.timeIntervalSince1970
        var walk = CalendarWalk(self, from: t, through: t + Double(days) * 86_400)
        var counted = 0
        let first = walk.offsets.day(of: t)
        for day in first..<(first + horizonDays) {
            var close: Double?
            walk.open(day: day) { _, end in
                if end > t { close = end }
                return true
            }
            guard let close else { continue }
            counted += 1
            if counted == days { return Date(timeIntervalSince1970: close) }
        }
        return nil
    }

    /// Working time between two instants (negative when `end` is before `start`): the open intervals' overlap with
    /// the span, summed a day at a time — a year is a few hundred steps of arithmetic, not a `Calendar` call each.
    public func businessTime(from start: Date, to end: Date) -> TimeInterval {
        if end < start { return -businessTime(from: end, to: start) }
        let a = start.timeIntervalSince1970, b = end.timeIntervalSince1970
        var walk = CalendarWalk(self, from: a, through: b)
        var total = 0.0
        let last = walk.offsets.day(of: b)
        var day = walk.offsets.day(of: a)
        while day <= last {
            walk.open(day: day) { open, close in
                let from = max(open, a), to = min(close, b)
                if to > from { total += to - from }
                return close < b
            }
            day += 1
        }
        return total
    }
}

/// One walk over a calendar's days: the zone's offsets for the span, the closed days as day numbers and the weekly
/// windows by weekday, so that each day's open intervals are a few additions.
struct CalendarWalk {
    var offsets: ZoneOffsets
    private let windows: [[BusinessCalendar.Window]]
    private let closedDays: Set<Int>
    private let closedRanges: [DateInterval]

    init(_ calendar: BusinessCalendar, from: Double, through: Double) {
        offsets = ZoneOffsets(zone: calendar.timeZone, from: from, through: through)
        windows = (0...7).map { calendar.week[$0] ?? [] }
        closedDays = Set(calendar.closedDays.map(\.dayNumber))
        closedRanges = calendar.closedRanges
    }

    /// Calls `body` with each open interval of local day `day` (seconds since 1970), in order, minus the closed
    /// ranges, until it returns `false`; `false` when it was stopped.
    @discardableResult
    mutating func open(day: Int, _ body: (Double, Double) -> Bool) -> Bool {
        let weekday = LocalDate.weekday(ofDayNumber: day)
        guard !windows[weekday].isEmpty, !closedDays.contains(day) else { return true }
        let midnight = Double(day) * 86_400
        offsets.extend(through: midnight + 86_400 - offsets.offset(at: midnight))
        for window in windows[weekday] {
            let start = offsets.instant(wall: midnight + Double(window.start) * 60)
            let end = offsets.instant(wall: midnight + Double(window.end) * 60)
            guard end > start else { continue }
            guard !closedRanges.isEmpty else {
                if !body(start, end) { return false }
                continue
            }
            var from = start
            for range in closedRanges[firstRange(endingAfter: start)...] {
                let closedStart = range.start.timeIntervalSince1970
                if closedStart >= end { break }
                if closedStart > from, !body(from, closedStart) { return false }
                from = max(from, range.end.timeIntervalSince1970)
                if from >= end { break }
            }
            if from < end, !body(from, end) { return false }
        }
        return true
    }

    /// The index of the first closed range ending after `instant`.
    private func firstRange(endingAfter instant: Double) -> Int {
        var low = 0, high = closedRanges.count
        while low < high {
            let mid = (low + high) / 2
            if closedRanges[mid].end.timeIntervalSince1970 <= instant { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

extension BusinessCalendar {
    /// `2026-12-07 11:00 Mon America/New_York`: an instant as the calendar's people read it.
    public func localText(_ instant: Date) -> String {
        let t = instant.timeIntervalSince1970
        let wall = t + Double(timeZone.secondsFromGMT(for: instant))
        let day = Int((wall / 86_400).rounded(.down))
        let seconds = Int(wall - Double(day) * 86_400)
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let clock = "\(two(seconds / 3600)):\(two(seconds % 3600 / 60))" + (seconds % 60 == 0 ? "" : ":\(two(seconds % 60))")
        return "\(LocalDate(dayNumber: day)) \(clock) \(names[LocalDate.weekday(ofDayNumber: day) - 1]) \(timeZone.identifier)"
    }

    /// The instant of a wall-clock time in this calendar's zone, written `YYYY-MM-DDTHH:MM[:SS]` (or with a space);
    /// `nil` for anything else. A time the clocks skip moves forward; a repeated one is its first occurrence.
    public func instant(localText text: String) -> Date? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 2, let date = LocalDate(String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":")
        guard (2...3).contains(time.count), time.allSatisfy({ $0.count == 2 }), let hour = Int(time[0]), let minute = Int(time[1]),
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        let second = time.count == 3 ? Int(time[2]) : 0
        guard let second, (0...59).contains(second) else { return nil }
        let wall = Double(date.dayNumber) * 86_400 + Double(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: ZoneOffsets(zone: timeZone, from: wall - 86_400, through: wall + 86_400).instant(wall: wall))
    }
}
