import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayHTTP
import LeadRelayNotify
import LeadRelayTestSupport
import Testing

/// Sleeps a notifier asked for, without sleeping.
actor Naps {
    var asked: [Duration] = []
    func add(_ duration: Duration) { asked.append(duration) }
}

@Suite("Slack alerts: Block Kit, escaping, Retry-After, delivery states")
struct SlackAlertTests {
    static let links = RecordLinks(hubspotPortalID: "4410", salesforceInstance: URL(string: "https://acme.my.salesforce.com"))
    static let refs = [RecordRef(system: .hubspot, object: "contacts", id: "51"), RecordRef(system: .salesforce, object: "Lead", id: "00Q5g00000AbCdE")]

    static func note(name: String = "Morgan Reyes", kind: NotificationKind = .newMQL) -> LeadRelayCore.Notification {
        let breakdown = ScoreBreakdown(fit: [.init(rule: "senior-title", points: 25, detail: "seniority in c-level, vp"),
                                             .init(rule: "free-mail", points: -20, detail: "emailClass = free")],
                                       interest: [.init(rule: "pricing-page", points: 9.5, detail: "2 × page-view"),
                                                  .init(rule: "demo-request", points: 58.2, detail: "1 × form-submission, half-life 30d"),
                                                  .init(rule: "email-click", points: 2, detail: "1 × email-click"),
                                                  .init(rule: "webinar", points: 5, detail: "1 × form-submission")])
        return LeadRelayCore.Notification(recipient: Recipient(repID: "ana", email: "ana@example.com"), kind: kind, lead: LeadSummary(
            personKey: .email("morgan@northwind.io"), name: name, email: "morgan@northwind.io", company: "Northwind & Sons", title: "VP Ops",
            score: 79.7, fit: 5, interest: 74.7, routedBy: "healthcare", records: refs, breakdown: breakdown))
    }

    static func texts(_ payload: JSONValue) -> [String] {
        var found: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .string(let text): found.append(text)
            case .array(let items): items.forEach(walk)
            case .object(let fields): fields.keys.sorted().forEach { walk(fields[$0]!) }
            default: break
            }
        }
        walk(payload)
        return found
    }

    @Test("the message has the text fallback, a header, the lead linked to its CRM page, score, rule, owner, top behaviours, fit, and both records linked")
    func blocks() throws {
        let payload = SlackMessage.payload(Self.note(), links: Self.links)
        #expect(payload["text"]?.stringValue == SlackMessage.escape(NotificationText.plain(Self.note())))
        let blocks = try #require(payload["blocks"]?.arrayValue)
        #expect(blocks.first?["type"]?.stringValue == "header" && blocks.first?["text"]?["text"]?.stringValue == "New MQL: Morgan Reyes")
        let lead = try #require(blocks[1]["text"]?["text"]?.stringValue)
        #expect(lead == "*<https://app.hubspot.com/contacts/4410/record/0-1/51|Morgan Reyes>* · VP Ops at Northwind &amp; Sons\nmorgan@northwind.io")
        let fields = try #require(blocks[1]["fields"]?.arrayValue).compactMap { $0["text"]?.stringValue }
        #expect(fields == ["*Score*\n79.7 (fit 5 · interest 74.7)", "*Routed by*\nhealthcare", "*Owner*\nana"])
        let why = try #require(blocks[2]["fields"]?.arrayValue).compactMap { $0["text"]?.stringValue }
        #expect(why.first == "*Top behaviours*\n• demo-request +58.2 — 1 × form-submission, half-life 30d\n• pricing-page +9.5 — 2 × page-view\n• webinar +5 — 1 × form-submission",
                "the three that scored most, most first")
        #expect(why.last == "*Fit*\n• senior-title +25 — seniority in c-level, vp\n• free-mail -20 — emailClass = free")
        let context = try #require(blocks.last?["elements"]?.arrayValue).compactMap { $0["text"]?.stringValue }
        #expect(context == ["<https://app.hubspot.com/contacts/4410/record/0-1/51|HubSpot contacts 51>",
                            "<https://acme.my.salesforce.com/lightning/r/Lead/00Q5g00000AbCdE/view|Salesforce Lead 00Q5g00000AbCdE>"])
        #expect(SlackRoutesProbe.problem(payload) == nil)
    }

    @Test("a hostile name cannot mention, link or break the message; long values are cut to Slack's limits; no site, no links")
    func hostile() throws {
        let name = "<!channel> <https://evil.example|click> & " + String(repeating: "x", count: 4_000)
        let payload = SlackMessage.payload(Self.note(name: name, kind: .stranded), links: .none)
        let header = payload["blocks"]?.arrayValue?.first?["text"]
        #expect(header?["type"]?.stringValue == "plain_text", "a header is plain text: Slack parses no mention or link in it")
        for text in Self.texts(payload) where text != header?["text"]?.stringValue {
            #expect(!text.contains("<!channel>") && !text.contains("<https://evil"), "\(text.prefix(80))")
        }
        let blocks = try #require(payload["blocks"]?.arrayValue)
        #expect(blocks[0]["text"]?["text"]?.stringValue?.count == 150)
        #expect(blocks[0]["text"]?["text"]?.stringValue?.hasPrefix("Nobody could take this MQL: &lt;") == false, "a header is plain text: not escaped")
        #expect((blocks[1]["text"]?["text"]?.stringValue?.count ?? 0) <= 3_000)
        #expect(blocks[1]["text"]?["text"]?.stringValue?.hasPrefix("*&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; xxx") == true)
        #expect(blocks.last?["elements"]?.arrayValue?.first?["text"]?.stringValue == "HubSpot contacts 51")
        #expect((payload["text"]?.stringValue?.count ?? 0) <= 3_900)
        #expect(SlackRoutesProbe.problem(payload) == nil)
        // An alert queued before alerts were values keeps its text alone.
        let legacy = LeadRelayCore.Notification(recipient: Recipient(repID: "ana", email: "a@x.io"), kind: .newMQL,
                                                lead: LeadSummary(personKey: nil, legacyText: "New MQL for ana"))
        #expect(SlackMessage.payload(legacy, links: Self.links) == ["text": "New MQL for ana", "username": "LeadRelay"])
    }

    @Test("a 429 is waited out for its Retry-After, never less; a longer wait is handed back for the outbox; the simulator takes the blocks")
    func retryAfter() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let naps = Naps()
            let notifier = SlackNotifier(webhook: Secret(endpoints.slackWebhookURL.absoluteString), transport: AsyncHTTPClientTransport(),
                                         retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 5), links: Self.links,
                                         sleep: { await naps.add($0) })
            await simulator.state.failSlack([.init(status: 429, retryAfter: 2)])
            let receipt = try await notifier.send(Self.note())
            #expect(receipt.state == .accepted && receipt.channel == "slack")
            let slept = await naps.asked
            #expect(slept.count == 1 && (slept.first ?? .zero) >= .seconds(2), "\(slept)")
            let posted = try #require(await simulator.state.slackBodies().last)
            #expect(posted["blocks"]?.arrayValue?.count == 4, "Block Kit accepted by the sink's limits")

            await simulator.state.failSlack([.init(status: 429, retryAfter: 30)])
            do {
                _ = try await notifier.send(Self.note())
                Issue.record("expected the wait to be handed back")
            } catch let error as NotifierError {
                #expect(error.transient && error.retryAfter == 30, "\(error.message)")
            }
            let after = await naps.asked
            #expect(after.count == 1, "a 30 s wait is not slept inline")
            #expect(await simulator.state.slackBodies().count == 1)
            // The webhook is held for everyone till then: the next alert is not even tried.
            let requests = await simulator.state.slackHookPaths().count
            do {
                _ = try await notifier.send(Self.note())
                Issue.record("expected the channel to be held")
            } catch let error as NotifierError {
                #expect(error.pacedUntil.map { $0.timeIntervalSinceNow > 25 } == true, "\(error.message)")
            }
            #expect(await simulator.state.slackHookPaths().count == requests, "no request while the channel is held")

            // A Retry-After that is no number of seconds counts as a second; one beyond an hour is held to an hour.
            let fresh = SlackNotifier(webhook: Secret(endpoints.slackWebhookURL.absoluteString), transport: AsyncHTTPClientTransport(),
                                      retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 5), links: Self.links,
                                      sleep: { await naps.add($0) })
            await simulator.state.failSlack([.init(status: 429, retryAfterText: "nan")])
            _ = try await fresh.send(Self.note())
            let afterNaN = await naps.asked
            #expect(afterNaN.count == 2 && afterNaN.last.map { $0 >= .seconds(1) && $0 < .seconds(5) } == true, "\(afterNaN)")
            await simulator.state.failSlack([.init(status: 429, retryAfterText: "1e12")])
            do {
                _ = try await fresh.send(Self.note())
                Issue.record("expected the wait to be handed back")
            } catch let error as NotifierError {
                #expect(error.retryAfter == 3_600, "\(error.message)")
            }
        }
    }

    @Test("an alert whose channel answers 429 is held for its Retry-After, marked retrying, and never blocks routing; it goes once the wait is over")
    func heldByOutbox() async throws {
        try await withRig(people: 150) { rig in
            let result = try await rig.engine.runCycle()
            let alerts = result.plan.notifications.count
            #expect(alerts >= 1)
            // The first alert is refused with a long wait; the CRM writes of the cycle are not held by it.
            await rig.simulator.state.failSlack([.init(status: 429, retryAfter: 3)])
            let notifier = SlackNotifier(webhook: try #require(rig.configuration.slackWebhook), transport: AsyncHTTPClientTransport(),
                                         retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 1),
                                         pace: ChannelPacer.Pace(perSecond: 1_000, burst: 1_000), sleep: { _ in })
            let dispatcher = try await Daemon.start(rig.configuration, store: rig.store, connectors: rig.connectors, notifier: notifier).dispatcher
            let first = try await dispatcher.drain()
            // The webhook asked for 3 s: the other alerts wait with it (postponed, no attempt counted), the writes go on.
            #expect(first.retryLater == 1 && first.postponed == alerts - 1 && first.notified == 0 && first.failed == 0 && first.applied > 0, "\(first)")
            #expect(first.nextDue.map { (2...3.5).contains($0.timeIntervalSinceNow) } == true, "the loop wakes when the wait is over")
            #expect(try await rig.store.outbox().filter { $0.status == .pending }.allSatisfy { $0.attempts <= 1 })
            let held = try #require(try await rig.store.outbox().first { $0.status == .pending && $0.attempts == 1 })
            #expect(held.delivery?.state == .retrying && held.lastError?.contains("Retry-After 3") == true)
            guard case .notify(let note) = held.payload, let person = held.subject.person else { Issue.record("not an alert"); return }
            let events = try await rig.store.events(for: person).map(\.event.kind)
            #expect(events.contains(.delivered(repID: note.repID, channel: "slack", state: .retrying)))
            #expect(try await dispatcher.drain().notified == 0, "not before its Retry-After")
            try await Task.sleep(for: .seconds(3.2))
            #expect(try await dispatcher.drain().notified == alerts)
            #expect(try await rig.store.outbox().first { $0.id == held.id }?.delivery?.state == .accepted)
            #expect(await rig.simulator.state.slackBodies().count == alerts, "one alert per assignment")
        }
    }
}

/// The simulator sink's own Block Kit check, run on a payload built here.
enum SlackRoutesProbe {
    static func problem(_ payload: JSONValue) -> String? {
        guard let data = try? payload.encoded(), let json = try? SimJSON.decode(data), let blocks = json["blocks"] else { return "unreadable" }
        return CRMSimulator.slackBlockProblem(blocks)
    }
}

@Suite("Per-rep Slack channels with the team channel as fallback")
struct RepChannelTests {
    @Test("a rep's own webhook is tried first; when it is gone the team channel takes the alert (fell-back); with both failing it is retried")
    func fallback() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let team = Secret(endpoints.slackWebhookURL.absoluteString)
            let ana = Secret(endpoints.slackWebhookURL.absoluteString + "/T1/B1/ana-secret")
            let notifier = SlackNotifier(webhook: team, repWebhooks: ["ana": ana], transport: AsyncHTTPClientTransport(),
                                         retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.01), sleep: { _ in })
            let own = try await notifier.send(SlackAlertTests.note())
            #expect(own.state == .accepted && own.channel == "slack:ana")
            #expect(await simulator.state.slackHookPaths() == ["/hooks/slack/T1/B1/ana-secret"])
            #expect(!"\(notifier)".contains("ana-secret"), "webhooks are credentials: \(notifier)")

            await simulator.state.removeSlackHook("/hooks/slack/T1/B1/ana-secret")
            let fell = try await notifier.send(SlackAlertTests.note())
            #expect(fell.state == .fellBack && fell.channel == "slack")
            #expect(await simulator.state.slackHookPaths().last == "/hooks/slack")
            // A rep without a channel of their own goes straight to the team's.
            var ben = SlackAlertTests.note()
            ben.recipient = Recipient(repID: "ben", email: "ben@example.com")
            #expect(try await notifier.send(ben).state == .accepted)

            await simulator.state.failSlack([.init(status: 500), .init(status: 500)])
            do {
                _ = try await notifier.send(SlackAlertTests.note())
                Issue.record("expected a failure")
            } catch let error as NotifierError {
                #expect(error.transient && error.message.contains("slack:ana: ") && error.message.contains("; slack: "), "\(error.message)")
            }
        }
    }

    @Test("alerts that fell back are stored as fell-back, with their events")
    func storedState() async throws {
        try await withRig(people: 150) { rig in
            let result = try await rig.engine.runCycle()
            let reps = Set(result.plan.notifications.map(\.repID))
            #expect(!reps.isEmpty)
            let base = try #require(rig.configuration.slackWebhook).value
            var own: [String: Secret] = [:]
            for rep in reps {
                own[rep] = Secret(base + "/gone/\(rep)")
                await rig.simulator.state.removeSlackHook("/hooks/slack/gone/\(rep)")
            }
            let notifier = SlackNotifier(webhook: try #require(rig.configuration.slackWebhook), repWebhooks: own, transport: AsyncHTTPClientTransport(),
                                         retry: RetryPolicy(maxAttempts: 1, baseDelay: 0.01, maxDelay: 0.01), sleep: { _ in })
            let dispatcher = try await Daemon.start(rig.configuration, store: rig.store, connectors: rig.connectors, notifier: notifier).dispatcher
            let stats = try await dispatcher.drain()
            #expect(stats.notified == result.plan.notifications.count && stats.failed == 0)
            let alerts = try await rig.store.outbox().filter { if case .notify = $0.payload { true } else { false } }
            #expect(!alerts.isEmpty && alerts.allSatisfy { $0.delivery?.state == .fellBack && $0.delivery?.channel == "slack" })
            let person = try #require(alerts.first?.subject.person)
            #expect(try await rig.store.events(for: person).contains { if case .delivered(_, "slack", .fellBack) = $0.event.kind { true } else { false } })
        }
    }
}
