import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import Testing

@Suite("Interest from every source a portal and an org have, each event counted once")
struct ActivitySourceEngineTests {
    /// A rig on a Professional portal (no events API) whose Forms API is read every cycle.
    func withInterestRig(_ body: @escaping @Sendable (Rig) async throws -> Void) async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 11, people: 30)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.configure(endpoints, credentials: simulator.state.credentials)
            let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
                .replacingOccurrences(of: "poll: { interval: 1s, lookback: 5s }", with: "poll: { interval: 1s, lookback: 5s, formsEvery: 0s }")
            try workspace.write("leadrelay.yaml", text)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            try await body(Rig(simulator: simulator, daemon: try await Daemon.start(configuration)))
        }
    }

    func activities(_ rig: Rig, _ person: PersonKey, _ kind: Activity.Kind) async throws -> [Activity] {
        try await rig.store.people([person]).activities.filter { $0.kind == kind }.sorted { $0.occurredAt < $1.occurredAt }
    }

    @Test("three submissions and a click between two reads on a Professional portal: three named submissions and one click, whichever source saw each first")
    func formsAndEmailOnce() async throws {
        try await withInterestRig { rig in
            let contact = try await rig.simulator.state.createHubSpotRecord("contacts", properties: [
                "email": "robin@northwind-health.com", "firstname": "Robin", "lastname": "Ode", "jobtitle": "Director of IT"])
            for _ in 0..<3 { _ = try await rig.engine.runCycle() }
            let person = PersonKey.email("robin@northwind-health.com")
            let start = Date()
            for (index, form) in ["contact-us", "whitepaper", "demo-request"].enumerated() {
                await rig.simulator.state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": form],
                                                             at: start.addingTimeInterval(Double(index) * 0.2))
            }
            await rig.simulator.state.recordHubSpotEvent(contactID: contact, eventType: "e_clicked_email", properties: ["hs_url": "https://northwind.io/offer"],
                                                         at: start.addingTimeInterval(0.7))
            try await Task.sleep(for: .milliseconds(50))
            let cycle = try await rig.engine.runCycle()
            #expect(cycle.streams.contains { $0.stream == "hubspot.form-submissions" && $0.calls > 0 }, "\(cycle.streams.map(\.stream))")
            #expect(cycle.streams.contains { $0.stream == "hubspot.email-events" && $0.calls > 0 })
            for _ in 0..<2 { _ = try await rig.engine.runCycle() }
            let forms = try await activities(rig, person, .formSubmission)
            #expect(forms.map(\.form) == ["contact-us", "whitepaper", "demo-request"], "each once, each named: \(forms.map(\.id))")
            #expect(try await activities(rig, person, .emailClick).count == 1, "the contact's last click and the email events API's are one")
        }
    }

    @Test("a campaign response in Salesforce scores, and the score says it came from campaign members")
    func campaignResponse() async throws {
        try await withInterestRig { rig in
            let lead = try await rig.simulator.state.createSalesforceRecord("Lead", fields: [
                "FirstName": "Sasha", "LastName": "Lund", "Company": "Northwind Health", "Email": "sasha@northwind-health.com", "Title": "VP Operations"])
            for _ in 0..<2 { _ = try await rig.engine.runCycle() }
            _ = try await rig.simulator.state.addCampaignMember(campaign: "Q4 webinar", memberID: lead)
            let cycle = try await rig.engine.runCycle()
            let person = PersonKey.email("sasha@northwind-health.com")
            let responses = try await activities(rig, person, .campaignResponse)
            #expect(responses.count == 1 && responses.first?.form == "Q4 webinar")
            let score = try #require(cycle.plan.changes.lazy.compactMap { change -> ScoreBreakdown? in
                if case .score(let score) = change.action, change.person == person { score } else { nil }
            }.first)
            let line = try #require(score.interest.first { $0.rule == "campaign-response" }, "\(score.interest)")
            #expect(line.points == 15 && line.detail.contains("from Salesforce campaign members"), "\(line)")
        }
    }

    @Test("a free portal has no marketing email: that stream goes off with one warning and the rest goes on")
    func freePortal() async throws {
        try await withInterestRig { rig in
            await rig.simulator.state.setHubSpotTier(.free)
            let first = try await rig.engine.runCycle()
            let problem = try #require(first.streamProblems.first { $0.stream == "hubspot.email-events" })
            #expect(problem.state == .off)
            #expect(!first.streamProblems.contains { $0.stream == "hubspot.form-submissions" }, "the Forms API is on every tier")
            #expect(first.streams.contains { $0.stream == "hubspot.contacts" && $0.read > 0 })
        }
    }
}
