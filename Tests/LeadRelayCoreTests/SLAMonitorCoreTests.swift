import Foundation
import Testing
@testable import LeadRelayCore

@Suite("SLA: clocks started by assignment, and what each due timer does")
struct SLAMonitorCoreTests {
    static let hot = SLAConfig.Tier(name: "hot", when: ["form": .equals("demo-request")], firstTouchWithin: ConfigDuration(seconds: 2 * 3600),
                                    remindAt: [0.5, 0.9])
    static let warm = SLAConfig.Tier(name: "warm", firstTouchWithin: ConfigDuration(seconds: 24 * 3600))
    static let settings = SLASettings(config: SLAConfig(tiers: [hot, warm], breach: .init(notify: .manager, managers: ["ana": "ben"],
                                                                                          reassignAfter: ConfigDuration(seconds: 3600), neverBackTo: .last(2))))
    static let person = PersonKey.email("morgan@northwind.io")
    static let reps = Dictionary(uniqueKeysWithValues: Fixtures.reps.map { ($0.id, $0) })

    static var pipeline: Pipeline {
        Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps, sla: settings)
    }

    static func schedules(_ plan: Plan) -> [LeadTimer] {
        plan.timers.compactMap { if case .schedule(let timer) = $0 { timer } else { nil } }
    }

    static var started: Plan {
        let contact = Fixtures.contact("51", ["email": "morgan@northwind.io", "firstname": "Morgan", "jobtitle": "VP Ops", "numemployees": "1200",
                                              "industry": "HOSPITAL_HEALTH_CARE", "state": "MA", "lifecyclestage": "lead"])
        return pipeline.plan(PipelineInput(records: [contact], activities: [Fixtures.demoRequest("51")], routingState: RoutingState(open: ["chloe": 1]),
                                           now: Fixtures.now))
    }

    @Test("an assignment starts the clock of its tier: an event, a timer per reminder and one at the due instant")
    func start() throws {
        let plan = Self.started
        #expect(plan.assignments == [Self.person: "ana"])
        let event = try #require(plan.events.first { $0.name == "sla_started" })
        #expect(event.kind == .slaStarted(repID: "ana", tier: "hot", dueAt: Fixtures.now.addingTimeInterval(7200)), "around the clock: ana has no hours")
        let timers = Self.schedules(plan)
        #expect(timers.map(\.kind) == ["sla.reminder", "sla.reminder", "sla.breach"])
        #expect(timers.map(\.dueAt) == [3600, 6480, 7200].map { Fixtures.now.addingTimeInterval($0) })
        #expect(timers.allSatisfy { $0.personKey == Self.person && $0.facts["rep"] == "ana" && $0.facts["tier"] == "hot" })
        #expect(timers.first?.facts["share"] == "0.5" && timers.first?.facts["lead"]?.contains("Morgan") == true)
        // What this clock does not set again is cleared (a restart after a reassignment leaves nothing of the last).
        #expect(plan.timers.contains(.cancel(key: SLATimers.key(SLATimers.reassign, Self.person))))
        #expect(!plan.timers.contains(.cancel(key: SLATimers.key(SLATimers.breach, Self.person))))
    }

    @Test("a lead that moves on stops its clock; a queue owes no touch")
    func stop() {
        let timers = SLATimers.stop(Self.person, settings: Self.settings)
        #expect(Set(timers) == [.cancel(key: "sla.reminder.0:email:morgan@northwind.io"), .cancel(key: "sla.reminder.1:email:morgan@northwind.io"),
                                .cancel(key: "sla.breach:email:morgan@northwind.io"), .cancel(key: "sla.reassign:email:morgan@northwind.io"),
                                .cancel(key: "sla.reroute:email:morgan@northwind.io"), .cancel(key: "sla.away:email:morgan@northwind.io"),
                                .cancel(key: "sla.persistence:email:morgan@northwind.io")])
        let noTier = Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps,
                              sla: SLASettings(config: SLAConfig(tiers: [Self.hot.with(when: ["form": .equals("never")])])))
        let contact = Fixtures.contact("51", ["email": "morgan@northwind.io", "jobtitle": "VP Ops", "numemployees": "1200",
                                              "industry": "HOSPITAL_HEALTH_CARE", "state": "MA", "lifecyclestage": "lead"])
        let plan = noTier.plan(PipelineInput(records: [contact], activities: [Fixtures.demoRequest("51")], now: Fixtures.now))
        #expect(plan.assignments.count == 1 && Self.schedules(plan).isEmpty && !plan.events.contains { $0.name == "sla_started" },
                "no tier takes it: no clock")
    }

    func timer(_ kind: String) throws -> LeadTimer {
        try #require(Self.schedules(Self.started).first { $0.kind == kind })
    }

    var core: SLAMonitorCore { SLAMonitorCore(settings: Self.settings, reps: Self.reps) }

    @Test("a reminder tells the rep once; the breach tells the rep and the manager, and sets the grace period")
    func reminderAndBreach() throws {
        let reminder = try timer("sla.reminder")
        let reminded = core.handle(reminder, activities: [], now: reminder.dueAt)
        #expect(reminded.notifications.map(\.kind) == [.slaReminder] && reminded.notifications.first?.recipient.repID == "ana")
        #expect(reminded.notifications.first?.lead.name == "Morgan", "the lead as the new-MQL alert showed it")
        #expect(reminded.events.map(\.kind) == [.slaReminded(repID: "ana", share: 0.5)])
        #expect(reminded.timers == [.cancel(key: reminder.key)], "fired once")
        let breach = try timer("sla.breach")
        let breached = core.handle(breach, activities: [], now: breach.dueAt.addingTimeInterval(1))
        #expect(breached.notifications.map(\.recipient.repID) == ["ana", "ben"] && breached.notifications.allSatisfy { $0.kind == .escalation })
        #expect(breached.events.map(\.name) == ["sla_breached", "sla_escalated"])
        #expect(breached.notifications.map(\.lead.owner) == [nil, "ana"], "the manager's alert says whose lead it was")
        let grace = try #require(Self.schedules(breached).first)
        #expect(grace.kind == "sla.reassign" && grace.dueAt == breach.dueAt.addingTimeInterval(3600))
        let reassign = core.handle(grace, activities: [], now: grace.dueAt)
        #expect(reassign.events.map(\.kind) == [.slaReassignDue(repID: "ana", excluding: ["ana"])])
        let request = try #require(Self.schedules(reassign).first)
        #expect(request.kind == SLATimers.reroute && request.dueAt == grace.dueAt && request.facts["excluding"] == "ana", "a request for the next cycle")
    }

    @Test("without a configured manager, the manager Salesforce names (User.ManagerId, carried by the clock) hears of the breach")
    func salesforceManager() throws {
        var breach = try timer("sla.breach")
        breach.facts["manager"] = "chloe"
        let plain = SLAMonitorCore(settings: SLASettings(config: SLAConfig(tiers: [Self.hot, Self.warm])), reps: Self.reps)
        let told = plain.handle(breach, activities: [], now: breach.dueAt)
        #expect(told.notifications.map(\.recipient) == [Recipient(repID: "ana", email: "ana@example.com"), Recipient(repID: "chloe", email: "chloe@example.com")])
        #expect(told.events.last?.kind == .slaEscalated(repID: "ana", manager: "chloe"))
        breach.facts["manager"] = "vp.sales@example.com"
        #expect(plain.handle(breach, activities: [], now: breach.dueAt).notifications.last?.recipient.email == "vp.sales@example.com")
        // sla.yaml's own entry wins over Salesforce's.
        #expect(core.handle(breach, activities: [], now: breach.dueAt).notifications.last?.recipient.repID == "ben")
        #expect(SLATimers.start(Self.person, rep: { var rep = Fixtures.reps[0]; rep.manager = "ben"; return rep }(), tier: Self.warm,
                                settings: Self.settings, at: Fixtures.now, lead: LeadSummary(personKey: Self.person)).timers
            .contains { if case .schedule(let timer) = $0 { timer.facts["manager"] == "ben" } else { false } }, "the clock carries it")
    }

    @Test("a touch at or after assignment settles the clock at whatever timer comes next, in time or late; one before does not count")
    func touched() throws {
        let breach = try timer("sla.breach")
        let lead = RecordRef(system: .hubspot, object: "contacts", id: "51")
        let before = Activity(id: "old", subject: lead, kind: .call, occurredAt: Fixtures.now.addingTimeInterval(-60))
        #expect(core.handle(breach, activities: [before], now: breach.dueAt).events.map(\.name) == ["sla_breached", "sla_escalated"])
        // Logged after the breach fired, dated before the due instant: in time after all.
        let call = Activity(id: "call-1", subject: lead, kind: .call, occurredAt: Fixtures.now.addingTimeInterval(3000))
        let met = core.handle(breach, activities: [before, call], now: breach.dueAt.addingTimeInterval(600))
        #expect(met.events.map(\.kind) == [.slaTouched(repID: "ana", touchedAt: call.occurredAt, touch: "call-1", late: false)])
        #expect(met.notifications.isEmpty && Set(met.timers) == Set([.cancel(key: breach.key)] + SLATimers.settle(Self.person, settings: Self.settings)))
        #expect(!met.timers.contains(.cancel(key: SLATimers.key(SLATimers.persistence, Self.person))), "the persistence count goes on")
        let late = Activity(id: "call-2", subject: lead, kind: .salesEmail, occurredAt: breach.dueAt.addingTimeInterval(60))
        let grace = LeadTimer(key: SLATimers.key(SLATimers.reassign, Self.person), personKey: Self.person, kind: SLATimers.reassign,
                              dueAt: breach.dueAt.addingTimeInterval(3600), facts: breach.facts)
        #expect(core.handle(grace, activities: [late], now: grace.dueAt).events.map(\.kind)
                == [.slaTouched(repID: "ana", touchedAt: late.occurredAt, touch: "call-2", late: true)])
    }

    @Test("a reroute request routes the assigned lead again, never to the excluded owners, as the same MQL with a new clock")
    func reroute() throws {
        let contact = Fixtures.contact("51", ["email": "morgan@northwind.io", "firstname": "Morgan", "jobtitle": "VP Ops", "numemployees": "1200",
                                              "industry": "HOSPITAL_HEALTH_CARE", "state": "MA", "lifecyclestage": "marketingqualifiedlead",
                                              "hubspot_owner_id": "701"])
        var input = PipelineInput(records: [contact], activities: [Fixtures.demoRequest("51")], links: [contact.ref: Self.person],
                                  assignments: [Self.person: "ana"], now: Fixtures.now)
        input.previousScores = [Self.person: 0]
        let untouched = Self.pipeline.plan(input)
        #expect(untouched.assignments.isEmpty, "an assigned lead is not routed again without a request")
        input.reroutes = [Self.person: ["ana"]]
        let plan = Self.pipeline.plan(input)
        #expect(plan.assignments == [Self.person: "chloe"], "healthcare's other rep")
        #expect(!plan.events.contains { $0.name == "mql" || $0.name == "lifecycle_changed" }, "the same MQL: \(plan.events.map(\.name))")
        #expect(plan.timers.contains(.cancel(key: SLATimers.key(SLATimers.reroute, Self.person))))
        let breach = try #require(Self.schedules(plan).first { $0.kind == SLATimers.breach })
        #expect(breach.facts["rep"] == "chloe" && breach.facts["prior"] == "ana")
        #expect(plan.writes.contains { $0.fields["hubspot_owner_id"] == "703" })
        // Healthcare has nobody else, the fallback pool does; with every rep excluded it stays with its owner, and the request is done.
        input.reroutes = [Self.person: ["ana", "chloe"]]
        #expect(Self.pipeline.plan(input).assignments == [Self.person: "ben"])
        input.reroutes = [Self.person: ["ana", "chloe", "ben"]]
        let stuck = Self.pipeline.plan(input)
        #expect(stuck.assignments.isEmpty && stuck.events.contains { $0.name == "unassigned" } && stuck.writes.isEmpty, "\(stuck.assignments) \(stuck.events.map(\.name))")
        #expect(stuck.timers.contains(.cancel(key: SLATimers.key(SLATimers.reroute, Self.person))))
        // Moved on since the request: nothing is owed.
        input.reroutes = [Self.person: ["ana"]]
        input.assignments = [:]
        #expect(Self.pipeline.plan(input).assignments.isEmpty)
    }

    @Test("outOfOffice: reassign hands the lead on when the owner's time off begins before the touch is due; pause lets the clock wait")
    func awayPolicy() throws {
        var rep = Fixtures.reps[0]
        let tomorrow = LocalDate(dayNumber: Int((Fixtures.now.timeIntervalSince1970 / 86_400).rounded(.down)) + 1)
        rep.outOfOffice = [tomorrow]
        var config = SLAConfig(tiers: [Self.warm], breach: .init(neverBackTo: .last(2)), outOfOffice: .reassign)
        let started = SLATimers.start(Self.person, rep: rep, tier: Self.warm, settings: SLASettings(config: config), at: Fixtures.now,
                                      lead: LeadSummary(personKey: Self.person), prior: ["ben"])
        let away = try #require(started.timers.compactMap { if case .schedule(let timer) = $0, timer.kind == SLATimers.away { timer } else { nil } }.first)
        #expect(away.dueAt == Date(timeIntervalSince1970: Double(tomorrow.dayNumber) * 86_400), "midnight in the rep's zone (UTC here)")
        #expect(away.facts["awayFrom"] == tomorrow.description)
        let core = SLAMonitorCore(settings: SLASettings(config: config), reps: Self.reps)
        let handed = core.handle(away, activities: [], now: away.dueAt)
        #expect(handed.events.map(\.kind) == [.slaReassignDue(repID: "ana", excluding: ["ana", "ben"])])
        #expect(handed.events.first?.cause.text.contains("out of office from \(tomorrow)") == true)
        #expect(Self.schedules(handed).map(\.kind) == [SLATimers.reroute])
        // Away only after the touch is due, or under pause: no such timer.
        var late = rep
        late.outOfOffice = [LocalDate(dayNumber: tomorrow.dayNumber + 3)]
        #expect(!SLATimers.start(Self.person, rep: late, tier: Self.warm, settings: SLASettings(config: config), at: Fixtures.now,
                                 lead: LeadSummary(personKey: Self.person)).timers.contains { if case .schedule(let timer) = $0 { timer.kind == SLATimers.away } else { false } })
        config.outOfOffice = .pause
        #expect(!SLATimers.start(Self.person, rep: rep, tier: Self.warm, settings: SLASettings(config: config), at: Fixtures.now,
                                 lead: LeadSummary(personKey: Self.person)).timers.contains { if case .schedule(let timer) = $0 { timer.kind == SLATimers.away } else { false } })
    }

    @Test("persistence: the window closes after N working days on a business-hours clock, then the spaced touches are counted")
    func persistence() throws {
        let office = BusinessClockTests.calendar("America/New_York", ["mon-fri": ["09:00-12:00", "13:00-17:30"]], holidays: ["2026-12-25"])
        // Tuesday 2026-12-01 14:00 New York: ten working days end on Monday 2026-12-14 at 17:30 (22:30Z).
        #expect(office.endOfWorkingDays(10, from: BusinessClockTests.instant("2026-12-01T19:00:00Z")) == BusinessClockTests.instant("2026-12-14T22:30:00Z"))
        // After Tuesday's close, Tuesday is no working day left: the first is Wednesday.
        #expect(office.endOfWorkingDays(1, from: BusinessClockTests.instant("2026-12-01T23:00:00Z")) == BusinessClockTests.instant("2026-12-02T22:30:00Z"))
        #expect(office.endOfWorkingDays(1, from: BusinessClockTests.instant("2026-12-24T23:00:00Z")) == BusinessClockTests.instant("2026-12-28T22:30:00Z"),
                "over Christmas and the weekend")

        var rep = Fixtures.reps[0]
        rep.calendar = office
        let tier = SLAConfig.Tier(name: "hot", firstTouchWithin: ConfigDuration(seconds: 7200), businessHours: true,
                                  persistence: .init(minimumTouches: 3, within: ConfigDuration(seconds: 10 * 86_400), spacing: ConfigDuration(seconds: 4 * 3600)))
        let settings = SLASettings(config: SLAConfig(tiers: [tier]))
        let assigned = BusinessClockTests.instant("2026-12-01T19:00:00Z")
        let started = SLATimers.start(Self.person, rep: rep, tier: tier, settings: settings, at: assigned, lead: LeadSummary(personKey: Self.person))
        let window = try #require(started.timers.compactMap { if case .schedule(let timer) = $0, timer.kind == SLATimers.persistence { timer } else { nil } }.first)
        #expect(window.dueAt == BusinessClockTests.instant("2026-12-14T22:30:00Z") && window.facts["minimumTouches"] == "3" && window.facts["lead"] == nil)
        let core = SLAMonitorCore(settings: settings, reps: ["ana": rep])
        let subject = RecordRef(system: .salesforce, object: "Lead", id: "00Q1")
        func call(_ id: String, hours: Double) -> Activity {
            Activity(id: id, subject: subject, kind: .call, occurredAt: assigned.addingTimeInterval(hours * 3600))
        }
        let short = core.handle(window, activities: [call("a", hours: 1), call("b", hours: 2), call("c", hours: 30)], now: window.dueAt)
        #expect(short.events.map(\.kind) == [.slaPersistence(repID: "ana", touches: 2, minimum: 3)] && short.events.first?.name == "sla_persistence_short")
        let met = core.handle(window, activities: [call("a", hours: 1), call("c", hours: 30), call("d", hours: 60)], now: window.dueAt)
        #expect(met.events.first?.name == "sla_persistence_met" && met.timers == [.cancel(key: window.key)])
    }

    @Test("a reassignment never goes back to the last K owners, or to any with previous-owners")
    func excluded() {
        #expect(SLAMonitorCore.excluded(owner: "ana", prior: ["ben", "chloe", "ana"], rule: .last(2)) == ["ana", "ben"])
        #expect(SLAMonitorCore.excluded(owner: "ana", prior: ["ben", "chloe"], rule: .all) == ["ana", "ben", "chloe"])
        #expect(SLAMonitorCore.excluded(owner: "ana", prior: ["ben"], rule: nil) == ["ana"])
    }
}

extension SLAConfig.Tier {
    func with(when: [String: Condition]?) -> Self {
        var copy = self
        copy.when = when
        return copy
    }
}
