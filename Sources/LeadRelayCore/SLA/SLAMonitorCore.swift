import Foundation

/// What the SLA monitor does when one of a clock's timers falls due — pure: the timer, the person's activities and
/// the time in, a plan (events, alerts, timers) out.
///
/// Whatever the timer, a first touch at or after the assignment settles the clock first: a call logged late with an
/// earlier time still counts, and no reminder or breach follows a touch.
public struct SLAMonitorCore: Sendable {
    public var settings: SLASettings
    /// Reps by id (their calendars for the grace period, their addresses for alerts).
    public var reps: [String: Rep]

    public init(settings: SLASettings, reps: [String: Rep]) {
        self.settings = settings
        self.reps = reps
    }

    public func handle(_ timer: LeadTimer, activities: [Activity], now: Date) -> Plan {
        var plan = Plan(generatedAt: now)
        let person = timer.personKey
        let facts = timer.facts
        let repID = facts["rep"] ?? ""
        let assignedAt = facts["assignedAt"].flatMap(ISOTimestamp.parse) ?? .distantPast
        let due = facts["dueAt"].flatMap(ISOTimestamp.parse)
        // Fired once: this timer is done whatever happens next.
        plan.timers.append(.cancel(key: timer.key))
        if timer.kind == SLATimers.persistence {
            let minimum = Int(facts["minimumTouches"] ?? "") ?? 1
            let counted = SalesTouch.counted(in: activities, since: assignedAt, spacing: Double(facts["spacing"] ?? "") ?? 0)
            let met = counted.count >= minimum
            let onFailure = settings.config.tier(named: facts["tier"] ?? "")?.persistence?.onFailure ?? settings.config.persistence?.onFailure
            let text = "\(counted.count) of \(minimum) touches by \(ISOTimestamp.format(timer.dueAt))"
                + (met ? "" : onFailure == .recycle ? "; short: to be recycled to marketing" : "; short")
            plan.events.append(LeadEvent(personKey: person, kind: .slaPersistence(repID: repID, touches: counted.count, minimum: minimum),
                                         cause: Reason(.slaPersistence, text, facts: ["rep": repID, "touches": String(counted.count),
                                                                                      "minimum": String(minimum)]),
                                         occurredAt: now))
            return plan
        }
        if let touch = SalesTouch.first(in: activities, since: assignedAt) {
            let late = due.map { touch.occurredAt > $0 } ?? false
            let text = "first touch (\(touch.kind.rawValue)\(touch.evidence.map { " in \($0)" } ?? "")) at \(ISOTimestamp.format(touch.occurredAt))"
                + (late ? ", after the due instant \(due.map(ISOTimestamp.format) ?? "")" : "")
            plan.events.append(LeadEvent(personKey: person, kind: .slaTouched(repID: repID, touchedAt: touch.occurredAt, touch: touch.id, late: late),
                                         cause: Reason(.slaTouched, text, facts: ["rep": repID, "touch": touch.id, "late": late ? "true" : "false"]),
                                         occurredAt: now))
            plan.timers += SLATimers.settle(person, settings: settings)
            return plan
        }
        let lead = facts["lead"].flatMap { try? JSONDecoder.iso.decode(LeadSummary.self, from: Data($0.utf8)) } ?? LeadSummary(personKey: person)
        let owner = Recipient(repID: repID, email: reps[repID]?.email ?? facts["repEmail"] ?? "")
        switch timer.kind {
        case SLATimers.reminder:
            let share = facts["share"].flatMap(Double.init) ?? 0
            let reason = Reason(.slaReminder, "\(Int((share * 100).rounded()))% of the \(facts["target"] ?? "") to first touch has passed; due \(due.map(ISOTimestamp.format) ?? "")",
                                facts: ["rep": repID, "share": Condition.format(share)])
            plan.changes.append(PlanChange(personKey: person, action: .notify(Notification(recipient: owner, kind: .slaReminder, lead: lead)), reason: reason))
            plan.events.append(LeadEvent(personKey: person, kind: .slaReminded(repID: repID, share: share), cause: reason, occurredAt: now))
        case SLATimers.breach:
            let dueAt = due ?? timer.dueAt
            let reason = Reason(.slaBreached, "no touch by \(ISOTimestamp.format(dueAt)) (\(facts["target"] ?? "") for tier \(facts["tier"] ?? ""))",
                                facts: ["rep": repID, "tier": facts["tier"] ?? ""])
            plan.events.append(LeadEvent(personKey: person, kind: .slaBreached(repID: repID, dueAt: dueAt), cause: reason, occurredAt: now))
            let breach = settings.config.breach
            if breach?.notify != SLAConfig.Breach.Notify.none {
                plan.changes.append(PlanChange(personKey: person, action: .notify(Notification(recipient: owner, kind: .escalation, lead: lead)), reason: reason))
            }
            if (breach?.notify ?? .manager) == .manager, let manager = manager(of: repID, salesforce: facts["manager"]) {
                var lead = lead
                lead.owner = repID
                let told = Reason(.slaEscalated, "told \(manager.email.isEmpty ? manager.repID : manager.email), \(repID)'s manager, of the breach",
                                  facts: ["rep": repID, "manager": manager.repID])
                plan.changes.append(PlanChange(personKey: person, action: .notify(Notification(recipient: manager, kind: .escalation, lead: lead)), reason: told))
                plan.events.append(LeadEvent(personKey: person, kind: .slaEscalated(repID: repID, manager: manager.repID), cause: told, occurredAt: now))
            }
            if let grace = breach?.reassignAfter, let tier = settings.config.tier(named: facts["tier"] ?? ""), let rep = reps[repID] {
                // The grace period runs on the same clock as the target. Nobody is told at its end: the lead's
                // summary stays behind.
                let clock = SLAClock.of(rep, tier: tier, config: settings.config, team: settings.team)
                if let at = clock.calendar.add(grace.seconds, to: dueAt) {
                    plan.timers.append(.schedule(LeadTimer(key: SLATimers.key(SLATimers.reassign, person), personKey: person, kind: SLATimers.reassign,
                                                           dueAt: at, facts: facts.filter { $0.key != "lead" })))
                }
            }
        case SLATimers.reassign, SLATimers.away:
            let prior = (facts["prior"] ?? "").split(separator: ",").map(String.init)
            let excluding = Self.excluded(owner: repID, prior: prior, rule: settings.config.breach?.neverBackTo)
            let why = timer.kind == SLATimers.away
                ? "\(repID) is out of office from \(facts["awayFrom"] ?? "now"), before the first touch is due (outOfOffice: reassign)"
                : "still untouched \(settings.config.breach?.reassignAfter?.description ?? "") after the breach"
            let reason = Reason(.slaReassign, "\(why): route again, never back to \(excluding.joined(separator: ", "))",
                                facts: ["rep": repID, "excluding": excluding.joined(separator: ",")])
            plan.events.append(LeadEvent(personKey: person, kind: .slaReassignDue(repID: repID, excluding: excluding), cause: reason, occurredAt: now))
            var request = facts
            request["excluding"] = excluding.joined(separator: ",")
            plan.timers.append(.schedule(LeadTimer(key: SLATimers.key(SLATimers.reroute, person), personKey: person, kind: SLATimers.reroute,
                                                   dueAt: now, facts: request)))
        default:
            break
        }
        return plan
    }

    /// The owners a reassignment skips: the one who breached, then the earlier ones — the latest `k` of them, or all.
    static func excluded(owner: String, prior: [String], rule: SLAConfig.NeverBackTo?) -> [String] {
        var owners = [owner]
        for id in prior where !owners.contains(id) && !id.isEmpty { owners.append(id) }
        switch rule {
        case .last(let count)?: return Array(owners.prefix(max(count, 1)))
        case .all?: return owners
        case nil: return [owner]
        }
    }

    /// The manager to tell: the one `breach.managers` names, else Salesforce's `User.ManagerId` as the clock started
    /// with it; a rep (their address) or an address.
    func manager(of repID: String, salesforce: String? = nil) -> Recipient? {
        guard let named = settings.config.breach?.managers?[repID] ?? salesforce, named != repID else { return nil }
        if let rep = reps[named] { return Recipient(repID: rep.id, email: rep.email) }
        return named.contains("@") ? Recipient(repID: named, email: named) : nil
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
