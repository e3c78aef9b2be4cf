import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Lifecycle after the hand-off: SAL, SQL, opportunity, recycled, disqualified in both CRMs")
struct LifecycleSyncTests {
    let person = PersonKey.email("morgan@northwind.io")
    let pipeline = Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)

    func contact(_ stage: String = "marketingqualifiedlead", status: String? = "NEW", at time: Date = Fixtures.now.addingTimeInterval(-3600)) -> SourceRecord {
        Fixtures.contact("51", ["email": "morgan@northwind.io", "lastname": "Reyes", "company": "Northwind", "lifecyclestage": stage, "hs_lead_status": status,
                                "hubspot_owner_id": "701"], at: time)
    }

    func lead(_ status: String, converted: Bool = false, opportunity: String? = nil, at time: Date = Fixtures.now.addingTimeInterval(-3600)) -> SourceRecord {
        Fixtures.lead("00Q1", ["Email": "morgan@northwind.io", "LastName": "Reyes", "Company": "Northwind", "Status": status, "OwnerId": "005A",
                               "IsConverted": converted ? "true" : "false", "ConvertedContactId": converted ? "003X" : nil,
                               "ConvertedOpportunityId": opportunity], at: time)
    }

    /// One cycle for Morgan (assigned to ana unless told otherwise): `now` as read, `before` as stored.
    func plan(_ now: [SourceRecord], before: [SourceRecord], assigned: Bool = true, with pipeline: Pipeline? = nil) -> Plan {
        var input = PipelineInput(records: now, links: Dictionary(uniqueKeysWithValues: now.map { ($0.ref, person) }),
                                  assignments: assigned ? [person: "ana"] : [:], now: Fixtures.now)
        input.gates = [person: MQLGate(latched: true)]
        input.previous = Dictionary(uniqueKeysWithValues: before.map { ($0.ref, $0) })
        return (pipeline ?? self.pipeline).plan(input)
    }

    func moves(_ plan: Plan) -> [LeadEvent.Kind] { plan.events.filter { $0.name == "lifecycle_changed" }.map(\.kind) }
    /// The plan's writes of stage fields to `system` (or to both).
    func writes(_ plan: Plan, _ system: CRMSystem? = nil) -> [RecordWrite] {
        plan.writes.filter { write in (system == nil || write.system == system) && write.fields.keys.contains(where: CRMFieldNames.stageFields.contains) }
    }

    @Test("each record states a stage: HubSpot's lifecycle stage with its lead status over it; a converted lead is SQL, or an opportunity")
    func statedStages() {
        #expect(pipeline.statedStage(contact("marketingqualifiedlead", status: "IN_PROGRESS")) == .sal)
        #expect(pipeline.statedStage(contact("marketingqualifiedlead", status: "connected")) == .sal, "any listed value, in any case")
        #expect(pipeline.statedStage(contact("lead", status: "BAD_TIMING")) == .recycled)
        #expect(pipeline.statedStage(contact("salesqualifiedlead", status: "UNQUALIFIED")) == .disqualified, "disqualified after contact")
        #expect(pipeline.statedStage(contact("customer", status: "UNQUALIFIED")) == .customer, "a status never unmakes a customer")
        #expect(pipeline.statedStage(contact("opportunity", status: "IN_PROGRESS")) == .opportunity)
        #expect(pipeline.statedStage(contact("marketingqualifiedlead", status: "NEW")) == .mql)
        #expect(pipeline.statedStage(lead("Working - Contacted")) == .sal)
        #expect(pipeline.statedStage(lead("Closed - Converted", converted: true)) == .sql)
        #expect(pipeline.statedStage(lead("Closed - Converted", converted: true, opportunity: "006A")) == .opportunity)
        #expect(pipeline.statedStage(lead("Open - Not Contacted")) == nil)
        #expect(pipeline.statedStage(lead("Nurture")) == .recycled, "an org's own recycle status, by its words")
    }

    @Test("a rep accepting in Salesforce (Working) is SAL: one event, the assignment goes on, HubSpot's lead status follows")
    func accepted() throws {
        let plan = plan([contact(), lead("Working - Contacted", at: Fixtures.now)], before: [contact(), lead("Open - Not Contacted")])
        #expect(moves(plan) == [.lifecycleChanged(from: .mql, to: .sal)])
        let event = try #require(plan.events.first { $0.name == "lifecycle_changed" })
        #expect(event.cause.code == .lifecycleAccepted && event.holder == nil, "accepting keeps the rep on the lead")
        let hubspot = try #require(writes(plan, .hubspot).first)
        #expect(hubspot.fields == ["hs_lead_status": "IN_PROGRESS"], "already an MQL there: only the status moves")
        #expect(hubspot.planReason(ownerFields: Fixtures.mapping.ownerFieldNames).code == .writeStage)
        #expect(writes(plan, .salesforce).isEmpty, "the CRM that said it is not written")
    }

    @Test("HubSpot catching up (LeadRelay's own write read back) is no news and writes nothing")
    func echo() {
        let plan = plan([contact(status: "IN_PROGRESS", at: Fixtures.now), lead("Working - Contacted")],
                        before: [contact(), lead("Working - Contacted")])
        #expect(moves(plan).isEmpty && writes(plan).isEmpty, "\(plan.writes)")
        let connected = self.plan([contact(status: "CONNECTED", at: Fixtures.now), lead("Working - Contacted")],
                                  before: [contact(status: "IN_PROGRESS"), lead("Working - Contacted")])
        #expect(writes(connected).isEmpty, "another value of the same stage is the same stage: nothing to write")
    }

    @Test("conversion with an opportunity: HubSpot moves forward to opportunity; the assignment closes")
    func convertedWithOpportunity() throws {
        let plan = plan([contact(status: "IN_PROGRESS"), lead("Closed - Converted", converted: true, opportunity: "006A", at: Fixtures.now)],
                        before: [contact(status: "IN_PROGRESS"), lead("Working - Contacted")])
        #expect(moves(plan) == [.lifecycleChanged(from: .sal, to: .opportunity)])
        #expect(plan.events.first { $0.name == "lifecycle_changed" }?.holder == "", "the rep's assignment is over")
        let hubspot = try #require(writes(plan, .hubspot).first)
        #expect(hubspot.fields == ["lifecyclestage": "opportunity", "hs_lead_status": "OPEN_DEAL"])
        #expect(hubspot.clearFirst == nil, "forward needs no clearing")
    }

    @Test("HubSpot qualified first: Salesforce has no qualified status in a fresh org, so nothing is written there")
    func qualifiedInHubSpot() {
        let plan = plan([contact("salesqualifiedlead", status: "IN_PROGRESS", at: Fixtures.now), lead("Working - Contacted")],
                        before: [contact(status: "IN_PROGRESS"), lead("Working - Contacted")])
        #expect(moves(plan) == [.lifecycleChanged(from: .sal, to: .sql)])
        #expect(writes(plan).isEmpty)
    }

    @Test("disqualified in HubSpot: Salesforce's status follows, on the version read (a rep's change since wins)")
    func disqualifiedInHubSpot() throws {
        let read = lead("Working - Contacted")
        let plan = plan([contact(status: "UNQUALIFIED", at: Fixtures.now), read], before: [contact(status: "IN_PROGRESS"), read])
        #expect(moves(plan) == [.lifecycleChanged(from: .sal, to: .disqualified)])
        let salesforce = try #require(writes(plan, .salesforce).first)
        #expect(salesforce.fields == ["Status": "Closed - Not Converted"])
        #expect(salesforce.unmodifiedSince == read.modifiedAt && salesforce.expected == ["Status": "Working - Contacted"])
    }

    @Test("recycled in Salesforce: HubSpot's stage moves back to lead, cleared first and reported; interest starts again")
    func recycledMovesBack() throws {
        let plan = plan([contact(status: "IN_PROGRESS"), lead("Recycled", at: Fixtures.now)], before: [contact(status: "IN_PROGRESS"), lead("Working - Contacted")])
        #expect(moves(plan) == [.lifecycleChanged(from: .sal, to: .recycled)])
        let hubspot = try #require(writes(plan, .hubspot).first)
        #expect(hubspot.fields == ["lifecyclestage": "lead", "hs_lead_status": "BAD_TIMING"])
        #expect(hubspot.clearFirst == ["lifecyclestage"])
        let reason = hubspot.planReason(ownerFields: Fixtures.mapping.ownerFieldNames)
        #expect(reason.code == .writeStageBack && reason.text.contains("moved back from marketingqualifiedlead to lead"), "\(reason.text)")
        #expect(plan.gates[person]?.recycled == true)
        #expect(plan.changes.contains { if case .lifecycle(.sal, .recycled) = $0.action { true } else { false } }, "the dry run shows the move")
    }

    @Test("a forward stage never moves a record back, and a recycle or disqualification never touches an opportunity or a customer")
    func neverBackwards() {
        let ahead = plan([contact("salesqualifiedlead", status: "NEW"), lead("Working - Contacted", at: Fixtures.now)],
                         before: [contact("salesqualifiedlead", status: "NEW"), lead("Open - Not Contacted")])
        #expect(writes(ahead).isEmpty, "HubSpot is further along: \(ahead.writes)")
        let customer = plan([contact("customer", status: nil), lead("Closed - Not Converted", at: Fixtures.now)],
                            before: [contact("customer", status: nil), lead("Working - Contacted")])
        #expect(writes(customer).isEmpty, "\(customer.writes)")
    }

    @Test("a converted Salesforce lead is never written, whatever HubSpot says")
    func convertedIsReadOnly() {
        let converted = lead("Closed - Converted", converted: true)
        let plan = plan([contact(status: "UNQUALIFIED", at: Fixtures.now), converted], before: [contact(status: "IN_PROGRESS"), converted])
        #expect(writes(plan, .salesforce).isEmpty)
    }

    @Test("a person LeadRelay never assigned is kept consistent too, from where the CRMs stood")
    func unassigned() throws {
        let plan = plan([contact("lead", status: nil), lead("Closed - Converted", converted: true, at: Fixtures.now)],
                        before: [contact("lead", status: nil), lead("Open - Not Contacted")], assigned: false)
        #expect(moves(plan) == [.lifecycleChanged(from: .lead, to: .sql)])
        #expect(try #require(writes(plan, .hubspot).first).fields == ["lifecyclestage": "salesqualifiedlead"])
    }

    @Test("the mapping's table names an org's own statuses: read as their stage, written as the first")
    func orgStatuses() throws {
        var mapping = Fixtures.mapping
        mapping.lifecycle.salesforce.values[.recycled] = ["Recycle to Marketing"]
        mapping.lifecycle.salesforce.values[.sql] = ["Qualified"]
        let custom = Pipeline(mapping: mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)
        #expect(custom.statedStage(lead("Recycle to Marketing")) == .recycled)
        let plan = plan([contact("salesqualifiedlead", status: "IN_PROGRESS", at: Fixtures.now), lead("Working - Contacted")],
                        before: [contact(status: "IN_PROGRESS"), lead("Working - Contacted")], with: custom)
        #expect(try #require(writes(plan, .salesforce).first).fields == ["Status": "Qualified"])
        let recycled = self.plan([contact("lead", status: "BAD_TIMING", at: Fixtures.now), lead("Working - Contacted")],
                                 before: [contact(status: "IN_PROGRESS"), lead("Working - Contacted")], with: custom)
        #expect(try #require(writes(recycled, .salesforce).first).fields == ["Status": "Recycle to Marketing"])
    }

    @Test("routed again after a recycle, the lead starts over in both CRMs: NEW in HubSpot, open in Salesforce")
    func reMQLResetsStatuses() throws {
        let handoff = pipeline.writeBack(lead: Fixtures.plainLead(["email": "morgan@northwind.io"]),
                                         records: [contact("lead", status: "BAD_TIMING"), lead("Recycled")], rep: Fixtures.reps[0])
        #expect(handoff.first { $0.system == .hubspot }?.fields["hs_lead_status"] == "NEW")
        #expect(handoff.first { $0.system == .hubspot }?.fields["lifecyclestage"] == "marketingqualifiedlead")
        #expect(handoff.first { $0.system == .salesforce }?.fields["Status"] == CRMFieldNames.salesforceOpenStatus)
    }
}
