import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Business calendar")
struct BusinessCalendarTests {
    static let newYork = CalendarSpec(timeZone: "America/New_York", hours: ["mon-fri": ["09:00-12:00", "13:00-17:30"]],
                                      holidays: [LocalDate("2026-12-25")!])

    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    var calendar: BusinessCalendar {
        guard case .success(let calendar) = Self.newYork.build() else { fatalError("the fixture calendar is valid") }
        return calendar
    }

    @Test("windows are open, the lunch gap and the weekend are closed, a holiday is closed all day")
    func openAndClosed() {
        #expect(calendar.isOpen(at: Self.instant("2026-12-01T14:30:00Z")), "Tuesday 09:30 in New York")
        #expect(!calendar.isOpen(at: Self.instant("2026-12-01T17:30:00Z")), "12:30, lunch")
        #expect(calendar.isOpen(at: Self.instant("2026-12-01T18:00:00Z")), "13:00 sharp")
        #expect(!calendar.isOpen(at: Self.instant("2026-12-01T22:30:00Z")), "17:30 is the end, exclusive")
        #expect(!calendar.isOpen(at: Self.instant("2026-12-05T15:00:00Z")), "Saturday")
        #expect(!calendar.isOpen(at: Self.instant("2026-12-25T15:00:00Z")), "Christmas")
    }

    @Test("a lead arriving on Saturday finds the next opening at Monday 09:00 local")
    func nextOpening() {
        #expect(calendar.nextOpening(atOrAfter: Self.instant("2026-12-05T15:00:00Z")) == Self.instant("2026-12-07T14:00:00Z"))
        #expect(calendar.nextOpening(atOrAfter: Self.instant("2026-12-01T17:30:00Z")) == Self.instant("2026-12-01T18:00:00Z"), "after lunch")
        #expect(calendar.nextOpening(atOrAfter: Self.instant("2026-12-24T23:00:00Z")) == Self.instant("2026-12-28T14:00:00Z"), "over the holiday")
    }

    @Test("a change of daylight-saving time moves the instants of a window, never its wall-clock place or length")
    func daylightSaving() {
        // 2026-03-08: New York springs forward. The Friday before opens at 14:00Z, the Monday after at 13:00Z.
        #expect(calendar.openIntervals(on: LocalDate("2026-03-06")!).first?.start == Self.instant("2026-03-06T14:00:00Z"))
        #expect(calendar.openIntervals(on: LocalDate("2026-03-09")!).first?.start == Self.instant("2026-03-09T13:00:00Z"))
        let hours = calendar.openIntervals(on: LocalDate("2026-03-09")!).map(\.duration).reduce(0, +)
        #expect(hours == 7.5 * 3600)
        // A window over the 02:00 gap on the night of the change loses the skipped hour, no more.
        let night = BusinessCalendar(timeZone: TimeZone(identifier: "America/New_York")!, week: [1: [.init(start: 0, end: 1440)]])
        #expect(night.openIntervals(on: LocalDate("2026-03-08")!).map(\.duration).reduce(0, +) == 23 * 3600)
    }

    @Test("weekdays are counted right across years and leap days")
    func weekdays() {
        let utc = BusinessCalendar.always()
        #expect(utc.weekday(LocalDate("1970-01-01")!) == 5, "a Thursday")
        #expect(utc.weekday(LocalDate("2024-02-29")!) == 5)
        #expect(utc.weekday(LocalDate("2026-12-05")!) == 7, "a Saturday")
        #expect(utc.weekday(LocalDate("2027-01-03")!) == 1, "a Sunday")
        #expect(utc.next(LocalDate("2026-12-31")!) == LocalDate("2027-01-01")!)
        #expect(utc.previous(LocalDate("2027-01-01")!) == LocalDate("2026-12-31")! && utc.previous(LocalDate("2024-03-01")!) == LocalDate("2024-02-29")!)
        #expect(utc.startOfWeek(containing: Self.instant("2027-01-03T12:00:00Z")) == Self.instant("2026-12-28T00:00:00Z"), "Sunday's week began Monday")
        #expect(LocalDate("2026-02-29") == nil && LocalDate("2026-13-01") == nil && LocalDate("26-1-1") == nil)
    }

    @Test("configuration problems name their key: unknown zone, bad day, bad window, overlap, no window at all")
    func problems() {
        func paths(_ spec: CalendarSpec) -> [String] {
            guard case .failure(let issues) = spec.build() else { return [] }
            return issues.issues.map(\.keyPath)
        }
        #expect(paths(CalendarSpec(timeZone: "EST", hours: nil)) == ["timeZone"], "abbreviations are refused")
        #expect(paths(CalendarSpec(timeZone: "Mars/Olympus", hours: nil)) == ["timeZone"])
        #expect(paths(CalendarSpec(timeZone: "UTC", hours: ["funday": ["09:00-17:00"]])).contains("hours.funday"))
        #expect(paths(CalendarSpec(timeZone: "UTC", hours: ["mon": ["17:00-09:00"]])).contains("hours.mon.0"))
        #expect(paths(CalendarSpec(timeZone: "UTC", hours: ["mon": ["09:00-12:00", "11:00-13:00"]])) == ["hours"])
        #expect(paths(CalendarSpec(timeZone: "UTC", hours: [:])) == ["hours"])
        #expect(CalendarSpec.days("fri-mon") == [6, 7, 1, 2], "a range wraps over the weekend")
        #expect(CalendarSpec.window("00:00-24:00") == .init(start: 0, end: 1440))
    }
}
