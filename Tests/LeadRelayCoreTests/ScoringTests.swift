import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Scoring")
struct ScoringTests {
    let scorer = Scorer(config: Fixtures.scoring)

    @Test("fit rules add up with their reasons")
    func fit() {
        let lead = Fixtures.plainLead(["email": "ana@acme.io", "title": "VP Sales", "employees": "1200", "industry": "Technology"])
        let score = scorer.score(lead, activities: [], now: Fixtures.now)
        #expect(score.fitScore == 60)
        #expect(score.fit.map(\.rule) == ["senior-title", "target-size", "target-sector"])
        #expect(score.summary.contains("senior-title +25"))
    }

    @Test("negative points count")
    func negative() {
        let lead = Fixtures.plainLead(["email": "ana@gmail.com", "title": "Student"])
        #expect(scorer.score(lead, activities: [], now: Fixtures.now).fitScore == -20)
    }

    @Test("interest decays by half each half-life")
    func decay() {
        let lead = Fixtures.plainLead(["email": "ana@acme.io"])
        let fresh = scorer.score(lead, activities: [Fixtures.demoRequest("1", daysAgo: 0)], now: Fixtures.now)
        let month = scorer.score(lead, activities: [Fixtures.demoRequest("1", daysAgo: 30)], now: Fixtures.now)
        let twoMonths = scorer.score(lead, activities: [Fixtures.demoRequest("1", daysAgo: 60)], now: Fixtures.now)
        #expect(fresh.interestScore == 60)
        #expect(month.interestScore == 30)
        #expect(twoMonths.interestScore == 15)
    }

    @Test("maxPerDay caps repeated events; duplicates by id count once; events far in the future do not count")
    func caps() {
        let lead = Fixtures.plainLead(["email": "ana@acme.io"])
        let day = Fixtures.now.addingTimeInterval(-3600)
        var events = (0..<5).map { Fixtures.pageView("1", "https://x.com/pricing", id: "p\($0)", at: day.addingTimeInterval(Double($0))) }
        events.append(events[0])
        events.append(Fixtures.pageView("1", "https://x.com/pricing", id: "future", at: Fixtures.now.addingTimeInterval(86_400)))
        let score = ScoringTests.noDecay.score(lead, activities: events, now: Fixtures.now)
        #expect(score.interestScore == 20)
        #expect(score.interest.first?.detail == "2 × page-view")
    }

    @Test("an event stamped a little ahead of our clock (the CRM's clock, or it landed while the cycle ran) counts in full")
    func slightlyAhead() {
        let lead = Fixtures.plainLead(["email": "ana@acme.io"])
        let demo = Activity(id: "f1", subject: RecordRef(system: .hubspot, object: "contacts", id: "1"), kind: .formSubmission,
                            occurredAt: Fixtures.now.addingTimeInterval(0.4), form: "demo-request")
        #expect(scorer.score(lead, activities: [demo], now: Fixtures.now).interestScore == 60)
        let late = Activity(id: "f2", subject: demo.subject, kind: .formSubmission, occurredAt: Fixtures.now.addingTimeInterval(Scorer.clockSkew + 1),
                            form: "demo-request")
        #expect(scorer.score(lead, activities: [late], now: Fixtures.now).interestScore == 0)
    }

    @Test("the MQL line needs both the total and the minimum fit")
    func qualification() {
        let goodFit = Fixtures.plainLead(["email": "ana@acme.io", "title": "CEO", "employees": "300", "industry": "Healthcare"])
        let poorFit = Fixtures.plainLead(["email": "ana@gmail.com"])
        let demo = [Fixtures.demoRequest("1", daysAgo: 0)]
        #expect(scorer.qualifies(scorer.score(goodFit, activities: demo, now: Fixtures.now)))
        #expect(!scorer.qualifies(scorer.score(goodFit, activities: [], now: Fixtures.now)))
        let clicksOnly = ScoreBreakdown(fit: [.init(rule: "x", points: 10, detail: "")], interest: [.init(rule: "y", points: 200, detail: "")])
        #expect(!scorer.qualifies(clicksOnly))
        #expect(!scorer.qualifies(scorer.score(poorFit, activities: demo, now: Fixtures.now)))
    }

    @Test("scoring validation names duplicate rules, unknown attributes and misplaced keys")
    func validation() {
        var config = Fixtures.scoring
        config.fit.append(.init(name: "senior-title", when: ["shoeSize": .equals("9")], points: 1))
        config.interest.events.append(.init(name: "odd", type: .emailClick, form: "x", url: "*", points: 1, maxPerDay: 0))
        let issues = config.validate(knownAttributes: Set(Fixtures.mapping.fields.map(\.canonical)).union(LeadAttributes.derived))
        let paths = issues.map(\.keyPath)
        #expect(paths.contains("fit.4.name"))
        #expect(paths.contains("fit.4.when.shoeSize"))
        #expect(paths.contains("interest.events.3.url"))
        #expect(paths.contains("interest.events.3.form"))
        #expect(paths.contains("interest.events.3.maxPerDay"))
    }

    static let noDecay: Scorer = {
        var config = Fixtures.scoring
        config.interest.halfLife = nil
        return Scorer(config: config)
    }()
}
