import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("Interest below Enterprise: from the contact's own properties")
struct PropertyInterestTests {
    @Test("a demo request on a Professional portal (no events API) makes an MQL, owned and alerted; reading the contact again adds nothing")
    func demoRequestWithoutEvents() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 12, people: 60)).populate(simulator.state)
        await simulator.state.setHubSpotTier(.professional)
        // An app without the forms scope: the contact's own properties are all there is (the Forms API's own test is
        // ActivitySourceEngineTests).
        await simulator.state.withholdHubSpotScopes(["forms"])
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.configure(endpoints, credentials: simulator.state.credentials)
            let daemon = try await Daemon.start(try ConfigurationLoader(environment: [:]).load(workspace.configPath))
            let first = try await daemon.engine.runCycle()
            let refused = first.streamProblems.filter { $0.stream == "hubspot.form-submissions" && $0.state == .off }
            #expect(refused.count == 1, "the Forms API refused: off, with its warning")
            try await daemon.dispatcher.drain()
            let seededActivities = try await daemon.store.counts()["activities", default: 0]
            #expect(seededActivities > 0, "the seeded contacts' latest conversions, visits and clicks are read from their properties")

            let email = "morgan.reyes@northwind-health.com"
            let contact = try await simulator.state.createHubSpotRecord("contacts", properties: [
                "email": email, "firstname": "Morgan", "lastname": "Reyes", "company": "Northwind Health", "jobtitle": "VP Operations",
                "state": "MA", "industry": "HOSPITAL_HEALTH_CARE", "numemployees": "1000+", "lifecyclestage": "lead"])
            await simulator.state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
            let properties = await simulator.state.hubspotRecord("contacts", id: contact)?.properties
            #expect(properties?["recent_conversion_event_name"] == "demo-request" && properties?["num_conversion_events"] == "1")

            let result = try await daemon.engine.runCycle()
            let rep = try #require(result.plan.assignments[.email(email)], "the demo request crossed the MQL line without the events API")
            let stats = try await daemon.dispatcher.drain()
            #expect(stats.failed == 0)
            #expect(await simulator.state.hubspotRecord("contacts", id: contact)?.properties["hubspot_owner_id"] != nil)
            #expect(await simulator.state.slackBodies().contains { "\($0)".contains("Morgan") }, "the rep (\(rep)) was alerted")

            let counted = try await daemon.store.counts()["activities", default: 0]
            _ = try await daemon.engine.runCycle()
            _ = try await daemon.engine.runCycle()
            #expect(try await daemon.store.counts()["activities", default: 0] == counted, "the same latest conversion is one activity however often it is read")

            // Between two polls: three page views and two more forms. The counters grew by 3 and 2: five activities,
            // the latest of each with its URL or form name, and reading again adds none.
            for page in ["/blog/a", "/blog/b", "/pricing"] {
                await simulator.state.recordHubSpotEvent(contactID: contact, eventType: "e_visited_page", properties: ["hs_url": "https://northwind.io\(page)"])
            }
            for form in ["webinar", "contact-us"] {
                await simulator.state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": form])
            }
            _ = try await daemon.engine.runCycle()
            let grown = try await daemon.store.people([.email(email)]).activities
            #expect(grown.filter { $0.kind == .pageView }.count == 3, "\(grown.map(\.id))")
            #expect(grown.filter { $0.kind == .formSubmission }.count == 3, "the demo request and two more")
            // Which of events stamped in the same millisecond is "the latest" is the portal's choice: one of them.
            let pages = Set(["/blog/a", "/blog/b", "/pricing"].map { "https://northwind.io\($0)" })
            #expect(grown.filter { $0.kind == .pageView }.compactMap(\.url).count == 1 && grown.compactMap(\.url).allSatisfy(pages.contains))
            #expect(grown.contains { $0.form == "contact-us" || $0.form == "webinar" } && grown.allSatisfy { $0.evidence == "HubSpot contact properties" })
            _ = try await daemon.engine.runCycle()
            #expect(try await daemon.store.people([.email(email)]).activities.count == grown.count)
        }
    }
}
