import Foundation
import Testing
@testable import LeadRelayCore

@Suite("SLA clock: whose calendar, reminders and due instants")
struct SLAClockTests {
    static let instant = BusinessClockTests.instant
    static let team = BusinessClockTests.calendar("America/New_York", ["mon-fri": ["09:00-17:00"]])
    static let hot = SLAConfig.Tier(name: "hot", firstTouchWithin: ConfigDuration(seconds: 4 * 3600), businessHours: true, remindAt: [0.75, 0.5])
    static let warm = SLAConfig.Tier(name: "warm", firstTouchWithin: ConfigDuration(seconds: 24 * 3600))

    static func rep(calendar: BusinessCalendar? = nil, away: [String] = []) -> Rep {
        Rep(id: "ana", email: "ana@example.com", pools: [], weight: 1, capacity: nil, calendar: calendar,
            outOfOffice: Set(away.map { LocalDate($0)! }))
    }

    @Test("the rep's own calendar first, then sla.yaml's, then every hour; wall-clock tiers ignore calendars")
    func choice() {
        let berlin = BusinessClockTests.calendar("Europe/Berlin", ["mon-fri": ["08:00-16:00"]])
        let config = SLAConfig(tiers: [Self.hot, Self.warm], calendar: "office")
        #expect(SLAClock.of(Self.rep(calendar: berlin), tier: Self.hot, config: config, team: Self.team).source == .rep)
        #expect(SLAClock.of(Self.rep(), tier: Self.hot, config: config, team: Self.team).source == .team("office"))
        #expect(SLAClock.of(Self.rep(), tier: Self.hot, config: SLAConfig(tiers: [Self.hot]), team: nil).source == .aroundTheClock)
        let wall = SLAClock.of(Self.rep(calendar: berlin), tier: Self.warm, config: config, team: Self.team)
        #expect(wall.source == .wallClock && wall.calendar.timeZone.identifier == "Europe/Berlin")
        // Saturday 10:00 in New York + 24h of wall-clock time is Sunday 10:00, whatever the calendar.
        #expect(wall.due(assignedAt: Self.instant("2026-12-05T15:00:00Z"), tier: Self.warm) == Self.instant("2026-12-06T15:00:00Z"))
    }

    @Test("time off pauses the clock under outOfOffice: pause, and does not under reassign")
    func timeOff() {
        let rep = Self.rep(calendar: Self.team, away: ["2026-12-08"])
        let assigned = Self.instant("2026-12-07T20:00:00Z") // Monday 15:00 New York
        let paused = SLAClock.of(rep, tier: Self.hot, config: SLAConfig(tiers: [Self.hot], outOfOffice: .pause), team: nil)
        // 2h Monday, Tuesday away, 2h Wednesday → 11:00 (16:00Z).
        #expect(paused.due(assignedAt: assigned, tier: Self.hot) == Self.instant("2026-12-09T16:00:00Z"))
        let reassigning = SLAClock.of(rep, tier: Self.hot, config: SLAConfig(tiers: [Self.hot], outOfOffice: .reassign), team: nil)
        #expect(reassigning.due(assignedAt: assigned, tier: Self.hot) == Self.instant("2026-12-08T16:00:00Z"))
        #expect(!reassigning.pausesForTimeOff && paused.pausesForTimeOff)
    }

    @Test("reminders come in share order, on the same clock as the due instant; elapsed time never runs backwards")
    func reminders() {
        let clock = SLAClock.of(Self.rep(calendar: Self.team), tier: Self.hot, config: SLAConfig(tiers: [Self.hot]), team: nil)
        let assigned = Self.instant("2026-12-04T20:00:00Z") // Friday 15:00 New York
        let reminders = clock.reminders(assignedAt: assigned, tier: Self.hot)
        #expect(reminders.map(\.share) == [0.5, 0.75])
        #expect(reminders.map(\.at) == [Self.instant("2026-12-04T22:00:00Z"), Self.instant("2026-12-07T15:00:00Z")])
        #expect(clock.due(assignedAt: assigned, tier: Self.hot) == Self.instant("2026-12-07T16:00:00Z"))
        #expect(clock.elapsed(from: assigned, to: Self.instant("2026-12-07T15:00:00Z")) == 3 * 3600)
        #expect(clock.elapsed(from: assigned, to: Self.instant("2026-12-01T00:00:00Z")) == 0)
    }

    @Test("the calendar reads as people write it")
    func summary() {
        let calendar = BusinessClockTests.calendar("Europe/Berlin", ["mon-thu": ["08:00-12:00", "13:00-17:00"], "fri": ["08:00-14:00"], "sun": ["00:00-24:00"]],
                                                   holidays: ["2026-12-24"])
        #expect(calendar.summary == "Europe/Berlin; Mon–Thu 08:00–12:00, 13:00–17:00; Fri 08:00–14:00; Sun all day; closed 2026-12-24")
        #expect(calendar.localText(Self.instant("2026-12-07T07:30:15Z")) == "2026-12-07 08:30:15 Mon Europe/Berlin")
        #expect(calendar.instant(localText: "2026-03-29T02:30") == Self.instant("2026-03-29T01:30:00Z"), "a skipped time moves forward")
        #expect(calendar.instant(localText: "2026-12-07 08:30") == Self.instant("2026-12-07T07:30:00Z"))
        #expect(calendar.instant(localText: "2026-12-07T8:30") == nil && calendar.instant(localText: "2026-02-30T08:30") == nil)
    }
}
