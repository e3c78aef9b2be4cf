import Foundation
import Testing
@testable import LeadRelayCore

@Suite("SLA: what counts as a touch, and which tier an MQL falls in")
struct SalesTouchTests {
    static let lead = RecordRef(system: .salesforce, object: "Lead", id: "00Q1")
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func activity(_ id: String, _ kind: Activity.Kind, _ minutes: Double, form: String? = nil) -> Activity {
        Activity(id: id, subject: lead, kind: kind, occurredAt: start.addingTimeInterval(minutes * 60), form: form)
    }

    @Test("the first touch is the earliest call, sent email or meeting at or after assignment, whatever order they arrived in")
    func firstTouch() {
        let arrived = [Self.activity("late-logged", .call, 50), Self.activity("before", .call, -5), Self.activity("plan", .task, 1),
                       Self.activity("reply", .emailReply, 2), Self.activity("visit", .pageView, 3), Self.activity("email", .salesEmail, 70)]
        #expect(SalesTouch.first(in: arrived, since: Self.start)?.id == "late-logged")
        // A call logged afterwards with an earlier time wins over what was known.
        #expect(SalesTouch.first(in: arrived + [Self.activity("earlier", .call, 20)], since: Self.start)?.id == "earlier")
        #expect(SalesTouch.first(in: [Self.activity("m", .meeting, 0)], since: Self.start)?.id == "m", "at the instant of assignment counts")
        #expect(SalesTouch.first(in: [Self.activity("x", .task, 5), Self.activity("y", .emailReply, 5)], since: Self.start) == nil)
        // Two touches at the same instant: the same one whichever comes first.
        let tie = [Self.activity("b", .call, 5), Self.activity("a", .salesEmail, 5)]
        #expect(SalesTouch.first(in: tie, since: Self.start)?.id == "a" && SalesTouch.first(in: tie.reversed(), since: Self.start)?.id == "a")
    }

    @Test("persistence counts touches once across both CRMs and channels, and only when spaced as configured")
    func persistence() {
        let hubspot = RecordRef(system: .hubspot, object: "contacts", id: "51")
        func touch(_ id: String, _ kind: Activity.Kind, _ minutes: Double, on subject: RecordRef = Self.lead) -> Activity {
            Activity(id: id, subject: subject, kind: kind, occurredAt: Self.start.addingTimeInterval(minutes * 60))
        }
        let touches = [
            touch("sf-call", .call, 10), touch("hs-call", .call, 10, on: hubspot),   // one call, synced into both CRMs
            touch("voicemail-email", .salesEmail, 11),                            // a minute later: the same attempt
            touch("plan", .task, 30), touch("reply", .emailReply, 40, on: hubspot),
            touch("day-2", .call, 60 * 24), touch("day-2-meeting", .meeting, 60 * 24 + 300),
            touch("before", .call, -60),
        ]
        #expect(SalesTouch.counted(in: touches, since: Self.start, spacing: 4 * 3600).map(\.id) == ["hs-call", "day-2", "day-2-meeting"])
        #expect(SalesTouch.counted(in: touches, since: Self.start, spacing: 0).map(\.id) == ["hs-call", "voicemail-email", "day-2", "day-2-meeting"],
                "the same instant in both CRMs is one touch even with no spacing")
        #expect(SalesTouch.counted(in: touches.reversed(), since: Self.start, spacing: 4 * 3600).map(\.id) == ["hs-call", "day-2", "day-2-meeting"],
                "whatever order they arrived in")
    }

    @Test("HubSpot calls, emails and meetings, and Salesforce tasks, as the reference describes them")
    func crmRules() {
        #expect(SalesTouch.hubspotCall(direction: "OUTBOUND", status: "COMPLETED") == .call)
        #expect(SalesTouch.hubspotCall(direction: "OUTBOUND", status: "NO_ANSWER") == .call, "any outcome of a placed call")
        #expect(SalesTouch.hubspotCall(direction: nil, status: nil) == .call, "logged by hand")
        #expect(SalesTouch.hubspotCall(direction: "INBOUND", status: "COMPLETED") == nil)
        #expect(SalesTouch.hubspotCall(direction: "OUTBOUND", status: "CANCELED") == nil && SalesTouch.hubspotCall(direction: "OUTBOUND", status: "QUEUED") == nil)
        #expect(SalesTouch.hubspotEmail(direction: "EMAIL", status: "SENT", subject: "Your demo") == .salesEmail)
        #expect(SalesTouch.hubspotEmail(direction: "EMAIL", status: "SCHEDULED", subject: "Your demo") == nil)
        #expect(SalesTouch.hubspotEmail(direction: "EMAIL", status: "BOUNCED", subject: nil) == nil)
        #expect(SalesTouch.hubspotEmail(direction: "INCOMING_EMAIL", status: nil, subject: "Re: Your demo") == .emailReply)
        #expect(SalesTouch.hubspotEmail(direction: "INCOMING_EMAIL", status: nil, subject: "Automatic reply: Your demo") == nil)
        #expect(SalesTouch.hubspotEmail(direction: "FORWARDED_EMAIL", status: nil, subject: nil) == nil)
        #expect(SalesTouch.hubspotMeeting(outcome: "SCHEDULED") == .meeting && SalesTouch.hubspotMeeting(outcome: nil) == .meeting)
        #expect(SalesTouch.hubspotMeeting(outcome: "CANCELED") == nil && SalesTouch.hubspotMeeting(outcome: "NO_SHOW") == nil)
        #expect(SalesTouch.salesforceTask(subtype: "Call", status: "Completed", closed: true, subject: "Call") == .call)
        #expect(SalesTouch.salesforceTask(subtype: "Call", status: "Not Started", closed: false, subject: "Call back") == nil, "a planned call")
        #expect(SalesTouch.salesforceTask(subtype: "Email", status: "Completed", closed: nil, subject: "Email: Intro") == .salesEmail)
        #expect(SalesTouch.salesforceTask(subtype: "Email", status: "Completed", closed: true, subject: "Out of Office: back Monday") == nil)
        #expect(SalesTouch.salesforceTask(subtype: "ListEmail", status: "Completed", closed: true, subject: "Newsletter") == .task)
        #expect(SalesTouch.salesforceTask(subtype: "Task", status: "Completed", closed: true, subject: "Research") == .task)
        #expect(SalesTouch.meetingTime(start: Self.start.addingTimeInterval(86_400), created: Self.start) == Self.start, "booked counts from the booking")
        #expect(SalesTouch.meetingTime(start: Self.start, created: Self.start.addingTimeInterval(3600)) == Self.start, "logged after the fact")
    }

    @Test("the first tier whose conditions hold: form, interest rule, score, source and lead attributes")
    func tiers() {
        func tier(_ name: String, _ when: [String: Condition]?) -> SLAConfig.Tier {
            SLAConfig.Tier(name: name, when: when, firstTouchWithin: ConfigDuration(seconds: 3600))
        }
        let config = SLAConfig(tiers: [
            tier("demo", ["form": .equals("demo-request")]),
            tier("enterprise", ["employees": .atLeast(1000), "score": .atLeast(80)]),
            tier("partner", ["source": .oneOf(["Partner Referral"])]),
            tier("pricing", ["event": .equals("pricing-page")]),
            tier("warm", nil),
        ])
        let lead = Lead(personKey: PersonKey(rawValue: "email:a@acme.io")!, sources: [Self.lead], fields: ["employees": "5000"], lifecycle: .lead,
                        modifiedAt: Self.start)
        let score = ScoreBreakdown(fit: [.init(rule: "target-size", points: 40, detail: "")],
                                   interest: [.init(rule: "pricing-page", points: 10, detail: ""), .init(rule: "contact-us", points: 0, detail: "")])
        #expect(config.tier(for: lead, score: score, activities: [Self.activity("f", .formSubmission, 0, form: "Demo-Request")])?.name == "demo")
        #expect(config.tier(for: lead, score: score, activities: [Self.activity("f", .formSubmission, 0, form: "contact-us")])?.name == "pricing",
                "score 50 is below the enterprise line; contact-us counted no points")
        let high = ScoreBreakdown(fit: [.init(rule: "target-size", points: 90, detail: "")], interest: [])
        #expect(config.tier(for: lead, score: high, activities: [])?.name == "enterprise")
        var partner = lead
        partner.fields = ["leadSource": "Partner Referral"]
        #expect(config.tier(for: partner, score: ScoreBreakdown(fit: [], interest: []), activities: [])?.name == "partner")
        #expect(config.tier(for: partner, score: ScoreBreakdown(fit: [], interest: []), activities: [])?.firstTouchWithin.seconds == 3600)
        #expect(SLAConfig(tiers: [tier("only-demo", ["form": .exists(true)])]).tier(for: lead, score: score, activities: []) == nil,
                "no tier: no SLA for this MQL")
        #expect(Condition.noneOf(["spam"]).matchesAny([]) && !Condition.noneOf(["spam"]).matchesAny(["ok", "spam"]))
    }
}
