import Foundation

/// The clock one open SLA runs on: the owner's calendar (or the wall clock), and the instants that follow from the
/// assignment — each reminder and the due instant.
public struct SLAClock: Sendable, Hashable {
    /// Where the calendar came from, for people reading why a lead is due when it is.
    public enum Source: Sendable, Hashable, Encodable {
        /// The rep's own hours in `routing.yaml` (`calendar:` or `hours:`).
        case rep
        /// `sla.yaml`'s `calendar:`, for reps without their own.
        case team(String)
        /// The tier counts wall-clock time.
        case wallClock
        /// The rep has no working hours and the SLA file names no calendar: every hour of the day counts.
        case aroundTheClock
    }

    public var calendar: BusinessCalendar
    public var source: Source
    /// The rep's days off are closed time on this clock (`outOfOffice: pause`).
    public var pausesForTimeOff: Bool

    public init(calendar: BusinessCalendar, source: Source, pausesForTimeOff: Bool) {
        self.calendar = calendar
        self.source = source
        self.pausesForTimeOff = pausesForTimeOff
    }

    /// The clock of `tier` for `rep`: their calendar for business-hours tiers (the team's when they have none), with
    /// their time off closed unless the policy reassigns instead; the wall clock in their zone otherwise.
    public static func of(_ rep: Rep, tier: SLAConfig.Tier, config: SLAConfig, team: BusinessCalendar?) -> SLAClock {
        guard tier.countsBusinessHours else {
            // Real time is the same in any zone; the zone is only how instants are shown.
            let zone = rep.calendar?.timeZone ?? (rep.timeZone == .gmt ? team?.timeZone : nil) ?? rep.timeZone
            return SLAClock(calendar: .always(in: zone), source: .wallClock, pausesForTimeOff: false)
        }
        let pauses = (config.outOfOffice ?? .pause) == .pause
        let base: (BusinessCalendar, Source) = if let own = rep.calendar {
            (own, .rep)
        } else if let team, let name = config.calendar {
            (team, .team(name))
        } else {
            (.always(in: rep.timeZone), .aroundTheClock)
        }
        return SLAClock(calendar: pauses ? base.0.closing(rep.outOfOffice) : base.0, source: base.1, pausesForTimeOff: pauses)
    }

    /// When the first touch is due for a lead assigned at `assignedAt`; `nil` if the calendar holds that much working
    /// time in no foreseeable future (a calendar with every day closed).
    public func due(assignedAt: Date, tier: SLAConfig.Tier) -> Date? {
        calendar.add(tier.firstTouchWithin.seconds, to: assignedAt)
    }

    /// Each reminder (share of the target) and its instant, in order.
    public func reminders(assignedAt: Date, tier: SLAConfig.Tier) -> [(share: Double, at: Date)] {
        (tier.remindAt ?? []).sorted().compactMap { share in
            calendar.add(tier.firstTouchWithin.seconds * share, to: assignedAt).map { (share, $0) }
        }
    }

    /// When the persistence window closes: whole days (`14d`) are working days of the calendar on a business-hours
    /// clock; anything else is that much time on the clock.
    public func persistenceEnds(assignedAt: Date, within: ConfigDuration, businessHours: Bool) -> Date? {
        let days = within.seconds / 86_400
        if businessHours, days >= 1, days == days.rounded() { return calendar.endOfWorkingDays(Int(days), from: assignedAt) }
        return calendar.add(within.seconds, to: assignedAt)
    }

    /// Working time the lead has waited between `assignedAt` and `now` on this clock.
    public func elapsed(from assignedAt: Date, to now: Date) -> TimeInterval {
        max(0, calendar.businessTime(from: assignedAt, to: now))
    }
}

extension BusinessCalendar {
    /// `America/New_York; Mon–Fri 09:00–12:00, 13:00–17:30; closed 2026-12-25`: the week with days of equal hours
    /// run together, then the closed days and spans.
    public var summary: String {
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        func text(_ windows: [Window]) -> String {
            windows.map { window in
                window.start == 0 && window.end == 1440 ? "all day" : CalendarSpec.text(window).replacingOccurrences(of: "-", with: "–")
            }.joined(separator: ", ")
        }
        // Monday first, as people read a working week.
        let order = [2, 3, 4, 5, 6, 7, 1]
        var runs: [(first: Int, last: Int, windows: [Window])] = []
        for day in order {
            let windows = week[day] ?? []
            if let last = runs.last, last.windows == windows, order.firstIndex(of: last.last)! + 1 == order.firstIndex(of: day)! {
                runs[runs.count - 1].last = day
            } else {
                runs.append((day, day, windows))
            }
        }
        let open = runs.filter { !$0.windows.isEmpty }.map { run in
            (run.first == run.last ? names[run.first - 1] : "\(names[run.first - 1])–\(names[run.last - 1])") + " " + text(run.windows)
        }
        var parts = [timeZone.identifier, open.isEmpty ? "never open" : open.joined(separator: "; ")]
        if !closedDays.isEmpty { parts.append("closed " + closedDays.sorted().map(\.description).joined(separator: ", ")) }
        if !closedRanges.isEmpty {
            let format = ISO8601DateFormatter()
            parts.append("away " + closedRanges.map { "\(format.string(from: $0.start))–\(format.string(from: $0.end))" }.joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }
}
