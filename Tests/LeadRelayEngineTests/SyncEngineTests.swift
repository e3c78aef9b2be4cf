import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
import LeadRelayCRM
@testable import LeadRelayEngine
import Testing
import LeadRelayHTTP
import LeadRelayNotify
import LeadRelayTesting

/// A simulator, a workspace pointing at it, and the daemon built from the loaded configuration (the composition
/// root `run` uses).
struct Rig: Sendable {
    let simulator: CRMSimulator
    let daemon: Daemon

    var configuration: LoadedConfiguration { daemon.configuration }
    var store: any StateStore { daemon.store }
    var connectors: [any CRMConnector] { daemon.connectors }
    var engine: SyncEngine { daemon.engine }
    var dispatcher: OutboxDispatcher { daemon.dispatcher }
}

func withRig<T: Sendable>(people: Int = 150, writes: Bool = true, notify: String = TestWorkspace.immediateAlerts,
                          _ body: @escaping @Sendable (Rig) async throws -> T) async throws -> T {
    let simulator = CRMSimulator()
    _ = try await SeedGenerator(options: .init(seed: 11, people: people)).populate(simulator.state)
    return try await simulator.withRunningInSlot { endpoints in
        let workspace = try TestWorkspace()
        try workspace.configure(endpoints, credentials: simulator.state.credentials, writes: writes, notify: notify)
        let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
        return try await body(Rig(simulator: simulator, daemon: try await Daemon.start(configuration)))
    }
}

@Suite("Sync engine and dispatcher against the simulator")
struct SyncEngineTests {
    @Test("every MQL gets one owner in both systems and one notification; a second cycle writes nothing (no ping-pong)")
    func handoff() async throws {
        try await withRig { rig in
            let result = try await rig.engine.runCycle()
            let stats = try await rig.dispatcher.drain()
            let assignments = try await rig.store.allAssignments()
            #expect(!assignments.isEmpty)
            #expect(stats.failed == 0 && stats.retryLater == 0)
            #expect(stats.notified == assignments.count)
            // A fresh portal's types (contact headcount as ranges, industry and revenue as text): every value sent fits.
            let refused = try await rig.store.outbox().filter { !$0.refusedFields.isEmpty || $0.status == .failed }
            #expect(refused.isEmpty, "\(refused.map { ($0.refusedFields, $0.lastError ?? "") })")
            let ranged = await rig.simulator.state.hubspotRecords("contacts").compactMap { $0.properties["numemployees"] }
            #expect(!ranged.isEmpty && ranged.allSatisfy { ["1-5", "5-25", "25-50", "50-100", "100-500", "500-1000", "1000+"].contains($0) })
            #expect(result.plan.assignments.count == assignments.count)
            let reps = RepDirectory(routing: rig.configuration.routing, owners: [
                .hubspot: try await rig.connectors[0].owners(), .salesforce: try await rig.connectors[1].owners()])
            for (person, assignment) in assignments {
                let rep = try #require(reps.reps.first { $0.id == assignment.repID })
                let links = try await rig.store.people([person]).links.keys
                let hubspot = try #require(links.first { $0.system == .hubspot })
                let salesforce = try #require(links.first { $0.system == .salesforce }, "a Salesforce lead exists or was created for \(person)")
                #expect(await rig.simulator.state.hubspotRecord("contacts", id: Int(hubspot.id)!)?.properties["hubspot_owner_id"] == rep.hubspotOwnerID)
                #expect(await rig.simulator.state.salesforceRecord("Lead", id: salesforce.id)?.fields["OwnerId"] == .string(rep.salesforceUserID!))
            }
            let writesBefore = (await rig.simulator.state.writeCalls(.hubspot), await rig.simulator.state.writeCalls(.salesforce))
            // Our own writes come back on the next polls; they must not cause new writes or messages.
            for _ in 0..<2 {
                let again = try await rig.engine.runCycle()
                #expect(again.plan.writes.isEmpty && again.plan.notifications.isEmpty)
                try await rig.dispatcher.drain()
            }
            #expect((await rig.simulator.state.writeCalls(.hubspot), await rig.simulator.state.writeCalls(.salesforce)) == writesBefore)
            #expect(await rig.simulator.state.slackBodies().count == assignments.count)
        }
    }

    @Test("a dry-run plan reads but never writes, and leaves the store untouched")
    func dryRun() async throws {
        try await withRig { rig in
            let result = try await rig.engine.plan()
            #expect(!result.plan.writes.isEmpty)
            #expect(await rig.simulator.state.writeCalls(.hubspot) == 0)
            #expect(await rig.simulator.state.writeCalls(.salesforce) == 0)
            #expect(try await rig.store.counts()["snapshots"] == 0)
            #expect(try await rig.store.watermark(StreamID(.hubspot, "contacts")) == nil)
        }
    }

    @Test("observe-only mode records links and scores but assigns and writes nothing")
    func observeOnly() async throws {
        try await withRig(writes: false) { rig in
            try await rig.engine.runCycle()
            try await rig.dispatcher.drain()
            #expect(try await rig.store.allAssignments().isEmpty)
            #expect(try await rig.store.outbox().isEmpty)
            #expect(try await rig.store.counts()["identity_links"]! > 0)
            #expect(await rig.simulator.state.writeCalls(.hubspot) == 0)
        }
    }

    @Test("a write the CRM refuses is parked with the CRM's code; the rest of the batch is applied")
    func refused() async throws {
        try await withRig(people: 20) { rig in
            let contact = try #require(await rig.simulator.state.hubspotRecords("contacts").first)
            var plan = Plan(generatedAt: Date())
            plan.changes = [
                PlanChange(personKey: .email("p1@x.io"), action: .write(RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: "99999999",
                                                                        fields: ["firstname": "Ghost"])), reason: Reason(.fixture, "test")),
                PlanChange(personKey: .email("p2@x.io"), action: .write(RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: String(contact.id),
                                                                        fields: ["firstname": "Real"])), reason: Reason(.fixture, "test")),
            ]
            try await rig.store.commit(CycleCommit(plan: plan), at: Date())
            let stats = try await rig.dispatcher.drain()
            #expect(stats.applied == 1 && stats.failed == 1)
            let outbox = try await rig.store.outbox()
            #expect(outbox.first { $0.subject == .person(.email("p1@x.io")) }?.status == .failed)
            #expect(outbox.first { $0.subject == .person(.email("p1@x.io")) }?.lastError?.hasPrefix("OBJECT_NOT_FOUND") == true)
            #expect(await rig.simulator.state.hubspotRecord("contacts", id: contact.id)?.properties["firstname"] == "Real")
        }
    }

    @Test("after a crash between commit and apply, a new process applies the outbox exactly once")
    func crashRecovery() async throws {
        try await withRig(people: 100) { rig in
            try await rig.engine.runCycle()
            let pending = try await rig.store.pendingOutbox(limit: 1000).count
            #expect(pending > 0)
            // "Restart": a fresh store handle and dispatcher on the same file.
            let dispatcher = try await Daemon.start(rig.configuration, store: try Daemon.openStore(at: rig.configuration.storePath)).dispatcher
            let first = try await dispatcher.drain()
            let second = try await dispatcher.drain()
            #expect(first.applied + first.notified == pending)
            #expect(second.applied + second.notified == 0)
            #expect(await rig.simulator.state.slackBodies().count == first.notified)
        }
    }

    @Test("a Slack outage keeps notifications pending instead of losing them")
    func slackDown() async throws {
        try await withRig(people: 100) { rig in
            try await rig.engine.runCycle()
            let deadSlack = SlackNotifier(webhook: Secret("http://127.0.0.1:9/hooks/slack"), transport: AsyncHTTPClientTransport(),
                                          retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.01), sleep: { _ in })
            let dispatcher = try await Daemon.start(rig.configuration, store: rig.store, connectors: rig.connectors, notifier: deadSlack).dispatcher
            let stats = try await dispatcher.drain()
            #expect(stats.notified == 0 && stats.retryLater > 0)
            #expect(try await rig.store.pendingOutbox(limit: 100).allSatisfy { if case .notify = $0.payload { true } else { false } })
            let recovered = try await rig.dispatcher.drain()
            #expect(recovered.notified == stats.retryLater)
        }
    }

    @Test("a new demo request is routed, written to both systems and announced in the next cycle")
    func newLead() async throws {
        try await withRig(people: 60) { rig in
            try await rig.engine.runCycle()
            try await rig.dispatcher.drain()
            let id = try await rig.simulator.state.createHubSpotRecord("contacts", properties: [
                "email": "casey@bigco.io", "firstname": "Casey", "lastname": "Kim", "jobtitle": "CTO", "numemployees": "500-1000",
                "industry": "COMPUTER_SOFTWARE", "state": "NY"])
            await rig.simulator.state.recordHubSpotEvent(contactID: id, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
            let result = try await rig.engine.runCycle()
            #expect(result.plan.assignments.keys.contains(PersonKey.email("casey@bigco.io")))
            try await rig.dispatcher.drain()
            let owner = await rig.simulator.state.hubspotRecord("contacts", id: id)?.properties["hubspot_owner_id"]
            #expect(owner != nil)
            let created = await rig.simulator.state.salesforceRecords("Lead").first { $0.fields["Email"] == .string("casey@bigco.io") }
            #expect(created != nil)
            #expect(created?.fields["LastName"] == .string("Kim"))
            #expect(await rig.simulator.state.slackBodies().contains { $0["text"]?.stringValue?.contains("Casey Kim") == true })
        }
    }

    @Test("a converted Salesforce lead is read, never written: a change in HubSpot plans nothing for it, and nothing is refused")
    func convertedLead() async throws {
        try await withRig(people: 60) { rig in
            try await rig.engine.runCycle()
            try await rig.dispatcher.drain()
            // A person in both systems; sales converts the lead.
            let links = try await rig.store.allLinks()
            let pair = try #require(Dictionary(grouping: links.filter { $0.value.person != nil }, by: \.value).values.first { refs in
                refs.contains { $0.key.system == .hubspot } && refs.contains { $0.key.system == .salesforce }
            })
            let lead = try #require(pair.first { $0.key.system == .salesforce }?.key)
            let contact = try #require(pair.first { $0.key.system == .hubspot }?.key)
            _ = try await rig.simulator.state.convertSalesforceLead(lead.id)
            _ = try await rig.engine.runCycle()
            _ = try await rig.simulator.state.updateHubSpotRecord("contacts", id: Int(contact.id)!, properties: ["jobtitle": "Chief Converted Officer"])
            let cycle = try await rig.engine.runCycle()
            #expect(!cycle.plan.writes.contains { $0.id == lead.id }, "\(cycle.plan.writes.filter { $0.id == lead.id }.map(\.fields))")
            try await rig.dispatcher.drain()
            let refused = try await rig.store.outbox().filter { ($0.lastError ?? "").contains("CANNOT_UPDATE_CONVERTED_LEAD") }
            #expect(refused.isEmpty, "\(refused.map { $0.lastError ?? "" })")
            let snapshot = try #require(try await rig.store.snapshots([lead]).first)
            #expect(snapshot.value("IsConverted") == "true" && snapshot.value("ConvertedContactId") != nil, "the conversion is read")
            // The person continues as the contact the lead became: linked to the same person, once.
            let converted = try #require(snapshot.value("ConvertedContactId"))
            let contactRef = RecordRef(system: .salesforce, object: "Contact", id: converted)
            #expect(try await rig.store.links(for: [contactRef])[contactRef] == pair.first?.value)
            #expect(!cycle.plan.changes.contains { if case .link(let ref) = $0.action { ref == contactRef } else { false } }, "linked once, not every cycle")
        }
    }

    @Test("a data value the CRM refuses never holds the owner back: the hand-off goes in a request of its own")
    func handoffSeparate() async throws {
        try await withRig(people: 40) { rig in
            try await rig.engine.runCycle()
            try await rig.dispatcher.drain()
            // In both CRMs; since start-up the portal's admin edited the headcount ranges, so the range LeadRelay
            // writes for Salesforce's 900 is one HubSpot now refuses.
            try await rig.simulator.state.setHubSpotPropertyOptions("contacts", "numemployees", options: ["1-50", "51-200", "201+"])
            let email = "dana.fields@agro.io"
            let contact = try await rig.simulator.state.createHubSpotRecord("contacts", properties: [
                "email": email, "firstname": "Dana", "lastname": "Fields", "jobtitle": "VP Operations", "state": "NY"])
            _ = try await rig.simulator.state.createSalesforceRecord("Lead", fields: [
                "Email": .string(email), "LastName": "Fields", "Company": "Agro", "NumberOfEmployees": 900])
            await rig.simulator.state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
            let result = try await rig.engine.runCycle()
            let rep = try #require(result.plan.assignments[.email(email)])
            let writes = result.plan.writes.filter { $0.system == .hubspot && $0.id == String(contact) }
            #expect(writes.count == 2 && writes.first?.fields.keys.contains("hubspot_owner_id") == true && writes.last?.fields["numemployees"] == "500-1000",
                    "\(writes.map(\.fields))")
            try await rig.dispatcher.drain()
            let hubspot = await rig.simulator.state.hubspotRecord("contacts", id: contact)
            #expect(hubspot?.properties["hubspot_owner_id"] != nil, "owned in HubSpot although its industry write was refused (\(rep))")
            #expect(hubspot?.properties["lifecyclestage"] == "marketingqualifiedlead")
            // The data write went again without the value HubSpot refused: the rest landed, the refused field is quarantined.
            #expect(hubspot?.properties["numemployees"] == nil)
            #expect(hubspot?.properties["company"] == "Agro")
            let data = try await rig.store.outbox().first { entry in
                if case .write(let write) = entry.payload { write.id == String(contact) && write.fields["numemployees"] != nil } else { false }
            }
            #expect(data?.status == .done)
            #expect(data?.refusedFields["numemployees"]?.hasPrefix("INVALID_OPTION: 500-1000 was not one of the allowed options") == true,
                    "the refused field is kept with the CRM's own error: \(data?.refusedFields ?? [:])")
        }
    }
}
