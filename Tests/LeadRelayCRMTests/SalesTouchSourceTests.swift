import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayCRM
import LeadRelayHTTP
import LeadRelayTestSupport
import Testing

@Suite("Sales touches from both CRMs: HubSpot calls, emails and meetings; Salesforce tasks and events")
struct SalesTouchSourceTests {
    static let start = Date(timeIntervalSince1970: 1_760_000_000)

    static func at(_ minutes: Double) -> String { CRMTimestamps.hubspot(start.addingTimeInterval(minutes * 60)) }

    @Test("HubSpot engagements become touches and replies of each associated contact; the rest are read and left out")
    func hubspot() async throws {
        try await withConnectors { simulator, connectors in
            let state = simulator.state
            await state.addHubSpotOwner(HubSpotOwner(id: "77", userId: 7, email: "ana@example.com", firstName: "Ana", lastName: "Silva"))
            let ana = try await state.createHubSpotRecord("contacts", properties: ["email": "ana@acme.io"])
            let ben = try await state.createHubSpotRecord("contacts", properties: ["email": "ben@acme.io"])
            let placed = try await state.logHubSpotEngagement("calls", contact: ana, properties: [
                "hs_timestamp": Self.at(10), "hs_call_direction": "OUTBOUND", "hs_call_status": "NO_ANSWER", "hubspot_owner_id": "77",
                "hs_call_disposition": "73a0d17f-1163-4015-bdd5-ec830791da20"])
            try await state.logHubSpotEngagement("calls", contact: ana, properties: ["hs_timestamp": Self.at(5), "hs_call_direction": "INBOUND",
                                                                                     "hs_call_status": "COMPLETED"])
            let sent = try await state.logHubSpotEngagement("emails", contact: ben, properties: [
                "hs_timestamp": Self.at(20), "hs_email_direction": "EMAIL", "hs_email_status": "SENT", "hs_email_subject": "Your demo"])
            try await state.logHubSpotEngagement("emails", contact: ben, properties: ["hs_timestamp": Self.at(15), "hs_email_direction": "EMAIL",
                                                                                      "hs_email_status": "SCHEDULED"])
            let reply = try await state.logHubSpotEngagement("emails", contact: ben, properties: [
                "hs_timestamp": Self.at(30), "hs_email_direction": "INCOMING_EMAIL", "hs_email_subject": "Re: Your demo"])
            try await state.logHubSpotEngagement("emails", contact: ben, properties: [
                "hs_timestamp": Self.at(31), "hs_email_direction": "INCOMING_EMAIL", "hs_email_subject": "Automatic reply: Your demo"])
            // Booked a day ahead: a touch from the booking on.
            let booked = try await state.logHubSpotEngagement("meetings", contact: ana, properties: [
                "hs_meeting_start_time": CRMTimestamps.hubspot(Date().addingTimeInterval(86_400)), "hs_meeting_outcome": "SCHEDULED"])
            try await state.logHubSpotEngagement("meetings", contact: ben, properties: ["hs_timestamp": Self.at(40), "hs_meeting_outcome": "CANCELED"])

            var read: [Activity] = []
            var calls = 0
            for source in [ActivitySource.calls, .emails, .meetings] {
                let result = try await connectors.hubspot.pollSource(source, since: nil, lookback: 0)
                read += result.items
                calls += result.calls
                #expect(result.rejected.isEmpty)
                let again = try await connectors.hubspot.pollSource(source, since: result.watermark, lookback: 0)
                #expect(again.items.isEmpty, "nothing new past the watermark of \(source)")
            }
            #expect(calls == 6, "a search and one association read per type")
            let byID = Dictionary(uniqueKeysWithValues: read.map { ($0.id, $0) })
            #expect(Set(byID.keys) == ["hubspot-calls:\(placed):\(ana)", "hubspot-emails:\(sent):\(ben)", "hubspot-emails:\(reply):\(ben)",
                                       "hubspot-meetings:\(booked):\(ana)"])
            let call = try #require(byID["hubspot-calls:\(placed):\(ana)"])
            #expect(call.kind == .call && call.occurredAt == Self.start.addingTimeInterval(600) && call.actor == "77" && call.isTouch)
            #expect(call.subject == RecordRef(system: .hubspot, object: "contacts", id: String(ana)) && call.evidence == "HubSpot calls")
            #expect(byID["hubspot-emails:\(reply):\(ben)"]?.kind == .emailReply && byID["hubspot-emails:\(reply):\(ben)"]?.isTouch == false)
            let meeting = try #require(byID["hubspot-meetings:\(booked):\(ana)"])
            #expect(meeting.kind == .meeting && meeting.occurredAt < Date().addingTimeInterval(60), "counted from the booking, not the meeting")
        }
    }

    @Test("a HubSpot engagement needs its time; an engagement on two contacts is a touch of each; a merge moves them to the survivor")
    func hubspotShapes() async throws {
        try await withConnectors { simulator, connectors in
            let state = simulator.state
            let ana = try await state.createHubSpotRecord("contacts", properties: ["email": "ana@acme.io"])
            let twin = try await state.createHubSpotRecord("contacts", properties: ["email": "ana.twin@acme.io"])
            // Through the API, as an integration logs a call: inline associations with the call → contact type id.
            let client = connectors.hubspot.client
            let created = try await client.json("POST", "/crm/v3/objects/calls", json: [
                "properties": ["hs_timestamp": .string(Self.at(0)), "hs_call_direction": "OUTBOUND", "hs_call_status": "COMPLETED"],
                "associations": [["to": ["id": .string(String(ana))], "types": [["associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194]]],
                                 ["to": ["id": .string(String(twin))], "types": [["associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194]]]],
            ])
            let id = try #require(created["id"]?.flatText)
            do {
                _ = try await client.json("POST", "/crm/v3/objects/calls", json: ["properties": ["hs_call_direction": "OUTBOUND"]])
                Issue.record("a call without hs_timestamp is refused")
            } catch {
                #expect("\(error)".contains("hs_timestamp"), "\(error)")
            }
            let read = try await connectors.hubspot.pollSource(.calls, since: nil, lookback: 0)
            #expect(Set(read.items.map(\.subject.id)) == [String(ana), String(twin)])
            _ = try await state.mergeHubSpotContacts(primary: ana, merged: twin)
            let links = try await client.json("GET", "/crm/v4/objects/calls/\(id)/associations/contacts")
            #expect(links["results"]?.arrayValue?.compactMap { $0["toObjectId"]?.flatText } == [String(ana)])
        }
    }

    @Test("Salesforce: a planned call is not a touch until it is done; meetings are Events; a deferred task and an auto-reply are nothing")
    func salesforce() async throws {
        try await withConnectors { simulator, connectors in
            let state = simulator.state
            let lead = try await state.createSalesforceRecord("Lead", fields: ["LastName": "Lee", "Company": "Acme", "Email": "lee@acme.io"])
            let planned = try await state.logSalesforceTask(whoID: lead, subject: "Call back", status: "Not Started")
            try await state.logSalesforceTask(whoID: lead, subject: "Out of Office: back Monday", subtype: "Email")
            try await state.logSalesforceTask(whoID: lead, subject: "Research", subtype: "Task", status: "Deferred")
            let event = try await state.logSalesforceEvent(whoID: lead, subject: "Discovery", start: Date().addingTimeInterval(3600))
            let tasks = try await connectors.salesforce.pollActivities(since: nil, lookback: 0)
            #expect(tasks.items.isEmpty, "\(tasks.items)")
            let events = try await connectors.salesforce.pollSource(.events, since: nil, lookback: 0)
            #expect(events.items.map(\.id) == ["salesforce-event:\(event)"] && events.items.first?.kind == .meeting)
            #expect(events.items.first?.subject == RecordRef(system: .salesforce, object: "Lead", id: lead))
            try await state.updateSalesforceRecord("Task", id: planned, fields: ["Status": "Completed"])
            let done = try await connectors.salesforce.pollActivities(since: tasks.watermark, lookback: 5)
            #expect(done.items.map(\.id) == ["salesforce:\(planned)"] && done.items.first?.kind == .call && done.items.first?.isTouch == true)
        }
    }
}
