import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Stranded queue")
struct StrandedQueueTests {
    static let queueID = "00G000000000001AAA"

    static func routing(_ queue: StrandedTarget.Queue) -> RoutingConfig {
        var config = Fixtures.routing
        config.stranded = .queue(queue)
        return config
    }

    /// Every rep of the fixtures at capacity.
    static let full = RoutingState(open: ["ana": 40, "ben": 40, "chloe": 1])

    var hotContact: SourceRecord {
        Fixtures.contact("51", ["email": "morgan@northwind.io", "firstname": "Morgan", "lastname": "Reyes", "jobtitle": "VP Ops",
                                "numemployees": "1200", "industry": "HOSPITAL_HEALTH_CARE", "state": "MA", "lifecyclestage": "lead",
                                "hubspot_owner_id": "555"])
    }
    var hotLead: SourceRecord {
        Fixtures.lead("00Q1", ["Email": "morgan@northwind.io", "LastName": "Reyes", "Company": "Northwind", "Status": "Open - Not Contacted",
                               "OwnerId": "005X"])
    }

    func plan(_ queue: StrandedTarget.Queue, records: [SourceRecord]? = nil) -> Plan {
        let pipeline = Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring, routing: Self.routing(queue), reps: Fixtures.reps)
        return pipeline.plan(PipelineInput(records: records ?? [hotContact, hotLead], activities: [Fixtures.demoRequest("51")],
                                           routingState: Self.full, now: Fixtures.now))
    }

    @Test("with every rep full, the queue holds the MQL: the decision names it and why, and nobody's load grows")
    func routerQueues() {
        let router = Router(config: Self.routing(.init(name: "Unassigned Leads", salesforce: Self.queueID)), reps: Fixtures.reps)
        var state = Self.full
        let decision = router.route(Fixtures.plainLead(["email": "x@t.io", "industry": "Healthcare"]), accounts: [], state: &state,
                                    context: .init(now: Fixtures.now))
        #expect(decision.repID == StrandedTarget.queueHolder && decision.rule == Router.strandedRule)
        #expect(decision.reason.contains("waits in queue Unassigned Leads (\(Self.queueID))"), "\(decision.reason)")
        #expect(decision.strandedReason == "capacity")
        #expect(state == Self.full, "a queue is nobody's load")
        #expect(decision.candidates.map(\.repID) == ["ana", "ben", "chloe"] && decision.candidates.allSatisfy { $0.code == .capacity })
        // A rep with room still wins over the queue.
        var roomy = RoutingState(open: ["ana": 40, "ben": 40])
        #expect(router.route(Fixtures.plainLead(["email": "x@t.io", "industry": "Healthcare"]), accounts: [], state: &roomy,
                             context: .init(now: Fixtures.now)).repID == "chloe")
    }

    @Test("the queue owns the Salesforce lead, HubSpot gets the configured owner, the MQL is logged and the alert goes to the queue's address")
    func queueOwnsLead() throws {
        let plan = plan(.init(name: "Unassigned Leads", salesforce: Self.queueID, hubspot: "9001", alert: "SalesOps@Acme.io"))
        let key = PersonKey.email("morgan@northwind.io")
        #expect(plan.assignments == [key: StrandedTarget.queueHolder])
        let sf = try #require(plan.writes.first { $0.system == .salesforce && $0.fields["OwnerId"] != nil })
        #expect(sf.fields == ["OwnerId": Self.queueID] && sf.id == "00Q1")
        #expect(sf.expected == ["OwnerId": "005X", "Status": "Open - Not Contacted"], "guarded like any hand-off")
        let hs = try #require(plan.writes.first { $0.system == .hubspot && $0.fields["lifecyclestage"] != nil })
        #expect(hs.fields == ["hubspot_owner_id": "9001", "lifecyclestage": "marketingqualifiedlead", "hs_lead_status": "NEW"])
        #expect(sf.reason?.contains("queue Unassigned Leads") == true, "\(sf.reason ?? "")")
        let note = try #require(plan.notifications.first)
        #expect(plan.notifications.count == 1)
        #expect(note.kind == .stranded && note.recipient.email == "salesops@acme.io" && note.recipient.repID == StrandedTarget.queueHolder)
        #expect(note.lead.routedBy == Router.strandedRule && note.lead.name == "Morgan Reyes")
        let kinds = plan.events.map(\.kind)
        #expect(kinds.contains(.assigned(repID: StrandedTarget.queueHolder, rule: Router.strandedRule)))
        #expect(kinds.contains(.notified(repID: StrandedTarget.queueHolder, notification: .stranded)))
        #expect(kinds.contains { if case .mql = $0 { true } else { false } }, "it is an MQL like any other")
        #expect(!kinds.contains { if case .unassigned = $0 { true } else { false } }, "never an unowned lead")
    }

    @Test("HubSpot's owner is left as it is, or cleared; without an alert address nobody is messaged")
    func hubspotOwnerChoices() throws {
        let kept = plan(.init(salesforce: Self.queueID))
        let stage = try #require(kept.writes.first { $0.system == .hubspot && $0.fields["lifecyclestage"] != nil })
        #expect(stage.fields["hubspot_owner_id"] == nil, "the HubSpot owner stays")
        #expect(stage.fields["lifecyclestage"] == "marketingqualifiedlead", "still an MQL in HubSpot")
        #expect(kept.writes.first { $0.system == .salesforce && $0.fields["OwnerId"] != nil }?.fields["OwnerId"] == Self.queueID)
        #expect(kept.notifications.isEmpty)
        #expect(kept.assignments.values.first == StrandedTarget.queueHolder)

        let cleared = plan(.init(salesforce: Self.queueID, hubspot: "clear"))
        let emptied = try #require(cleared.writes.first { $0.system == .hubspot && $0.fields["lifecyclestage"] != nil })
        #expect(emptied.fields["hubspot_owner_id"] == "")
    }

    @Test("a person in one CRM: the queue owns the new Salesforce lead; a new HubSpot contact starts without an owner")
    func creates() throws {
        let onlyHubSpot = plan(.init(salesforce: Self.queueID, hubspot: "clear"), records: [hotContact])
        let lead = try #require(onlyHubSpot.writes.first { $0.system == .salesforce })
        #expect(lead.operation == .create && lead.fields["OwnerId"] == Self.queueID)

        var sfOnly = hotLead
        sfOnly.fields["Title"] = "VP Ops"
        sfOnly.fields["NumberOfEmployees"] = "1200"
        sfOnly.fields["Industry"] = "Healthcare"
        let pipeline = Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring,
                                routing: Self.routing(.init(salesforce: Self.queueID, hubspot: "clear")), reps: Fixtures.reps)
        let activity = Activity(id: "f1", subject: sfOnly.ref, kind: .formSubmission, occurredAt: Fixtures.now.addingTimeInterval(-60), form: "demo-request")
        let plan = pipeline.plan(PipelineInput(records: [sfOnly], activities: [activity], routingState: Self.full, now: Fixtures.now))
        let contact = try #require(plan.writes.first { $0.system == .hubspot && $0.operation == .create })
        #expect(contact.fields["hubspot_owner_id"] == nil, "cleared means no owner, not an empty one")
        #expect(contact.fields["lifecyclestage"] == "marketingqualifiedlead")
    }

    @Test("our own queue write is not a person's change; a rep taking the lead from the queue in Salesforce is")
    func takenFromQueue() {
        let pipeline = Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring,
                                routing: Self.routing(.init(salesforce: Self.queueID, hubspot: "9001")), reps: Fixtures.reps)
        var queued = hotLead
        queued.fields["OwnerId"] = Self.queueID
        var owned = hotContact
        owned.fields["hubspot_owner_id"] = "9001"
        let echo = pipeline.ownerChanges([queued, owned], previous: [hotLead.ref: hotLead, hotContact.ref: hotContact], assigned: StrandedTarget.queueHolder)
        #expect(echo.isEmpty, "\(echo)")
        var taken = queued
        taken.fields["OwnerId"] = "005B"
        let changes = pipeline.ownerChanges([taken], previous: [queued.ref: queued], assigned: StrandedTarget.queueHolder)
        #expect(changes.map(\.kind) == [.ownerChangedByPerson(system: .salesforce, from: Self.queueID, to: "005B", toRep: "ben")])
    }

    @Test("the queue's ids and address are checked, each at its key; rep ids may not take LeadRelay's '@' holders")
    func validation() {
        var config = Self.routing(.init(salesforce: "005000000000001", hubspot: "owner-9", alert: "not-an-address"))
        config.reps[0].id = "@queue"
        let paths = Set(config.validate(knownAttributes: ["industry", "state"]).map(\.keyPath))
        #expect(paths.isSuperset(of: ["stranded.queue.salesforce", "stranded.queue.hubspot", "stranded.queue.alert", "reps.0.id"]), "\(paths)")
        for good in [StrandedTarget.Queue(salesforce: "00G000000000001", hubspot: "clear"), .init(salesforce: Self.queueID, hubspot: "9001", alert: "a@b.io")] {
            #expect(Self.routing(good).validate(knownAttributes: ["industry", "state"]).isEmpty)
        }
        for bad in ["00G00000000001", "00G000000000001AA", "00G00000000000!AAA"] {
            #expect(StrandedTarget.queue(.init(salesforce: bad)).validate(at: ["stranded"]).count == 1, "\(bad)")
        }
    }
}
