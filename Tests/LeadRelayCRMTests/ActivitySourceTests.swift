import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayCRM
import LeadRelayHTTP
import LeadRelayTestSupport
import Testing

@Suite("Interest beyond the events API: Forms API, email events API, Salesforce campaign members")
struct ActivitySourceTests {
    @Test("the Forms API: every form's submissions back to the watermark, each at its contact under the id the contact's properties give it")
    func forms() async throws {
        try await withConnectors { simulator, connectors in
            let ana = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "Ana@Acme.io"])
            let ben = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "ben@acme.io"])
            let start = Date(timeIntervalSince1970: 1_760_000_000)
            for (index, (contact, form)) in [(ana, "demo-request"), (ben, "contact-us"), (ana, "contact-us"), (ana, "demo-request")].enumerated() {
                await simulator.state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form",
                                                         properties: ["hs_form_name": form, "hs_url": "https://acme.io/\(form)"],
                                                         at: start.addingTimeInterval(Double(index) * 600))
            }
            await simulator.state.recordHubSpotEvent(contactID: ana, eventType: "e_visited_page", properties: ["hs_url": "https://acme.io/pricing"], at: start)
            let all = try await connectors.hubspot.pollSource(.forms, since: Watermark(modifiedAt: start.addingTimeInterval(-1), id: ""), lookback: 0)
            #expect(all.items.count == 4)
            #expect(all.items.filter { $0.subject.id == String(ana) }.map(\.form).sorted { ($0 ?? "") < ($1 ?? "") } == ["contact-us", "demo-request", "demo-request"])
            let first = try #require(all.items.first { $0.occurredAt == start })
            #expect(first.id == HubSpotInterest.id(contact: String(ana), .formSubmission, at: start), "the id the contact's properties give it")
            #expect(first.url == "https://acme.io/demo-request" && first.kind == .formSubmission)
            #expect(all.watermark?.modifiedAt == start.addingTimeInterval(1800))
            #expect(all.calls == 1 + 2 + 1, "the forms, each form's page, one look-up of the addresses")
            // From the watermark on, only what is newer (each form's newest page, nothing to look up).
            let next = try await connectors.hubspot.pollSource(.forms, since: all.watermark, lookback: 0)
            #expect(next.items.allSatisfy { $0.occurredAt >= start.addingTimeInterval(1800) } && next.items.count == 1)
        }
    }

    @Test("the email events API: opens and clicks at their contacts; the events API has none of them; a free portal is refused the scope")
    func emailEvents() async throws {
        try await withConnectors { simulator, connectors in
            let ana = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "ana@acme.io"])
            let start = Date(timeIntervalSince1970: 1_760_000_000)
            await simulator.state.recordHubSpotEvent(contactID: ana, eventType: "e_opened_email", properties: [:], at: start)
            await simulator.state.recordHubSpotEvent(contactID: ana, eventType: "e_clicked_email", properties: ["hs_url": "https://acme.io/offer"],
                                                     at: start.addingTimeInterval(60))
            await simulator.state.recordHubSpotEvent(contactID: ana, eventType: "e_visited_page", properties: ["hs_url": "https://acme.io/"], at: start)
            let read = try await connectors.hubspot.pollSource(.emailEvents, since: Watermark(modifiedAt: start.addingTimeInterval(-1), id: ""), lookback: 0)
            #expect(read.items.map(\.kind) == [.emailOpen, .emailClick])
            #expect(read.items.last?.id == HubSpotInterest.id(contact: String(ana), .emailClick, at: start.addingTimeInterval(60)))
            #expect(read.items.last?.url == "https://acme.io/offer")
            await simulator.state.setHubSpotTier(.enterprise)
            let events = try await connectors.hubspot.pollActivities(since: nil, lookback: 0)
            #expect(events.items.map(\.kind) == [.pageView], "the events API never has marketing-email opens or clicks")
            await simulator.state.setHubSpotTier(.free)
            do {
                _ = try await connectors.hubspot.pollSource(.emailEvents, since: read.watermark, lookback: 0)
                Issue.record("a free portal has no marketing email")
            } catch {
                #expect("\(error)".contains("MISSING_SCOPES"), "\(error)")
            }
        }
    }

    @Test("campaign members who responded are campaign responses of their lead or contact, named by the campaign; the rest are not")
    func campaigns() async throws {
        try await withConnectors { simulator, connectors in
            let lead = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Lee", "Company": "Acme", "Email": "lee@acme.io"])
            let other = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Kim", "Company": "Acme", "Email": "kim@acme.io"])
            let responded = try await simulator.state.addCampaignMember(campaign: "Q4 webinar", memberID: lead)
            _ = try await simulator.state.addCampaignMember(campaign: "Q4 webinar", memberID: other, status: "Sent")
            let read = try await connectors.salesforce.pollSource(.campaigns, since: nil, lookback: 0)
            #expect(read.items.count == 1)
            let item = try #require(read.items.first)
            #expect(item.id == "salesforce-campaign:\(responded)" && item.kind == .campaignResponse && item.form == "Q4 webinar")
            #expect(item.subject == RecordRef(system: .salesforce, object: "Lead", id: lead))
            #expect(item.evidence == "Salesforce campaign members")
            // Kim responds later (within the same second: the look-back reads the row again): the next read finds it.
            let member = try #require(await simulator.state.salesforceRecords("CampaignMember").first { $0.fields["LeadId"] == .string(other) })
            try await simulator.state.updateSalesforceRecord("CampaignMember", id: member.id, fields: ["Status": "Responded"])
            let next = try await connectors.salesforce.pollSource(.campaigns, since: read.watermark, lookback: 5)
            #expect(next.items.map(\.subject.id).contains(other))
            #expect(Set(next.items.map(\.id)).count == next.items.count)
            #expect(try await connectors.hubspot.pollSource(.campaigns, since: nil, lookback: 0).items.isEmpty, "HubSpot has no campaign members")
        }
    }
}
