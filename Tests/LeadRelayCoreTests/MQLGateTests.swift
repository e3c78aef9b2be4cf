import Foundation
import Testing
@testable import LeadRelayCore

@Suite("MQL gate: hysteresis and recycle")
struct MQLGateTests {
    static let day: TimeInterval = 86_400
    let person = PersonKey.email("morgan@northwind.io")

    /// Fit 60 (VP, 1,200 staff, healthcare); a demo request is 60 interest, a pricing view 10 (two a day).
    var contact: SourceRecord {
        Fixtures.contact("51", ["email": "morgan@northwind.io", "firstname": "Morgan", "lastname": "Reyes", "jobtitle": "VP Ops",
                                "numemployees": "1200", "industry": "HOSPITAL_HEALTH_CARE", "state": "MA", "lifecyclestage": "marketingqualifiedlead"])
    }

    func lead(_ status: String, at time: Date = Fixtures.now.addingTimeInterval(-3600)) -> SourceRecord {
        Fixtures.lead("00Q1", ["Email": "morgan@northwind.io", "LastName": "Reyes", "Company": "Northwind", "Status": status, "OwnerId": "005A"], at: time)
    }

    func pipeline(hysteresis: Double?) -> Pipeline {
        var scoring = Fixtures.scoring
        scoring.mql.hysteresis = hysteresis
        return Pipeline(mapping: Fixtures.mapping, scoring: scoring, routing: Fixtures.routing, reps: Fixtures.reps)
    }

    func demo(at time: Date) -> Activity {
        Activity(id: "demo-\(time.timeIntervalSince1970)", subject: contact.ref, kind: .formSubmission, occurredAt: time, form: "demo-request")
    }

    func pricing(at time: Date, _ index: Int) -> Activity {
        Fixtures.pageView("51", "https://northwind.io/pricing", id: "pricing-\(index)-\(time.timeIntervalSince1970)", at: time)
    }

    func input(_ records: [SourceRecord], activities: [Activity], gate: MQLGate?, now: Date) -> PipelineInput {
        var input = PipelineInput(records: records, activities: activities, links: Dictionary(uniqueKeysWithValues: records.map { ($0.ref, person) }),
                                  assignments: [person: "ana"], now: now)
        if let gate { input.gates = [person: gate] }
        return input
    }

    static func mqls(_ plan: Plan) -> Int { plan.events.filter { if case .mql = $0.kind { true } else { false } }.count }

    @Test("a latched gate opens only below threshold − hysteresis, at the lowest point seen, decay included")
    func rearmRule() {
        let gate = MQLGate(latched: true)
        #expect(gate.rearms(score: 95, valley: nil, line: 90) == nil)
        #expect(gate.rearms(score: 85, valley: nil, line: 90) == 85)
        #expect(gate.rearms(score: 105, valley: 80, line: 90) == 80, "fell by decay, then climbed back before it was read")
        #expect(MQLGate(latched: false).rearms(score: 10, valley: nil, line: 90) == nil)
        #expect(MQLGate.rearmLine(.init(threshold: 100, minimumFit: nil, hysteresis: 15)) == 85)
        #expect(MQLGate.rearmLine(.init(threshold: 100, minimumFit: nil, hysteresis: nil)) == 100)
    }

    @Test("a recycled lead hovering over the line is one MQL; once it fell below the re-arm line (by decay, unseen) it is an MQL again")
    func hysteresis() throws {
        let since = Fixtures.now.addingTimeInterval(-20 * Self.day)
        let recycled = MQLGate(latched: true, recycled: true, interestSince: since, checkedAt: Fixtures.now.addingTimeInterval(-Self.day))
        let records = [contact, lead("Recycled")]
        let demo = demo(at: Fixtures.now.addingTimeInterval(-15 * Self.day))
        // Back over the threshold (60 fit + 42.4 interest) but never below the line since the MQL: no new MQL.
        let hovering = pipeline(hysteresis: 10).plan(input(records, activities: [demo], gate: recycled, now: Fixtures.now))
        #expect(Self.mqls(hovering) == 0 && hovering.assignments.isEmpty)
        let held = try #require(hovering.gates[person])
        #expect(held.latched && held.checkedAt == Fixtures.now, "looked at now: the valley is measured from here")

        // 21 days on: the demo decayed to 26 (total 86, below 90) unseen; two pricing views bring it to 106.
        let later = Fixtures.now.addingTimeInterval(21 * Self.day)
        let views = [pricing(at: later.addingTimeInterval(-600), 1), pricing(at: later.addingTimeInterval(-300), 2)]
        let back = pipeline(hysteresis: 10).plan(input(records, activities: [demo] + views, gate: held, now: later))
        let rearmed = try #require(back.events.first { if case .mqlRearmed = $0.kind { true } else { false } })
        guard case .mqlRearmed(let low, let line) = rearmed.kind else { return }
        #expect(line == 90 && low < 90 && low > 85, "the valley: the old evidence alone, decayed to now (\(low))")
        #expect(rearmed.cause.code == .mqlRearmed)
        #expect(Self.mqls(back) == 1 && back.assignments[person] != nil, "an MQL again, and routed again")
        let crossed = try #require(back.gates[person])
        #expect(crossed.latched && !crossed.recycled)
        let status = back.writes.first { $0.system == .salesforce && $0.fields["OwnerId"] != nil }?.fields["Status"]
        #expect(status == CRMFieldNames.salesforceOpenStatus, "a recycled lead routed again starts over as open in Salesforce")

        // With a wider band (hysteresis 20: line 80) the same valley of 86 is not low enough: still latched.
        let wide = pipeline(hysteresis: 20).plan(input(records, activities: [demo] + views, gate: held, now: later))
        #expect(Self.mqls(wide) == 0 && wide.gates[person]?.latched == true)
        #expect(!wide.events.contains { if case .mqlRearmed = $0.kind { true } else { false } })
    }

    @Test("recycle resets interest and keeps fit: evidence before it never counts again, and the lead re-arms at once")
    func recycleResetsInterest() throws {
        let pipeline = pipeline(hysteresis: 10)
        let demo = demo(at: Fixtures.now.addingTimeInterval(-2 * Self.day))
        let working = lead("Working - Contacted")
        var first = input([contact, lead("Recycled", at: Fixtures.now)], activities: [demo], gate: nil, now: Fixtures.now)
        first.previous = [working.ref: working, contact.ref: contact]
        let recycledPlan = pipeline.plan(first)
        #expect(recycledPlan.events.contains { $0.kind == .lifecycleChanged(from: .sal, to: .recycled) }, "\(recycledPlan.events.map(\.kind))")
        let score = try #require(recycledPlan.changes.lazy.compactMap { change -> ScoreBreakdown? in
            if case .score(let score) = change.action { score } else { nil }
        }.first)
        #expect(score.fitScore == 60 && score.interestScore == 0 && score.interest.isEmpty, "the demo before the recycle no longer counts")
        let gate = try #require(recycledPlan.gates[person])
        #expect(gate.recycled && !gate.latched && gate.interestSince == Fixtures.now, "fit 60 alone is below the line: re-armed")
        #expect(recycledPlan.events.contains { if case .mqlRearmed(60, 90) = $0.kind { true } else { false } })
        #expect(Self.mqls(recycledPlan) == 0)

        // A demo request after the recycle makes it an MQL again (60 + 60).
        let later = Fixtures.now.addingTimeInterval(3 * Self.day)
        let again = pipeline.plan(input([contact, lead("Recycled", at: Fixtures.now)], activities: [demo, self.demo(at: later.addingTimeInterval(-60))],
                                        gate: gate, now: later))
        #expect(Self.mqls(again) == 1 && again.assignments[person] != nil)
        let interest = again.changes.lazy.compactMap { change -> ScoreBreakdown? in
            if case .score(let score) = change.action { score } else { nil }
        }.first?.interest
        #expect(interest?.map(\.detail).first?.hasPrefix("1 × form-submission") == true, "only the new demo counts: \(interest ?? [])")
    }

    @Test("an assigned lead is never an MQL twice while its rep holds it, whatever its score does; stores from before gates behave the same")
    func assignedStaysLatched() {
        let records = [contact, lead("Working - Contacted")]
        let hot = [demo(at: Fixtures.now.addingTimeInterval(-60))]
        for gate in [nil, MQLGate(latched: true)] as [MQLGate?] {
            let plan = pipeline(hysteresis: 10).plan(input(records, activities: hot, gate: gate, now: Fixtures.now))
            #expect(Self.mqls(plan) == 0 && plan.assignments.isEmpty && plan.gates.isEmpty)
            let cold = pipeline(hysteresis: 10).plan(input(records, activities: [], gate: gate, now: Fixtures.now))
            #expect(!cold.events.contains { if case .mqlRearmed = $0.kind { true } else { false } }, "a held lead does not re-arm")
        }
    }
}

@Suite("Salesforce statuses that send a lead back to marketing")
struct RecycleStatusTests {
    @Test("statuses orgs add for recycling read as recycled; a fresh org's statuses keep their stages")
    func statuses() {
        for status in ["Recycled", "Recycle - Nurture", "Nurturing", "RECYCLE"] {
            #expect(CRMFieldNames.stage(salesforceStatus: status) == .recycled, "\(status)")
        }
        #expect(CRMFieldNames.stage(salesforceStatus: "Closed - Not Converted") == .disqualified)
        #expect(CRMFieldNames.stage(salesforceStatus: "Working - Contacted") == .sal)
        #expect(CRMFieldNames.stage(salesforceStatus: "Closed - Converted") == .sql)
        #expect(CRMFieldNames.stage(salesforceStatus: "Open - Not Contacted") == nil)
    }
}
