import Foundation
import LeadRelayCore

/// `leadrelay sla due`: when a lead assigned to a rep at an instant must be touched, on which calendar, and when its
/// reminders go — so RevOps can answer "when is this due?" without waiting for the monitor.
public struct SLADueAnswer: Sendable, Encodable {
    public struct Reminder: Sendable, Hashable, Encodable {
        public var share: Double
        public var at: Date
        public var local: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case noSLA
        case unknownRep(String, known: [String])
        case unknownTier(String, known: [String])
        case badInstant(String)

        public var description: String {
            switch self {
            case .noSLA: "leadrelay.yaml names no sla file (sla: sla.yaml)"
            case .unknownRep(let id, let known): "no rep '\(id)' in routing.yaml; reps: \(known.joined(separator: ", "))"
            case .unknownTier(let name, let known): "no tier '\(name)' in sla.yaml; tiers: \(known.joined(separator: ", "))"
            case .badInstant(let text):
                "'\(text)' is not an instant; write ISO 8601 with a zone (2026-12-05T15:00:00Z) or a time in the rep's zone (2026-12-05T10:00)"
            }
        }
    }

    public var rep: String
    public var tier: String
    public var target: String
    public var businessHours: Bool
    public var assignedAt: Date
    public var assignedLocal: String
    /// The first working instant the clock counts from (later than `assignedAt` when that is outside working time).
    public var countsFrom: Date?
    public var due: Date?
    public var dueLocal: String?
    public var reminders: [Reminder]
    public var calendar: String
    public var calendarSource: String

    /// Answers for rep `repID` and tier `tierName` assigned at `at` (ISO 8601, or a wall-clock time in the rep's zone).
    public static func answer(configuration: LoadedConfiguration, repID: String, tierName: String, at text: String) throws(Failure) -> SLADueAnswer {
        guard let settings = configuration.slaSettings else { throw .noSLA }
        let sla = settings.config
        let routing = configuration.routing
        guard let entry = routing.reps.first(where: { $0.id == repID }) else { throw .unknownRep(repID, known: routing.reps.map(\.id).sorted()) }
        guard let tier = sla.tier(named: tierName) else { throw .unknownTier(tierName, known: sla.tiers.map(\.name)) }
        let rep = routing.rep(entry, email: entry.email)
        let clock = SLAClock.of(rep, tier: tier, config: sla, team: settings.team)
        // With a zone (`Z`, `+01:00`) the instant is absolute; without one it is a wall-clock time in the rep's zone.
        let time = text.dropFirst(10)
        let zoned = time.contains { "Zz+-".contains($0) } || text.allSatisfy(\.isNumber)
        guard let assignedAt = zoned ? ISOTimestamp.parse(text) : clock.calendar.instant(localText: text) else { throw .badInstant(text) }
        let due = clock.due(assignedAt: assignedAt, tier: tier)
        let local = { (date: Date) in clock.calendar.localText(date) }
        let source = switch clock.source {
        case .rep: "\(repID)'s own hours in routing.yaml"
        case .team(let name): "sla.yaml's calendar '\(name)' (\(repID) has no hours of their own)"
        case .wallClock: "wall-clock time, shown in \(clock.calendar.timeZone.identifier) (tier '\(tier.name)' does not set businessHours: true)"
        case .aroundTheClock: "every hour in \(rep.timeZone.identifier): \(repID) has no hours and sla.yaml names no calendar"
        }
        return SLADueAnswer(
            rep: repID, tier: tier.name, target: tier.firstTouchWithin.description, businessHours: tier.countsBusinessHours,
            assignedAt: assignedAt, assignedLocal: local(assignedAt),
            countsFrom: clock.calendar.nextOpening(atOrAfter: assignedAt), due: due, dueLocal: due.map(local),
            reminders: clock.reminders(assignedAt: assignedAt, tier: tier).map { Reminder(share: $0.share, at: $0.at, local: local($0.at)) },
            calendar: clock.calendar.summary + (clock.pausesForTimeOff && !rep.outOfOffice.isEmpty ? " (time off included: outOfOffice: pause)" : ""),
            calendarSource: source)
    }

    public func text() -> String {
        var lines: [String] = []
        if let due, let dueLocal {
            lines.append("due: \(ISOTimestamp.format(due)) (\(dueLocal))")
        } else {
            lines.append("due: never — the calendar holds no \(target) of working time in the next three years")
        }
        lines.append("tier: \(tier) — first touch within \(target) of \(businessHours ? "business" : "wall-clock") time")
        lines.append("assigned: \(ISOTimestamp.format(assignedAt)) (\(assignedLocal))")
        if let countsFrom, countsFrom > assignedAt {
            lines.append("the clock starts at the next opening: \(ISOTimestamp.format(countsFrom))")
        }
        for reminder in reminders {
            lines.append("reminder at \(Int((reminder.share * 100).rounded()))%: \(ISOTimestamp.format(reminder.at)) (\(reminder.local))")
        }
        lines.append("calendar: \(calendar)")
        lines.append("from: \(calendarSource)")
        return lines.joined(separator: "\n")
    }
}
