import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Scoring model: decay per rule, windows, caps and floors")
struct ScoringModelTests {
    typealias Rule = ScoringConfig.EventRule
    static let day: TimeInterval = 86_400

    static func config(_ events: [Rule], fit: [ScoringConfig.FitRule] = [], halfLife: Double? = nil,
                       groups: [String: ScoringConfig.Group]? = nil, limits: ScoringConfig.ScoreLimits? = nil) -> ScoringConfig {
        ScoringConfig(mql: .init(threshold: 100, minimumFit: nil), fit: fit,
                      interest: .init(halfLife: halfLife.map { ConfigDuration(seconds: $0 * day) }, events: events), groups: groups, limits: limits)
    }

    static func views(_ url: String, daysAgo: [Double]) -> [Activity] {
        daysAgo.enumerated().map { index, days in
            Fixtures.pageView("1", url, id: "view-\(url)-\(index)", at: Fixtures.now.addingTimeInterval(-days * day))
        }
    }

    let lead = Fixtures.plainLead(["email": "ana@acme.io", "title": "VP Sales", "employees": "1200", "industry": "Technology"])

    @Test("linear decay takes the percentage off for each whole period, down to nothing; fit never decays")
    func linear() {
        var rule = Rule(name: "pricing", type: .pageView, url: "*/pricing*", points: 40)
        rule.decay = .linear(percent: 25, every: ConfigDuration(seconds: 30 * Self.day))
        let scorer = Scorer(config: Self.config([rule]))
        let points = [0, 29, 30, 59, 60, 90, 120, 400].map { days in
            scorer.score(lead, activities: Self.views("https://x.io/pricing", daysAgo: [Double(days)]), now: Fixtures.now).interestScore
        }
        #expect(points == [40, 40, 30, 30, 20, 10, 0, 0])
        #expect(ScoringConfig.Decay.linear(percent: 25, every: ConfigDuration(seconds: 1)).factor(age: -5) == 1, "a future event is not decayed")
    }

    @Test("a rule's own decay wins over its group's, which wins over interest.halfLife; decay: none keeps full points")
    func precedence() {
        var own = Rule(name: "own", type: .pageView, url: "*/a*", points: 16, group: "web")
        own.decay = .halfLife(ConfigDuration(seconds: 10 * Self.day))
        let grouped = Rule(name: "grouped", type: .pageView, url: "*/b*", points: 16, group: "web")
        let plain = Rule(name: "plain", type: .pageView, url: "*/c*", points: 16)
        var forever = Rule(name: "forever", type: .pageView, url: "*/d*", points: 16)
        forever.decay = ScoringConfig.Decay.none
        let scorer = Scorer(config: Self.config([own, grouped, plain, forever], halfLife: 40,
                                                groups: ["web": .init(decay: .halfLife(ConfigDuration(seconds: 20 * Self.day)))]))
        let activities = ["a", "b", "c", "d"].flatMap { Self.views("https://x.io/\($0)", daysAgo: [40]) }
        let lines = Dictionary(uniqueKeysWithValues: scorer.score(lead, activities: activities, now: Fixtures.now).interest.map { ($0.rule, $0) })
        #expect(lines["own"]?.points == 1, "16 × 0.5^(40/10)")
        #expect(lines["grouped"]?.points == 4, "16 × 0.5^(40/20)")
        #expect(lines["plain"]?.points == 8, "16 × 0.5^(40/40)")
        #expect(lines["forever"]?.points == 16)
        #expect(lines["own"]?.detail == "1 × page-view, half-life 10d")
        #expect(lines["forever"]?.detail == "1 × page-view")
    }

    @Test("a time window counts recent events at full points and says how many older ones dropped off")
    func window() {
        var rule = Rule(name: "pricing", type: .pageView, url: "*/pricing*", points: 10)
        rule.window = ConfigDuration(seconds: 7 * Self.day)
        let scorer = Scorer(config: Self.config([rule], halfLife: 1))
        let score = scorer.score(lead, activities: Self.views("https://x.io/pricing", daysAgo: [0.5, 3, 6.9, 7.1, 30]), now: Fixtures.now)
        #expect(score.interestScore == 30, "no decay inside a window, even with interest.halfLife set")
        #expect(score.interest.first?.detail == "3 × page-view, last 1w (2 older not counted)")
        #expect(scorer.score(lead, activities: Self.views("https://x.io/pricing", daysAgo: [8]), now: Fixtures.now).interest.isEmpty)
    }

    @Test("a rule's cap bounds its points either way; repeatable points keep their per-day limit under it")
    func ruleCap() {
        var pricing = Rule(name: "pricing", type: .pageView, url: "*/pricing*", points: 10, maxPerDay: 2)
        pricing.cap = 35
        var careers = Rule(name: "careers", type: .pageView, url: "*/careers*", points: -15)
        careers.cap = 20
        let scorer = Scorer(config: Self.config([pricing, careers]))
        // Five views on each of two days: two a day count (40), capped at 35.
        let activities = Self.views("https://x.io/pricing", daysAgo: [0.1, 0.11, 0.12, 0.13, 0.14, 1.1, 1.11, 1.12, 1.13, 1.14])
            + Self.views("https://x.io/careers", daysAgo: [0.2, 1.2, 2.2])
        let score = scorer.score(lead, activities: activities, now: Fixtures.now)
        let lines = Dictionary(uniqueKeysWithValues: score.interest.map { ($0.rule, $0) })
        #expect(lines["pricing"]?.points == 35)
        #expect(lines["pricing"]?.detail == "4 × page-view, capped at 35 from 40")
        #expect(lines["careers"]?.points == -20, "negative points are bounded too: −45 → −20")
        #expect(score.interestScore == 15)
    }

    @Test("group caps and floors, then each score's, then the total's — each an adjustment with its reason")
    func caps() {
        let fit: [ScoringConfig.FitRule] = [
            .init(name: "senior", when: ["seniority": .oneOf(["vp"])], points: 30, group: "person"),
            .init(name: "size", when: ["employees": .between(200, 5000)], points: 30, group: "person"),
            .init(name: "sector", when: ["industry": .oneOf(["Technology"])], points: 30),
        ]
        let rules = [
            Rule(name: "pricing", type: .pageView, url: "*/pricing*", points: 20, group: "web"),
            Rule(name: "docs", type: .pageView, url: "*/docs*", points: 20, group: "web"),
            Rule(name: "careers", type: .pageView, url: "*/careers*", points: -50),
        ]
        let config = Self.config(rules, fit: fit, groups: ["person": .init(cap: 45), "web": .init(cap: 30)],
                                 limits: .init(fit: .init(cap: 70), interest: .init(floor: -10), total: .init(cap: 100, floor: 0)))
        let scorer = Scorer(config: config)
        let browsing = Self.views("https://x.io/pricing", daysAgo: [1]) + Self.views("https://x.io/docs", daysAgo: [1])
        let score = scorer.score(lead, activities: browsing, now: Fixtures.now)
        // person 60 → 45; fit 45 + 30 = 75 → 70. web 40 → 30. Total 100.
        #expect(score.adjustments.map(\.name) == ["group person", "group web", "fit"])
        #expect(score.adjustments.map(\.points) == [-15, -10, -5])
        #expect(score.fitScore == 70 && score.interestScore == 30 && score.total == 100)
        #expect(score.summary.contains("group person capped at 45 -15"), "\(score.summary)")
        // The careers page takes interest below its floor: −50 + 30 → −10; the total floor keeps it at 60.
        let jobHunter = scorer.score(lead, activities: browsing + Self.views("https://x.io/careers", daysAgo: [1]), now: Fixtures.now)
        #expect(jobHunter.interestScore == -10)
        #expect(jobHunter.adjustments.last?.name == "interest" && jobHunter.adjustments.last?.detail == "floor -10")
        #expect(jobHunter.total == 60)
        let nobody = Fixtures.plainLead(["email": "x@gmail.com"])
        let lowest = scorer.score(nobody, activities: Self.views("https://x.io/careers", daysAgo: [1]), now: Fixtures.now)
        #expect(lowest.total == 0, "the total's floor: \(lowest.summary)")
    }

    @Test("a breakdown stored before caps existed still reads, with no adjustments")
    func storedBefore() throws {
        let json = #"{"fit":[{"rule":"a","points":20,"detail":"x"}],"interest":[]}"#
        let score = try JSONDecoder().decode(ScoreBreakdown.self, from: Data(json.utf8))
        #expect(score.adjustments.isEmpty && score.total == 20)
        let again = try JSONDecoder().decode(ScoreBreakdown.self, from: try JSONEncoder().encode(score))
        #expect(again == score)
    }

    @Test("the model's mistakes are found, each at its key")
    func validation() {
        var both = Rule(name: "both", type: .pageView, url: "*/x*", points: 5, group: "ghost")
        both.decay = .halfLife(ConfigDuration(seconds: Self.day))
        both.window = ConfigDuration(seconds: Self.day)
        var badCap = Rule(name: "bad-cap", type: .pageView, points: 5, group: "shared")
        badCap.cap = 0
        var badDecay = Rule(name: "bad-decay", type: .pageView, points: 5)
        badDecay.decay = .linear(percent: 150, every: ConfigDuration(seconds: 0))
        var config = Self.config([both, badCap, badDecay],
                                 fit: [.init(name: "f", when: [:], points: 5, group: "shared"), .init(name: "g", when: [:], points: 5, group: "fading")],
                                 groups: ["shared": .init(), "fading": .init(window: ConfigDuration(seconds: Self.day)), "upside-down": .init(cap: 5, floor: 10)],
                                 limits: .init(total: .init(cap: 0, floor: 1)))
        config.mql.hysteresis = 100
        let issues = config.validate(knownAttributes: []).map { "\($0.path.joined(separator: ".")): \($0.message)" }
        let expected = [
            "interest.events.0.window", "interest.events.0.group", "interest.events.1.cap", "interest.events.1.group",
            "interest.events.2.decay.percent", "interest.events.2.decay.every", "fit.1.group", "groups.upside-down.floor",
            "limits.total.floor", "mql.hysteresis",
        ]
        for path in expected { #expect(issues.contains { $0.hasPrefix(path + ":") }, "\(path) in \(issues)") }
        #expect(issues.contains { $0.contains("no group 'ghost'") && $0.contains("defined: fading, shared, upside-down") })
    }
}
