import Foundation

/// The SLA as configured, with the calendar `sla.yaml` names for reps without their own.
public struct SLASettings: Sendable {
    public var config: SLAConfig
    public var team: BusinessCalendar?

    public init(config: SLAConfig, team: BusinessCalendar? = nil) {
        self.config = config
        self.team = team
    }

    /// The most reminders any tier has: the reminder timers a restart must clear.
    var reminderSlots: Int { config.tiers.map { $0.remindAt?.count ?? 0 }.max() ?? 0 }
}

/// The first-touch clock of one assignment as timers: one per reminder, one at the due instant, later one at the end
/// of the grace period. Their facts carry what the monitor needs when they fall due, so it reads nothing but the
/// person's activities.
public enum SLATimers {
    public static let reminder = "sla.reminder"
    public static let breach = "sla.breach"
    public static let reassign = "sla.reassign"
    /// A request to the next cycle: route the lead again, never to the owners in `facts["excluding"]`. Not the
    /// monitor's to handle: the cycle takes it (it holds the router and both CRMs) and cancels it.
    public static let reroute = "sla.reroute"
    /// Under `outOfOffice: reassign`: the owner's time off begins before the first touch is due.
    public static let away = "sla.away"
    /// The end of the persistence window: the touches since assignment are counted against the tier's standard.
    public static let persistence = "sla.persistence"
    /// The kinds the monitor handles (the reroute requests are the cycle's).
    public static let monitored: Set<String> = [reminder, breach, reassign, away, persistence]

    public static func key(_ kind: String, _ person: PersonKey, slot: Int? = nil) -> String {
        "\(kind)\(slot.map { ".\($0)" } ?? ""):\(person.rawValue)"
    }

    /// Every key a person's clock may have set.
    static func keys(_ person: PersonKey, settings: SLASettings) -> [String] {
        (0..<settings.reminderSlots).map { key(reminder, person, slot: $0) }
            + [key(breach, person), key(reassign, person), key(reroute, person), key(away, person), key(persistence, person)]
    }

    /// Starts (or restarts, replacing every timer of the last clock) the first-touch clock of `rep` at `at`, for a
    /// lead in `tier`. `prior` are the lead's earlier owners, newest first (a reassignment never goes back to them).
    public static func start(_ person: PersonKey, rep: Rep, tier: SLAConfig.Tier, settings: SLASettings, at: Date, lead: LeadSummary,
                             prior: [String] = []) -> (event: LeadEvent, timers: [TimerChange]) {
        let clock = SLAClock.of(rep, tier: tier, config: settings.config, team: settings.team)
        let due = clock.due(assignedAt: at, tier: tier)
        var facts = ["rep": rep.id, "repEmail": rep.email, "tier": tier.name, "assignedAt": ISOTimestamp.format(at),
                     "target": tier.firstTouchWithin.description, "prior": prior.joined(separator: ",")]
        if let due { facts["dueAt"] = ISOTimestamp.format(due) }
        if let manager = rep.manager { facts["manager"] = manager }
        if let data = try? JSONEncoder.sorted.encode(lead) { facts["lead"] = String(decoding: data, as: UTF8.self) }
        var timers: [LeadTimer] = []
        for (slot, reminder) in clock.reminders(assignedAt: at, tier: tier).enumerated() {
            var own = facts
            own["share"] = Condition.format(reminder.share)
            timers.append(LeadTimer(key: key(Self.reminder, person, slot: slot), personKey: person, kind: Self.reminder,
                                    dueAt: reminder.at, facts: own))
        }
        if let due { timers.append(LeadTimer(key: key(breach, person), personKey: person, kind: breach, dueAt: due, facts: facts)) }
        // The persistence standard: counted when its window closes (the first touch settling the clock does not stop it).
        if let standard = tier.persistence ?? settings.config.persistence,
           let ends = clock.persistenceEnds(assignedAt: at, within: standard.within, businessHours: tier.countsBusinessHours) {
            var own = facts
            own["minimumTouches"] = String(standard.minimumTouches)
            own["spacing"] = String(standard.spacing?.seconds ?? 0)
            own.removeValue(forKey: "lead")
            timers.append(LeadTimer(key: key(persistence, person), personKey: person, kind: persistence, dueAt: ends, facts: own))
        }
        // Under `outOfOffice: reassign`, time off that begins before the touch is due hands the lead on when it begins.
        if settings.config.outOfOffice == .reassign, let leave = timeOff(of: rep, from: at), due.map({ leave.at < $0 }) ?? true {
            var own = facts
            own["awayFrom"] = leave.day.description
            timers.append(LeadTimer(key: key(away, person), personKey: person, kind: away, dueAt: leave.at, facts: own))
        }
        // Whatever the last clock set and this one does not set again is cleared.
        let scheduled = Set(timers.map(\.key))
        let changes = keys(person, settings: settings).filter { !scheduled.contains($0) }.map { TimerChange.cancel(key: $0) }
            + timers.map { TimerChange.schedule($0) }
        let text = due.map { "first touch due by \(ISOTimestamp.format($0)) (\(tier.firstTouchWithin) of \(tier.countsBusinessHours ? "business" : "wall-clock") time, tier \(tier.name))" }
            ?? "tier \(tier.name): \(rep.id)'s calendar holds no \(tier.firstTouchWithin) of working time; no due instant"
        let event = LeadEvent(personKey: person, kind: .slaStarted(repID: rep.id, tier: tier.name, dueAt: due),
                              cause: Reason(.slaStarted, text, facts: ["rep": rep.id, "tier": tier.name, "due": due.map(ISOTimestamp.format) ?? ""]),
                              occurredAt: at)
        return (event, changes)
    }

    /// The first day of `rep`'s time off on or after `instant`'s day (in their zone) and when it begins (not before
    /// `instant`: a rep away today is away now).
    static func timeOff(of rep: Rep, from instant: Date) -> (day: LocalDate, at: Date)? {
        let local = BusinessCalendar.always(in: rep.calendar?.timeZone ?? rep.timeZone)
        let today = local.localDate(of: instant)
        guard let first = rep.outOfOffice.filter({ $0 >= today }).min() else { return nil }
        return (first, max(instant, local.startOfDay(first)))
    }

    /// Stops a person's clock: every timer it may have set.
    public static func stop(_ person: PersonKey, settings: SLASettings) -> [TimerChange] {
        keys(person, settings: settings).map { .cancel(key: $0) }
    }

    /// Settles the first touch: every timer but the persistence count, which goes on to its window's end.
    static func settle(_ person: PersonKey, settings: SLASettings) -> [TimerChange] {
        let kept = key(persistence, person)
        return keys(person, settings: settings).filter { $0 != kept }.map { .cancel(key: $0) }
    }
}

extension JSONEncoder {
    /// Keys sorted and dates as ISO 8601: the same value encodes to the same text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
