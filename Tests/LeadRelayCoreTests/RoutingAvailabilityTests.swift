import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Routing: availability, caps, skills, territories and the audit of every rep")
struct RoutingAvailabilityTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static func lead(_ n: Int, _ fields: [String: String] = [:]) -> Lead {
        Fixtures.plainLead(["email": "p\(n)@co\(n).io"].merging(fields) { _, new in new })
    }

    static func config(_ reps: [RoutingConfig.RepEntry], rules: [RoutingConfig.Rule] = [], territories: [RoutingConfig.Territory]? = nil,
                       calendars: [String: CalendarSpec]? = nil, policy: FairnessLedger.ReturnPolicy? = nil) -> RoutingConfig {
        RoutingConfig(reps: reps, pools: nil, rules: rules, fallback: .pool("everyone"), calendars: calendars, territories: territories,
                      returnFromAbsence: policy)
    }

    static func router(_ config: RoutingConfig) -> Router {
        Router(config: config, reps: config.reps.map { config.rep($0, email: $0.email) })
    }

    static let weekdays = CalendarSpec(timeZone: "America/New_York", hours: ["mon-fri": ["09:00-17:00"]])

    @Test("a rep away three business days then back: nothing while away, then no flood and no starvation (bounded(2))")
    func awayThreeDays() {
        let away = RoutingConfig.DateRange(from: LocalDate("2026-12-08")!, to: LocalDate("2026-12-10")!)
        let config = Self.config([.init(id: "ana", email: "ana@x.io", pools: nil, weight: 1, capacity: nil, calendar: "ny"),
                                  .init(id: "ben", email: "ben@x.io", pools: nil, weight: 1, capacity: nil, calendar: "ny"),
                                  .init(id: "cy", email: "cy@x.io", pools: nil, weight: 1, capacity: nil, calendar: "ny", outOfOffice: [away])],
                                 calendars: ["ny": Self.weekdays])
        let router = Self.router(config)
        var state = RoutingState()
        var got: [String: [String: Int]] = [:]
        var n = 0
        // Monday 7 Dec to Friday 11 Dec, 12 leads each business day at 15:00Z (10:00 in New York), plus Monday 14 Dec.
        for day in ["07", "08", "09", "10", "11", "14"] {
            for _ in 0..<12 {
                n += 1
                let decision = router.route(Self.lead(n), accounts: [], state: &state, context: .init(now: Self.instant("2026-12-\(day)T15:00:00Z")))
                got[day, default: [:]][decision.repID ?? "-", default: 0] += 1
                if day == "09" {
                    let cy = decision.candidates.first { $0.repID == "cy" }
                    #expect(cy?.code == .ooo && cy?.rejected?.contains("2026-12-09") == true)
                }
            }
        }
        #expect(got["07"]?["cy"] == 4)
        for day in ["08", "09", "10"] { #expect(got[day]?["cy"] == nil, "away on \(day)") }
        let back = got["11", default: [:]]["cy", default: 0]
        #expect(back >= 4 && back <= 7, "back on Friday: share 4, at most 4 + 2 (+1 rounding), got \(back) of 12: \(got["11"] ?? [:])")
        #expect(abs(got["14", default: [:]]["cy", default: 0] - 4) <= 1, "and then the share again: \(got["14"] ?? [:])")
    }

    @Test("a rep in UTC−8 whose daily cap resets at local midnight, not at UTC midnight; the weekly cap counts from local Monday")
    func dailyCapInRepZone() {
        let config = Self.config([.init(id: "lee", email: "lee@x.io", pools: nil, weight: 1, capacity: nil, timeZone: "America/Los_Angeles",
                                        caps: .init(daily: 2, weekly: 5)),
                                  .init(id: "zoe", email: "zoe@x.io", pools: nil, weight: 1, capacity: nil)])
        let router = Self.router(config)
        // Wednesday 2 Dec 2026, 20:00 in Los Angeles is 04:00Z on the 3rd: UTC's day has turned, Lee's has not.
        var state = RoutingState(recent: ["lee": [Self.instant("2026-12-02T17:00:00Z"), Self.instant("2026-12-02T23:00:00Z")]])
        let evening = router.route(Self.lead(1), accounts: [], state: &state, context: .init(now: Self.instant("2026-12-03T04:00:00Z")))
        let lee = evening.candidates.first { $0.repID == "lee" }
        #expect(evening.repID == "zoe" && lee?.code == .capDaily, "\(evening.candidates)")
        #expect(lee?.rejected?.contains("America/Los_Angeles") == true)
        // 08:01Z on the 3rd is 00:01 in Los Angeles: a new local day.
        var morning = RoutingState(recent: state.recent)
        let next = router.route(Self.lead(2), accounts: [], state: &morning, context: .init(now: Self.instant("2026-12-03T08:01:00Z")))
        #expect(next.candidates.first { $0.repID == "lee" }?.code == .eligible)
        // Five this local week (Monday 30 Nov, Los Angeles) close the week whatever the day.
        var week = RoutingState(recent: ["lee": ["2026-11-30T18:00:00Z", "2026-12-01T18:00:00Z", "2026-12-01T19:00:00Z",
                                                 "2026-12-02T18:00:00Z", "2026-12-03T18:00:00Z"].map(Self.instant)])
        let friday = router.route(Self.lead(3), accounts: [], state: &week, context: .init(now: Self.instant("2026-12-04T18:00:00Z")))
        #expect(friday.candidates.first { $0.repID == "lee" }?.code == .capWeekly)
        var nextWeek = RoutingState(recent: week.recent)
        let monday = router.route(Self.lead(4), accounts: [], state: &nextWeek, context: .init(now: Self.instant("2026-12-07T07:00:00Z")))
        #expect(monday.candidates.first { $0.repID == "lee" }?.code == .capWeekly,
                "Monday 07:00Z is still Sunday 23:00 in Los Angeles: the week has not turned")
        let later = router.route(Self.lead(5), accounts: [], state: &nextWeek, context: .init(now: Self.instant("2026-12-07T08:01:00Z")))
        #expect(later.candidates.first { $0.repID == "lee" }?.code == .eligible)
    }

    @Test("every rep is listed with one code; outside-hours, inactive, skill and territory exclude, with the fairness ledger before and after")
    func auditCodes() {
        let config = Self.config(
            [.init(id: "ana", email: "ana@x.io", pools: ["team"], weight: 1, capacity: nil, skills: ["Healthcare"], territories: ["us-east"]),
             .init(id: "ben", email: "ben@x.io", pools: ["team"], weight: 1, capacity: nil, calendar: "ny", skills: ["Healthcare"], territories: ["us-east"]),
             .init(id: "cy", email: "cy@x.io", pools: ["team"], weight: 1, capacity: nil, skills: ["Finance"], territories: ["us-east"]),
             .init(id: "dee", email: "dee@x.io", pools: ["team"], weight: 1, capacity: nil, skills: ["Healthcare"], territories: ["uk"]),
             .init(id: "eve", email: "eve@x.io", pools: ["team"], weight: 1, capacity: nil, skills: ["Healthcare"], territories: ["us-east"]),
             .init(id: "fin", email: "fin@x.io", pools: ["other"], weight: 1, capacity: nil)],
            rules: [.init(name: "health", match: nil, when: nil, assign: .pool("team"), skill: "industry", territory: true)],
            territories: [.init(name: "us-east", countries: ["US"], regions: ["US-NY", "US-MA"]), .init(name: "uk", countries: ["GB"])],
            calendars: ["ny": Self.weekdays])
        var reps = config.reps.map { config.rep($0, email: $0.email) }
        reps[4].active = false
        let router = Router(config: config, reps: reps, version: "cfg-1")
        var state = RoutingState()
        let lead = Self.lead(1, ["industry": "Healthcare", "country": "US", "state": "NY"])
        let decision = router.route(lead, accounts: [], state: &state, context: .init(now: Self.instant("2026-12-05T15:00:00Z")))
        #expect(decision.repID == "ana" && decision.rule == "health" && decision.configVersion == "cfg-1")
        let codes = Dictionary(uniqueKeysWithValues: decision.candidates.map { ($0.repID, $0.code) })
        #expect(codes == ["ana": .eligible, "ben": .outsideHours, "cy": .skill, "dee": .territory, "eve": .inactive, "fin": .notInPool])
        #expect(decision.fairness?.pool == "team" && decision.fairness?.before == [:] && decision.fairness?.after == ["ana": -1, "ben": 1],
                "ben is away (outside hours) and earns his share under bounded(2); ana, the winner, pays for both: \(String(describing: decision.fairness))")
        // A lead in no territory passes the rule by to the fallback.
        let nowhere = router.route(Self.lead(2, ["industry": "Healthcare", "country": "FR"]), accounts: [], state: &state,
                                   context: .init(now: Self.instant("2026-12-05T15:00:00Z")))
        #expect(nowhere.rule == "fallback" && nowhere.reason.contains("health: the lead is in no territory"))
        #expect(nowhere.candidates.first { $0.repID == "eve" }?.code == .inactive, "an inactive rep is never chosen, not even by the fallback")
    }

    @Test("the most specific territory row wins: postal prefix over region over country")
    func territoryTable() {
        let config = Self.config([.init(id: "ana", email: "ana@x.io", pools: nil, weight: 1, capacity: nil)], territories: [
            .init(name: "uk", countries: ["GB"]),
            .init(name: "london", countries: ["GB"], postalPrefixes: ["E", "EC"]),
            .init(name: "city", countries: ["GB"], postalPrefixes: ["EC2"]),
            .init(name: "new-england", countries: ["US"], regions: ["US-MA", "US-CT"]),
        ])
        #expect(config.territory(of: Self.lead(1, ["country": "United Kingdom", "postalCode": "EC2A 4NE"])) == "city")
        #expect(config.territory(of: Self.lead(1, ["country": "GB", "postalCode": "E1 6AN"])) == "london")
        #expect(config.territory(of: Self.lead(1, ["country": "GB", "postalCode": "M1 1AE"])) == "uk")
        #expect(config.territory(of: Self.lead(1, ["country": "US", "state": "Massachusetts"])) == "new-england")
        #expect(config.territory(of: Self.lead(1, ["country": "US", "state": "TX"])) == nil)
    }

    @Test("sticky: a person already owned by a rep in a CRM goes back to that rep; a deactivated owner passes it on")
    func existingOwner() {
        let config = Self.config([.init(id: "ana", email: "ana@x.io", pools: nil, weight: 1, capacity: 1),
                                  .init(id: "ben", email: "ben@x.io", pools: nil, weight: 1, capacity: nil)],
                                 rules: [.init(name: "sticky", match: nil, when: nil, assign: .existingOwner)])
        var reps = config.reps.map { config.rep($0, email: $0.email) }
        reps[0].salesforceUserID = "005A"
        var state = RoutingState(open: ["ana": 1])
        let decision = Router(config: config, reps: reps).route(Self.lead(1), accounts: [], state: &state,
                                                                context: .init(now: Fixtures.now, ownerIDs: ["005A"]))
        #expect(decision.repID == "ana" && decision.rule == "sticky", "their own person whatever their load: \(decision.reason)")
        reps[0].active = false
        let passed = Router(config: config, reps: reps).route(Self.lead(1), accounts: [], state: &state,
                                                              context: .init(now: Fixtures.now, ownerIDs: ["005A"]))
        #expect(passed.repID == "ben" && passed.rule == "fallback")
        let prior = Router(config: config, reps: config.reps.map { config.rep($0, email: $0.email) })
            .route(Self.lead(1), accounts: [], state: &state, context: .init(now: Fixtures.now, priorAssignees: ["ben"]))
        #expect(prior.repID == "ana" || prior.repID == nil)
        #expect(prior.candidates.first { $0.repID == "ben" }?.code == .priorAssignee)
    }

    @Test("lint: zero caps, a capacity of 0, an unreachable rep, unknown calendars and territories, exclusions larger than a team")
    func lint() {
        var config = Self.config([
            .init(id: "ana", email: "ana@x.io", pools: ["east"], weight: 1, capacity: 0, caps: .init(daily: 0, weekly: nil)),
            .init(id: "ben", email: "ben@x.io", pools: ["east"], weight: 1, capacity: nil, calendar: "nope", caps: .init(daily: 5, weekly: 3),
                  territories: ["mars"]),
            .init(id: "cy", email: "cy@x.io", pools: ["west"], weight: 1, capacity: nil, timeZone: "PST",
                  outOfOffice: [.init(from: LocalDate("2026-12-10")!, to: LocalDate("2026-12-01")!)]),
        ], rules: [.init(name: "east", match: nil, when: nil, assign: .pool("east"))], territories: [.init(name: "us", countries: ["US"])])
        config.fallback = .pool("east")
        config.reassignment = .init(excludeLast: 2)
        let paths = config.validate(knownAttributes: ["industry"]).map(\.keyPath)
        for path in ["reps.0.caps.daily", "reps.0.capacity", "reps.1.calendar", "reps.1.caps.weekly", "reps.1.territories.0",
                     "reps.2.timeZone", "reps.2.outOfOffice.0", "reps.2.pools", "reassignment.excludeLast"] {
            #expect(paths.contains(path), "missing \(path) in \(paths)")
        }
    }
}
