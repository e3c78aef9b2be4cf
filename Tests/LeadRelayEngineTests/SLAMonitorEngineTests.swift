import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCRM
@testable import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("The SLA monitor against the simulator: timers, not CRM changes")
struct SLAMonitorEngineTests {
    static let sla = """
    tiers:
      - { name: any, firstTouchWithin: 10m, remindAt: [0.5] }
    breach:
      notify: manager
      managers: { ana: ben, ben: ana, chloe: ana, dev: ana, eli: ana, fay: ana }
      reassignAfter: 5m
      neverBackTo: 2

    """

    @Test("a breach with both CRMs quiet is found within one tick and told to the rep and the manager; a call logged before the due instant settles its clock")
    func breachWhileIdle() async throws {
        try await withRig(people: 40) { rig in
            try Data(Self.sla.utf8).write(to: URL(fileURLWithPath: rig.configuration.resolve("sla.yaml")))
            let configuration = try ConfigurationLoader(environment: [:]).load(rig.configuration.path)
            let daemon = try await Daemon.start(configuration, store: rig.store, connectors: rig.connectors)
            // Three hot hand-raisers besides whatever the seed has.
            for name in ["ines", "jon", "kai"] {
                let contact = try await rig.simulator.state.createHubSpotRecord("contacts", properties: [
                    "email": "\(name)@northwind-sla.io", "firstname": name.capitalized, "lastname": "Test", "jobtitle": "VP Operations",
                    "numemployees": "1000+", "company": "Northwind", "state": "CA"])
                await rig.simulator.state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
            }
            let start = Date()
            let cycle = try await daemon.engine.runCycle()
            let assigned = cycle.plan.assignments.filter { !StrandedTarget.isQueue($0.value) }
            try #require(assigned.count >= 2, "\(cycle.plan.assignments)")
            let monitor = SLAMonitor(settings: try #require(configuration.slaSettings), routing: configuration.routing, store: rig.store,
                                     configVersion: configuration.version, logger: daemon.logger)
            let early = try await monitor.tick(now: start.addingTimeInterval(60))
            #expect(early.handled == 0, "nothing due a minute in")
            #expect(try #require(early.nextDue) <= start.addingTimeInterval(5 * 60 + 5), "the monitor sleeps until the first reminder")

            // One lead gets a call logged in HubSpot, dated before its due instant.
            let people = try await rig.store.people(Set(assigned.keys))
            let (touchedPerson, contact) = try #require(people.links.filter { $0.key.system == .hubspot }.sorted { $0.value < $1.value }
                .first { assigned[$0.value] != nil }.map { ($0.value, $0.key) })
            try await rig.simulator.state.logHubSpotEngagement("calls", contact: try #require(Int(contact.id)), properties: [
                "hs_timestamp": CRMTimestamps.hubspot(start.addingTimeInterval(120)), "hs_call_direction": "OUTBOUND", "hs_call_status": "COMPLETED"])
            _ = try await daemon.engine.runCycle()

            let reminded = try await monitor.tick(now: start.addingTimeInterval(5 * 60 + 5))
            #expect(reminded.reminders == assigned.count - 1 && reminded.touched == 1, "\(reminded)")
            #expect(try await monitor.tick(now: start.addingTimeInterval(5 * 60 + 6)).handled == 0, "each reminder once")
            // No CRM changes from here on: only the monitor's timers.
            let breached = try await monitor.tick(now: start.addingTimeInterval(10 * 60 + 5))
            #expect(breached.breaches == assigned.count - 1, "\(breached)")
            let events = try await rig.store.events(for: touchedPerson).map(\.event)
            #expect(events.contains { if case .slaTouched(_, _, let touch, let late) = $0.kind { touch.hasPrefix("hubspot-calls:") && !late } else { false } })
            #expect(!events.contains { $0.name == "sla_breached" })
            let (breachedPerson, rep) = try #require(assigned.filter { $0.key != touchedPerson }.sorted { $0.key < $1.key }.first)
            let log = try await rig.store.events(for: breachedPerson).map(\.event.name)
            #expect(Array(log.drop { $0 != "sla_started" }) == ["sla_started", "notified", "sla_reminded", "sla_breached", "sla_escalated"], "\(log)")
            let outbox = try await rig.store.pendingOutbox(limit: 1_000)
            let escalations = outbox.compactMap { entry -> LeadRelayCore.Notification? in
                if case .notify(let note) = entry.payload, note.kind == .escalation, note.lead.personKey == breachedPerson { note } else { nil }
            }
            let manager = try #require(Self.managers[rep])
            #expect(Set(escalations.map(\.repID)) == [rep, manager], "the rep and their manager: \(escalations.map(\.repID))")

            // The grace period passes untouched: the lead is due to go elsewhere, never back to its owner.
            let grace = try await monitor.tick(now: start.addingTimeInterval(15 * 60 + 10))
            #expect(grace.reassignments == assigned.count - 1)
            let due = try await rig.store.events(for: breachedPerson).map(\.event.kind).last
            #expect(due == .slaReassignDue(repID: rep, excluding: [rep]))
            #expect(try await monitor.tick(now: start.addingTimeInterval(3600)).handled == 0, "the monitor leaves the rerouting to the cycle")

            // The next cycle routes each breached lead again, to someone else, and starts the new owner's clock.
            let later = try await Daemon.start(configuration, store: rig.store, connectors: rig.connectors,
                                               clock: { start.addingTimeInterval(16 * 60) })
            let rerouted = try await later.engine.runCycle()
            #expect(rerouted.plan.assignments.count == assigned.count - 1, "\(rerouted.plan.assignments)")
            let newRep = try #require(rerouted.plan.assignments[breachedPerson])
            #expect(newRep != rep)
            let after = try await rig.store.events(for: breachedPerson).map(\.event)
            #expect(after.suffix(3).map(\.name) == ["assigned", "sla_started", "notified"], "\(after.map(\.name))")
            #expect(!after.suffix(3).contains { $0.name == "mql" }, "still the same MQL")
            #expect(after.last { $0.name == "assigned" }?.cause.text.hasPrefix("reassigned after an SLA breach, never back to \(rep)") == true)
            let requests = try await rig.store.dueTimers(at: start.addingTimeInterval(7200), limit: 1_000)
            #expect(!requests.contains { $0.kind == SLATimers.reroute }, "every request taken")
            #expect(requests.contains { $0.personKey == breachedPerson && $0.kind == SLATimers.breach && $0.facts["rep"] == newRep && $0.facts["prior"] == rep })
            let writes = try await rig.store.pendingOutbox(limit: 1_000).compactMap { entry -> RecordWrite? in
                if case .write(let write) = entry.payload, entry.subject == .person(breachedPerson) { write } else { nil }
            }
            #expect(writes.contains { $0.fields["hubspot_owner_id"] != nil }, "the new owner is written: \(writes)")
            // The daemon runs the monitor as a loop of its own when sla.yaml is configured, and not without it.
            #expect(daemon.services().map { "\($0)" }.contains("LoopService(sla)"))
            var plain = configuration
            plain.sla = nil
            #expect(!(try Daemon.build(plain, store: rig.store, connectors: rig.connectors).services().map { "\($0)" }.contains("LoopService(sla)")))
        }
    }

    static let managers = ["ana": "ben", "ben": "ana", "chloe": "ana", "dev": "ana", "eli": "ana", "fay": "ana"]
}
