import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayNotify
import Testing

@Suite("Alert pacing: each channel at its pace")
struct ChannelPacerTests {
    let now = Date(timeIntervalSince1970: 1_760_000_000)

    @Test("a burst goes at once, then one a second; a quiet spell refills the burst, never beyond it")
    func bucket() {
        let pacer = ChannelPacer()
        let pace = ChannelPacer.Pace(perSecond: 1, burst: 3)
        #expect((0..<3).map { _ in pacer.take("hook", pace: pace, now: now) } == [nil, nil, nil])
        #expect(pacer.take("hook", pace: pace, now: now) == now.addingTimeInterval(1), "the next turn, nothing taken")
        #expect(pacer.take("hook", pace: pace, now: now.addingTimeInterval(0.5)) == now.addingTimeInterval(1))
        #expect(pacer.take("hook", pace: pace, now: now.addingTimeInterval(1)) == nil)
        #expect(pacer.take("other", pace: pace, now: now.addingTimeInterval(1)) == nil, "each channel has its own bucket")
        let later = now.addingTimeInterval(3_600)
        #expect((0..<4).map { _ in pacer.take("hook", pace: pace, now: later) == nil } == [true, true, true, false])
    }

    @Test("a channel that asked for a pause is held for everyone till then, and starts again with one turn a second")
    func hold() {
        let pacer = ChannelPacer()
        let pace = ChannelPacer.Pace(perSecond: 1, burst: 3)
        pacer.hold("hook", until: now.addingTimeInterval(30), now: now)
        #expect(pacer.take("hook", pace: pace, now: now.addingTimeInterval(10)) == now.addingTimeInterval(30))
        #expect(pacer.take("hook", pace: pace, now: now.addingTimeInterval(30)) == now.addingTimeInterval(31), "an empty bucket at the end of the hold")
        #expect(pacer.take("hook", pace: pace, now: now.addingTimeInterval(31)) == nil)
        pacer.hold("hook", until: now.addingTimeInterval(40), now: now.addingTimeInterval(31))
        pacer.hold("hook", until: now.addingTimeInterval(35), now: now.addingTimeInterval(31))
        #expect(pacer.take("hook", pace: pace, now: now.addingTimeInterval(36)) == now.addingTimeInterval(40), "a shorter hold does not cut a longer one")
    }

    @Test("a digest waits for its rep's alerts to stop arriving, or for its oldest to have waited long enough")
    func ripe() {
        let policy = DigestPolicy(horizon: 86_400, quiet: 60, maxWait: 900)
        #expect(policy.ripe(newest: now, oldest: now.addingTimeInterval(-10)) == now.addingTimeInterval(60))
        #expect(policy.ripe(newest: now, oldest: now.addingTimeInterval(-870)) == now.addingTimeInterval(30), "a steady trickle does not starve it")
        var note = LeadRelayCore.Notification(recipient: Recipient(repID: "ana", email: "ana@x.io"), kind: .newMQL,
                                              lead: LeadSummary(personKey: .email("p@x.io"), lastActiveAt: now.addingTimeInterval(-86_401)))
        #expect(policy.gathers(note, now: now))
        note.lead.lastActiveAt = now.addingTimeInterval(-3_600)
        #expect(!policy.gathers(note, now: now), "a lead active within the horizon is told at once")
        note.lead.lastActiveAt = nil
        #expect(!policy.gathers(note, now: now), "an alert from before alerts carried the time is told as it was")
        note.lead.lastActiveAt = now.addingTimeInterval(-90_000)
        note.kind = .stranded
        #expect(policy.gathers(note, now: now), "a first start strands hundreds at once: the queue hears of them in one digest")
        note.kind = .slaReminder
        #expect(!policy.gathers(note, now: now), "only new-MQL and stranded alerts are gathered")
    }

    @Test("a digest lists its leads most promising first, ties by name, never by arrival")
    func digestOrder() throws {
        let leads = [("Cy", 120.0), ("Al", 150), ("Bo", 120)].map { LeadSummary(personKey: .email("\($0.0)@x.io"), name: $0.0, score: $0.1) }
        let digest = try #require(LeadRelayCore.Notification.digest(to: Recipient(repID: "ana", email: "ana@x.io"), of: leads))
        #expect(digest.kind == .digest && digest.items.map(\.name) == ["Al", "Bo", "Cy"] && digest.lead.name == "Al")
        #expect(LeadRelayCore.Notification.digest(to: Recipient(repID: "ana", email: "ana@x.io"), of: leads.reversed())?.items == digest.items)
        let text = NotificationText.plain(digest)
        #expect(text.hasPrefix("3 leads assigned to ana whose last activity was a while ago: Al (150); Bo (120); Cy (120)"), "\(text)")
        let payload = SlackMessage.payload(digest, links: .none)
        #expect(SlackRoutesProbe.problem(payload) == nil)
        let queued = try #require(LeadRelayCore.Notification.digest(to: Recipient(repID: StrandedTarget.queueHolder, email: "ops@x.io"), of: leads))
        #expect(NotificationText.plain(queued).hasPrefix("3 leads nobody could take wait in the stranded queue"))
        #expect(SlackMessage.payload(queued, links: .none)["blocks"]?.arrayValue?.first?["text"]?["text"]?.stringValue
            == "3 leads nobody could take, waiting in the stranded queue")
    }
}

@Suite("Going live without a flood: digests and paced channels against the simulator")
struct GoLiveAlertTests {
    @Test("leads idle past the horizon are assigned and written at once; each rep hears of them in one digest once they stop arriving")
    func digest() async throws {
        let notify = "digest: { horizon: 24h, quiet: 8s, maxWait: 15m }, pace: { slack: { perSecond: 1000, burst: 1000 } }"
        try await withRig(people: 600, notify: notify) { rig in
            let result = try await rig.engine.runCycle()
            let now = Date()
            let notes = result.plan.notifications.filter { $0.kind == .newMQL }
            let stale = notes.filter { ($0.lead.lastActiveAt.map { now.timeIntervalSince($0) } ?? 0) > 86_400 }
            let fresh = notes.count - stale.count
            #expect(stale.count >= 2, "the seeded leads were last active up to 45 days ago")

            let first = try await rig.dispatcher.drain()
            #expect(first.applied > 0 && first.notified == fresh && first.gathering == stale.count && first.digests == 0, "\(first)")
            let due = try #require(first.nextDue, "the loop wakes when the digest is done gathering")
            #expect((0...8).contains(due.timeIntervalSinceNow))
            #expect(await rig.simulator.state.slackBodies().count == fresh, "nothing of the backlog is sent one by one")
            #expect(try await rig.store.depth().pendingAlerts == stale.count)

            try await Task.sleep(for: .seconds(due.timeIntervalSinceNow + 0.2))
            let second = try await rig.dispatcher.drain()
            let reps = Set(stale.map(\.repID))
            #expect(second.digests == reps.count && second.digested == stale.count && second.notified == stale.count, "\(second)")
            let texts = await rig.simulator.state.slackBodies().dropFirst(fresh).compactMap { $0["text"]?.stringValue }
            #expect(texts.count == reps.count, "one message per rep")
            for rep in reps {
                let count = stale.filter { $0.repID == rep }.count
                #expect(texts.contains { $0.hasPrefix("\(count) lead\(count == 1 ? "" : "s") assigned to \(rep) whose") }, "\(rep): \(texts)")
            }
            // Every assignment still has its own alert, done, with its delivery and its event.
            let alerts = try await rig.store.outbox().filter { if case .notify = $0.payload { true } else { false } }
            #expect(alerts.count == notes.count && alerts.allSatisfy { $0.status == .done && $0.delivery?.state == .accepted })
            let person = try #require(stale.first?.lead.personKey)
            #expect(try await rig.store.events(for: person).contains { if case .delivered(_, "slack", .accepted) = $0.event.kind { true } else { false } })
            let third = try await rig.dispatcher.drain()
            #expect(third.notified == 0 && third.nextDue == nil && second.nextDue == nil)
        }
    }

    @Test("a team webhook keeps Slack's pace: a burst, then one a second, the rest postponed without attempts; no 429 earned")
    func pace() async throws {
        try await withRig(people: 600, notify: "digest: { enabled: false }") { rig in
            await rig.simulator.state.limitSlackRate(perSecond: 1, burst: 3)
            let result = try await rig.engine.runCycle()
            let alerts = result.plan.notifications.count
            #expect(alerts >= 5)
            let first = try await rig.dispatcher.drain()
            #expect(first.notified == 3 && first.postponed == alerts - 3 && first.retryLater == 0 && first.applied > 0, "\(first)")
            #expect(try await rig.store.outbox().allSatisfy { $0.status != .pending || $0.attempts == 0 }, "a wait for a turn is no attempt")
            var drains = 1
            let deadline = Date().addingTimeInterval(Double(alerts) + 20)
            var due = first.nextDue
            while let next = due, Date() < deadline {
                try await Task.sleep(for: .seconds(max(next.timeIntervalSinceNow, 0)))
                due = try await rig.dispatcher.drain().nextDue
                drains += 1
            }
            let times = await rig.simulator.state.slackTimes()
            #expect(times.count == alerts)
            #expect(await rig.simulator.state.slackRateLimited == 0, "the pace is kept: Slack never had to say 429")
            for (index, time) in times.enumerated() where index >= 3 {
                #expect(time.timeIntervalSince(times[0]) >= Double(index - 2) - 0.05, "message \(index) went too early")
            }
            #expect(drains <= alerts, "one drain per turn at most, not a busy loop")
        }
    }

    @Test("a fresh lead's alert takes the webhook's next turn ahead of a paced backlog of leads idle for hours")
    func freshFirst() async throws {
        try await withRig(people: 600, notify: "digest: { enabled: false }") { rig in
            await rig.simulator.state.limitSlackRate(perSecond: 1, burst: 3)
            let backlog = try await rig.engine.runCycle().plan.notifications.count
            try #require(backlog >= 8)
            let first = try await rig.dispatcher.drain()
            #expect(first.notified == 3 && first.postponed == backlog - 3)
            // A demo request from a good-fit VP while the backlog waits for its turns.
            let id = try await rig.simulator.state.createHubSpotRecord("contacts", properties: [
                "email": "casey@bigco.io", "firstname": "Casey", "lastname": "Kim", "jobtitle": "VP Engineering", "numemployees": "500-1000",
                "industry": "COMPUTER_SOFTWARE", "state": "NY"])
            await rig.simulator.state.recordHubSpotEvent(contactID: id, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
            let fresh = try await rig.engine.runCycle()
            try #require(fresh.plan.notifications.contains { $0.lead.email == "casey@bigco.io" })
            var due = try await rig.dispatcher.drain().nextDue
            let deadline = Date().addingTimeInterval(10)
            while await !rig.simulator.state.slackBodies().contains(where: { "\($0)".contains("Casey") }), let next = due, Date() < deadline {
                try await Task.sleep(for: .seconds(max(next.timeIntervalSinceNow, 0)))
                due = try await rig.dispatcher.drain().nextDue
            }
            let bodies = await rig.simulator.state.slackBodies()
            let position = try #require(bodies.firstIndex { "\($0)".contains("Casey") }, "Casey's alert went out")
            #expect(position <= 4, "told at the next turn or the one after, not after the \(backlog - 3) waiting: position \(position)")
        }
    }
}
