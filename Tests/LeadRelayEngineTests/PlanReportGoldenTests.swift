import Foundation
@testable import LeadRelayCore
@testable import LeadRelayEngine
import Testing
import LeadRelayHTTP

/// Every report format of one fixed plan, compared byte for byte with files under `Golden/`.
/// Run with `UPDATE_GOLDEN=1` to rewrite them after an intended change, then read the diff.
@Suite("Plan report formats (golden files)")
struct PlanReportGoldenTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var result: CycleResult {
        let person = PersonKey.email("morgan@northwind.io")
        let hs = RecordRef(system: .hubspot, object: "contacts", id: "51"), sf = RecordRef(system: .salesforce, object: "Lead", id: "00Q1")
        let decision = RouteDecision(repID: "ana", rule: "healthcare", reason: "industry is Healthcare; ana has the fewest open leads",
                                     candidates: [.init(repID: "ana", rejected: nil), .init(repID: "chloe", rejected: "at capacity (40 open)")])
        var owner = RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: "00Q1",
                                fields: ["OwnerId": "005A", "Title": "VP, Ops"], unmodifiedSince: Date(timeIntervalSince1970: 1_760_000_000))
        owner.reason = "owner for ana; title: HubSpot value 'VP, Ops' wins by two-way"
        let title = FieldDecision(field: "title", value: "VP, Ops", from: .hubspot, rule: .twoWay, conflict: false,
                                  hubspotValue: "VP, Ops", salesforceValue: nil, writeTo: [.salesforce], held: nil)
        let state = FieldDecision(field: "state", value: "MA", from: .hubspot, rule: .twoWay, conflict: true,
                                  hubspotValue: "MA", salesforceValue: "NY", writeTo: [.salesforce], held: nil)
        let industry = FieldDecision(field: "industry", value: "Agriculture", from: .salesforce, rule: .preferSalesforceUnlessBlank,
                                     conflict: false, hubspotValue: nil, salesforceValue: "Agriculture", writeTo: [],
                                     held: "no HubSpot option translates Salesforce value 'Agriculture'")
        let plan = Plan(generatedAt: Date(timeIntervalSince1970: 1_760_000_100), changes: [
            PlanChange(personKey: person, action: .link(hs), reason: Reason(.linkedByEmail, "hubspot/contacts/51 has email morgan@northwind.io")),
            PlanChange(personKey: person, action: .link(sf), reason: Reason(.linkedByEmail, "salesforce/Lead/00Q1 has email morgan@northwind.io")),
            PlanChange(personKey: person, action: .reconcile(title), reason: title.planReason),
            PlanChange(personKey: person, action: .reconcile(state), reason: state.planReason),
            PlanChange(personKey: person, action: .reconcile(industry), reason: industry.planReason),
            PlanChange(personKey: person, action: .enrich([
                EnrichedValue(field: "employees", value: "1200", source: "provider", filledAt: Date(timeIntervalSince1970: 1_759_000_000)),
                EnrichedValue(field: "industry", value: "Healthcare", source: "csv", filledAt: Date(timeIntervalSince1970: 1_760_000_100),
                              replaced: "Hospital | Care"),
                EnrichedValue(field: "territory", value: "northeast", source: "rules", filledAt: Date(timeIntervalSince1970: 1_760_000_100)),
            ]), reason: Reason(.enriched, "enriched employees, industry, territory")),
            PlanChange(personKey: person, action: .duplicates(DuplicateSet(system: .hubspot, survivor: hs, duplicates: [
                .init(ref: RecordRef(system: .hubspot, object: "contacts", id: "58"), evidence: "phone +6; name +5; company +2"),
                .init(ref: RecordRef(system: .hubspot, object: "contacts", id: "59"), evidence: "email +10; phone +6; name +5; score 21", merge: true),
            ])), reason: Reason(.duplicatesFound, "2 hubspot records of one person")),
            PlanChange(personKey: person, action: .score(Self.score), reason: Reason(.scoreChanged, Self.score.summary, facts: ["previous": "40"])),
            PlanChange(personKey: person, action: .assign(decision), reason: Reason(.routed, decision.reason)),
            PlanChange(personKey: person, action: .lifecycle(from: .lead, to: .mql),
                       reason: Reason(.crossedMQL, "crossed the MQL line: fit 80 + interest 50 = 130; threshold 100")),
            PlanChange(personKey: person, action: .write(owner), reason: owner.planReason(ownerFields: ["hubspot_owner_id", "OwnerId"])),
            PlanChange(personKey: person, action: .notify(LeadRelayCore.Notification(
                recipient: Recipient(repID: "ana", email: "ana@example.com"), kind: .newMQL,
                lead: LeadSummary(personKey: person, name: "Morgan Reyes <morgan@northwind.io>", email: "morgan@northwind.io", company: "\"Northwind\" Health",
                                  title: "VP Ops", score: 130, fit: 80, interest: 50, routedBy: "healthcare", records: [hs, sf]))),
                       reason: Reason(.notifyNewMQL, "tell ana about the new MQL")),
        ])
        var result = CycleResult(plan: plan, streams: [.init(stream: "hubspot.contacts", read: 3, changed: 2, rejected: 1, calls: 1),
                                                       .init(stream: "salesforce.Lead", read: 1, changed: 1, rejected: 0, calls: 1)],
                                 rejected: [RejectedRecord(system: .hubspot, object: "contacts", id: "77", reason: "no readable lastmodifieddate/updatedAt")],
                                 missingReps: [:], commit: CycleCommit(plan: plan))
        result.echoesSuppressed = 2
        return result
    }

    /// Fit 80 (a title, a size; the fit cap took 5 off), interest 50 (a demo request decayed, a pricing view).
    static let score = ScoreBreakdown(
        fit: [.init(rule: "senior-title", points: 25, detail: "seniority is vp"), .init(rule: "target-size", points: 60, detail: "employees 1200")],
        interest: [.init(rule: "demo-request", points: 42.5, detail: "1 × form-submission demo-request, decayed from 60 (half-life 30d)"),
                   .init(rule: "pricing-page", points: 7.5, detail: "1 × page-view */pricing*")],
        adjustments: [.init(scope: .fit, name: "fit", points: -5, detail: "capped at 80")])

    /// A write the CRM refused in an earlier cycle, and one still pending (which is not reported).
    static var quarantined: [OutboxEntry] {
        let refused = RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: "52", fields: ["industry": "Agriculture"])
        return [
            OutboxEntry(id: 7, effect: EffectID(cycle: 3, position: 0), subject: .person(.email("sam@acme.io")), payload: .write(refused), reason: "industry", status: .failed, attempts: 1,
                        lastError: "INVALID_OPTION: Agriculture was not one of the allowed options",
                        createdAt: Date(timeIntervalSince1970: 1_759_990_000), finishedAt: Date(timeIntervalSince1970: 1_759_990_060)),
            OutboxEntry(id: 8, effect: EffectID(cycle: 4, position: 0), subject: .person(.email("sam@acme.io")), payload: .write(refused), reason: "industry", status: .pending, attempts: 0,
                        lastError: nil, createdAt: Date(timeIntervalSince1970: 1_759_990_000), finishedAt: nil),
        ]
    }

    @Test("each format matches its golden file", arguments: PlanReport.Format.allCases)
    func golden(format: PlanReport.Format) throws {
        let rendered = PlanReport(result: Self.result, dryRun: true, quarantined: Self.quarantined).render(format)
        let file = Self.golden.appendingPathComponent("plan.\(format == .markdown ? "md" : format.rawValue)")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try Data(rendered.utf8).write(to: file)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(rendered == expected, "\(file.lastPathComponent) differs; rerun with UPDATE_GOLDEN=1 if the change is intended")
    }

    @Test("given the scoring, each score says why it is or is not an MQL, with the same breakdown explain lead prints")
    func scoreVerdicts() throws {
        var scoring = ScoringConfig(mql: .init(threshold: 100, minimumFit: 30), fit: [], interest: .init(halfLife: ConfigDuration(seconds: 86_400), events: []))
        let report = PlanReport(result: Self.result, dryRun: true, scoring: scoring)
        let json = try JSONValue.decode(Data(report.render(.json).utf8))
        let score = try #require(json["scores"]?.arrayValue?.first)
        #expect(score["mql"] == true && score["total"] == 130 && score["previous"] == 40)
        #expect(score["why"]?.stringValue == "an MQL: total 130 ≥ threshold 100 and fit 80 ≥ minimum 30; crossed the MQL line in this plan", "\(score["why"] ?? .null)")
        #expect(score["lines"]?.arrayValue?.compactMap(\.stringValue) == [
            "fit +25 senior-title — seniority is vp", "fit +60 target-size — employees 1200", "fit -5 fit capped at 80",
            "interest +42.5 demo-request — 1 × form-submission demo-request, decayed from 60 (half-life 30d)",
            "interest +7.5 pricing-page — 1 × page-view */pricing*"])
        #expect(report.render(.markdown).contains("| email:morgan@northwind.io | 130 (was 40) | 80 | 50 | yes | an MQL: total 130 ≥ threshold 100"))
        scoring.mql.threshold = 150
        let below = try JSONValue.decode(Data(PlanReport(result: Self.result, dryRun: true, scoring: scoring).render(.json).utf8))
        #expect(below["scores"]?.arrayValue?.first?["why"]?.stringValue == "not an MQL: total 130 < threshold 150 (20 short) and fit 80 ≥ minimum 30")
        #expect(json["lifecycle"]?.arrayValue?.first?["to"] == "mql" && json["lifecycle"]?.arrayValue?.first?["reasonCode"] == "lifecycle.mql")
    }

    @Test("CSV quotes commas, quotes and line breaks; HTML escapes markup and loads nothing from outside")
    func escaping() {
        let report = PlanReport(result: Self.result, dryRun: true)
        let csv = report.render(.csv)
        #expect(csv.contains("\"New MQL for ana: Morgan Reyes <morgan@northwind.io> at \"\"Northwind\"\" Health, score 130 (fit 80, interest 50). Routed by healthcare. Records: hubspot/contacts/51, salesforce/Lead/00Q1.\""))
        #expect(csv.hasPrefix("kind,person,record,field,hubspot,salesforce,value,rule,detail\r\n"))
        let html = report.render(.html)
        #expect(html.contains("&lt;morgan@northwind.io&gt;") && !html.contains("<morgan@"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
        #expect(html.hasPrefix("<!doctype html>") && html.hasSuffix("</html>\n"))
    }

    @Test("with names, people and reps are named by name and address and records link to their CRM pages, escaped in every format")
    func named() throws {
        let links = RecordLinks(hubspotPortalID: "62515", salesforceInstance: URL(string: "https://acme.my.salesforce.com")!)
        let records = [RecordRef(system: .hubspot, object: "contacts", id: "51"), RecordRef(system: .salesforce, object: "Lead", id: "00Q1")]
        let names = ReportNames(
            leads: [.email("morgan@northwind.io"): .init(person: .init(name: "Morgan <b>|Reyes</b>", email: "morgan@northwind.io"),
                                                       records: records.map { .init(ref: $0.description, url: links.url($0)) })],
            reps: ["ana": .init(id: "ana", name: "Ana Silva", email: "ana@example.com")])
        let report = PlanReport(result: Self.result, dryRun: true, quarantined: Self.quarantined, names: names)
        let markdown = report.render(.markdown)
        #expect(markdown.contains("| Morgan <b>\\|Reyes</b> <morgan@northwind.io> | Ana Silva <ana@example.com> | healthcare |"), "\(markdown)")
        #expect(markdown.contains("[hubspot/contacts/51](https://app.hubspot.com/contacts/62515/record/0-1/51), [salesforce/Lead/00Q1](https://acme.my.salesforce.com/lightning/r/Lead/00Q1/view)"))
        let html = report.render(.html)
        #expect(html.contains("<td>Morgan &lt;b&gt;|Reyes&lt;/b&gt; &lt;morgan@northwind.io&gt;</td>"))
        #expect(html.contains("<a href=\"https://acme.my.salesforce.com/lightning/r/Lead/00Q1/view\">salesforce/Lead/00Q1</a>"))
        #expect(!html.contains("<b>"), "a name is text, never markup")
        let csv = report.render(.csv)
        #expect(csv.contains("assignment,Morgan <b>|Reyes</b> <morgan@northwind.io>,"))
        let json = try JSONValue.decode(Data(report.render(.json).utf8))
        #expect(json["assignments"]?.arrayValue?.first?["person"] == "email:morgan@northwind.io", "JSON keeps the key; the names sit beside it")
        #expect(json["people"]?["email:morgan@northwind.io"]?["records"]?.arrayValue?.count == 2)
        #expect(json["reps"]?["ana"]?["email"] == "ana@example.com")
        // Without names nothing changes (the golden files above).
        #expect(PlanReport(result: Self.result, dryRun: true).render(.json).contains("\"people\"") == false)
    }

    @Test("drift counts the fields the two systems disagree on now")
    func drift() throws {
        let json = try JSONValue.decode(Data(PlanReport(result: Self.result, dryRun: true).render(.json).utf8))
        #expect(json["drift"] == ["title": 1, "state": 1, "industry": 1])
        #expect(json["summary"]?["conflicts"] == 1 && json["summary"]?["echoesSuppressed"] == 2)
    }
}
