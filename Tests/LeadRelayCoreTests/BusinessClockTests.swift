import Foundation
import Testing
@testable import LeadRelayCore
import LeadRelayTestSupport

/// `add` and `businessTime` over the hard cases: weekends, holidays, split windows, daylight-saving weeks, other
/// zones, out-of-office spans; and against a brute-force walk with Foundation's own calendar.
@Suite("Business clock")
struct BusinessClockTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func calendar(_ zone: String, _ hours: [String: [String]] = ["mon-fri": ["09:00-12:00", "13:00-17:30"]],
                         holidays: [String] = []) -> BusinessCalendar {
        guard case .success(let calendar) = CalendarSpec(timeZone: zone, hours: hours, holidays: holidays.map { LocalDate($0)! }).build() else {
            fatalError("fixture calendars are valid")
        }
        return calendar
    }

    static let hour: TimeInterval = 3600

    @Test("a lead arriving on Saturday is due at Monday's opening plus the target")
    func weekendArrival() {
        let newYork = Self.calendar("America/New_York")
        // Saturday 2026-12-05 10:00 New York; Monday opens 09:00 (14:00Z); two hours later is 11:00 (16:00Z).
        #expect(newYork.add(2 * Self.hour, to: Self.instant("2026-12-05T15:00:00Z")) == Self.instant("2026-12-07T16:00:00Z"))
        #expect(newYork.businessTime(from: Self.instant("2026-12-05T15:00:00Z"), to: Self.instant("2026-12-07T16:00:00Z")) == 2 * Self.hour)
    }

    @Test("Friday evening to a Monday holiday: due on Tuesday")
    func holidayOnMonday() {
        let berlin = Self.calendar("Europe/Berlin", ["mon-fri": ["09:00-17:00"]], holidays: ["2026-12-28"])
        // Friday 2026-12-25 is a working day here (only the 28th is a holiday): 16:00 local + 2h = 1h Friday + 1h Tuesday.
        #expect(berlin.add(2 * Self.hour, to: Self.instant("2026-12-25T15:00:00Z")) == Self.instant("2026-12-29T09:00:00Z"))
        // Arriving after Friday's close: all of it on Tuesday, 09:00 + 2h = 11:00 CET = 10:00Z.
        #expect(berlin.add(2 * Self.hour, to: Self.instant("2026-12-25T18:00:00Z")) == Self.instant("2026-12-29T10:00:00Z"))
    }

    @Test("the lunch gap is skipped; a target ending exactly at a window's close is due at the close")
    func splitWindows() {
        let newYork = Self.calendar("America/New_York")
        // Tuesday 2026-12-01 11:00 local (16:00Z) + 2h → 12:00, lunch, 13:00 + 1h = 14:00 local (19:00Z).
        #expect(newYork.add(2 * Self.hour, to: Self.instant("2026-12-01T16:00:00Z")) == Self.instant("2026-12-01T19:00:00Z"))
        #expect(newYork.add(1 * Self.hour, to: Self.instant("2026-12-01T16:00:00Z")) == Self.instant("2026-12-01T17:00:00Z"), "12:00 sharp, not 13:00")
        #expect(newYork.businessTime(from: Self.instant("2026-12-01T16:00:00Z"), to: Self.instant("2026-12-01T19:00:00Z")) == 2 * Self.hour)
        // A whole working day is 7.5 hours; a week 37.5.
        #expect(newYork.businessTime(from: Self.instant("2026-11-30T05:00:00Z"), to: Self.instant("2026-12-07T05:00:00Z")) == 37.5 * Self.hour)
    }

    @Test("daylight-saving weeks in Europe/Berlin neither add nor lose working time", arguments: [
        // Spring forward on Sunday 2026-03-29, fall back on Sunday 2026-10-25.
        ("2026-03-27T15:00:00Z", "2026-03-30T08:00:00Z", "2026-03-23T00:00:00Z", "2026-03-30T00:00:00Z", "2026-04-06T00:00:00Z"),
        ("2026-10-23T14:00:00Z", "2026-10-26T09:00:00Z", "2026-10-19T00:00:00Z", "2026-10-26T00:00:00Z", "2026-11-02T00:00:00Z"),
    ])
    func berlinDaylightSaving(arrival: String, due: String, weekBefore: String, weekOf: String, weekAfter: String) {
        let berlin = Self.calendar("Europe/Berlin", ["mon-fri": ["09:00-17:00"]])
        // Friday 16:00 local + 2h: one hour on Friday, one on Monday from 09:00 local — whatever the offset became.
        #expect(berlin.add(2 * Self.hour, to: Self.instant(arrival)) == Self.instant(due))
        #expect(berlin.businessTime(from: Self.instant(weekBefore), to: Self.instant(weekOf)) == 40 * Self.hour)
        #expect(berlin.businessTime(from: Self.instant(weekOf), to: Self.instant(weekAfter)) == 40 * Self.hour)
    }

    @Test("daylight-saving weeks in America/New_York, including the night of the change")
    func newYorkDaylightSaving() {
        let newYork = Self.calendar("America/New_York", ["mon-fri": ["09:00-17:00"]])
        // Friday 2026-03-06 16:00 EST (21:00Z) + 2h → Monday 2026-03-09 10:00 EDT (14:00Z).
        #expect(newYork.add(2 * Self.hour, to: Self.instant("2026-03-06T21:00:00Z")) == Self.instant("2026-03-09T14:00:00Z"))
        // Friday 2026-10-30 16:00 EDT (20:00Z) + 2h → Monday 2026-11-02 10:00 EST (15:00Z).
        #expect(newYork.add(2 * Self.hour, to: Self.instant("2026-10-30T20:00:00Z")) == Self.instant("2026-11-02T15:00:00Z"))
        // A calendar open around the clock has the night's real length: 23 hours in spring, 25 in autumn.
        let always = BusinessCalendar.always(in: TimeZone(identifier: "America/New_York")!)
        #expect(always.businessTime(from: always.startOfDay(LocalDate("2026-03-08")!), to: always.startOfDay(LocalDate("2026-03-09")!)) == 23 * Self.hour)
        #expect(always.businessTime(from: always.startOfDay(LocalDate("2026-11-01")!), to: always.startOfDay(LocalDate("2026-11-02")!)) == 25 * Self.hour)
        // Wall-clock windows inside the skipped and the repeated hour.
        let night = BusinessCalendar(timeZone: TimeZone(identifier: "America/New_York")!, week: [1: [.init(start: 90, end: 210)]])
        #expect(night.openIntervals(on: LocalDate("2026-03-08")!).map(\.duration) == [1 * Self.hour], "01:30–03:30 loses the skipped hour")
        #expect(night.openIntervals(on: LocalDate("2026-11-01")!).map(\.duration) == [3 * Self.hour], "01:30–03:30 holds the repeated hour")
    }

    @Test("each rep's own calendar applies: the same arrival is due at different instants in Tokyo and New York")
    func repInAnotherZone() {
        let tokyo = Self.calendar("Asia/Tokyo", ["mon-fri": ["09:00-18:00"]])
        let newYork = Self.calendar("America/New_York", ["mon-fri": ["09:00-17:00"]])
        let arrival = Self.instant("2026-12-01T15:00:00Z") // Tuesday 10:00 New York, Wednesday 00:00 Tokyo
        #expect(newYork.add(1 * Self.hour, to: arrival) == Self.instant("2026-12-01T16:00:00Z"))
        #expect(tokyo.add(1 * Self.hour, to: arrival) == Self.instant("2026-12-02T01:00:00Z"), "Wednesday 10:00 Tokyo")
    }

    @Test("out-of-office spans and closed days stop the clock")
    func outOfOffice() {
        let newYork = Self.calendar("America/New_York", ["mon-fri": ["09:00-17:00"]])
        // Away from Tuesday 13:00 to Wednesday 12:00 local.
        let away = newYork.closing([DateInterval(start: Self.instant("2026-12-01T18:00:00Z"), end: Self.instant("2026-12-02T17:00:00Z"))])
        // Tuesday 12:00 + 3h: 1h Tuesday, then Wednesday from 12:00 for 2h → 14:00 local (19:00Z).
        #expect(away.add(3 * Self.hour, to: Self.instant("2026-12-01T17:00:00Z")) == Self.instant("2026-12-02T19:00:00Z"))
        #expect(away.businessTime(from: Self.instant("2026-11-30T05:00:00Z"), to: Self.instant("2026-12-07T05:00:00Z")) == 33 * Self.hour)
        #expect(!away.isOpen(at: Self.instant("2026-12-02T15:00:00Z")) && away.isOpen(at: Self.instant("2026-12-02T18:00:00Z")))
        let holiday = newYork.closing([LocalDate("2026-12-02")!])
        #expect(holiday.add(9 * Self.hour, to: Self.instant("2026-12-01T14:00:00Z")) == Self.instant("2026-12-03T15:00:00Z"))
        // A calendar with no working time never comes due.
        let closed = BusinessCalendar(timeZone: .gmt, week: [:])
        #expect(closed.add(1, to: Self.instant("2026-12-01T00:00:00Z")) == nil)
        #expect(closed.businessTime(from: Self.instant("2026-01-01T00:00:00Z"), to: Self.instant("2027-01-01T00:00:00Z")) == 0)
    }

    @Test("add and businessTime agree, in both directions, and nothing is due before its start")
    func addAndDiffAgree() {
        let calendars = [Self.calendar("America/New_York"), Self.calendar("Europe/Berlin", ["mon-thu": ["08:00-12:00", "12:30-16:00"], "fri": ["08:00-13:00"]]),
                         Self.calendar("Australia/Lord_Howe", ["mon-sun": ["00:00-24:00"]]), Self.calendar("Asia/Kolkata", ["sun-thu": ["10:00-19:00"]])]
        var generator = SplitMix(seed: 7)
        for calendar in calendars {
            for _ in 0..<200 {
                let a = Self.instant("2026-01-01T00:00:00Z").addingTimeInterval(Double(generator.next() % (400 * 86_400)))
                let b = a.addingTimeInterval(Double(generator.next() % (40 * 86_400)))
                let span = calendar.businessTime(from: a, to: b)
                #expect(calendar.businessTime(from: b, to: a) == -span)
                guard span > 0, let due = calendar.add(span, to: a) else { continue }
                #expect(due <= b && calendar.businessTime(from: a, to: due) == span)
                #expect(calendar.businessTime(from: due, to: b) == 0, "nothing open between the due instant and b")
            }
        }
    }

    @Test("businessTime equals a brute-force sum over Foundation's calendar, day by day, over two years", arguments: [
        "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Tokyo",
    ])
    func matchesFoundation(zone: String) {
        let calendar = Self.calendar(zone, ["mon-fri": ["00:30-02:30", "09:00-12:00", "13:00-17:30"], "sat": ["00:00-24:00"]], holidays: ["2026-12-25"])
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = calendar.timeZone
        let from = Self.instant("2025-12-31T00:00:00Z"), to = Self.instant("2027-12-31T00:00:00Z")
        var total = 0.0
        var day = gregorian.startOfDay(for: from.addingTimeInterval(-2 * 86_400))
        while day < to.addingTimeInterval(2 * 86_400) {
            let parts = gregorian.dateComponents([.year, .month, .day, .weekday], from: day)
            let local = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)
            let next = gregorian.date(byAdding: .day, value: 1, to: day)!
            if !calendar.closedDays.contains(local) {
                for window in calendar.week[parts.weekday!] ?? [] {
                    let start = gregorian.date(bySettingHour: window.start / 60, minute: window.start % 60, second: 0, of: day)!
                    let end = window.end == 1440 ? next : gregorian.date(bySettingHour: window.end / 60, minute: window.end % 60, second: 0, of: day)!
                    let overlap = min(end, to).timeIntervalSince(max(start, from))
                    if overlap > 0 { total += overlap }
                }
            }
            day = next
        }
        #expect(calendar.businessTime(from: from, to: to) == total)
    }

    @Test("day numbers and dates round-trip, weekdays included")
    func dayNumbers() {
        for number in stride(from: -719_162, through: 2_900_000, by: 997) {
            let date = LocalDate(dayNumber: number)
            #expect(date.dayNumber == number)
            #expect(LocalDate(date.description) == date)
        }
        #expect(LocalDate("2000-02-29")!.dayNumber == 11_016)
        #expect(LocalDate.weekday(ofDayNumber: LocalDate("2026-12-07")!.dayNumber) == 2, "a Monday")
    }
}
