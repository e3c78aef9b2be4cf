import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("Account matching against the simulator")
struct AccountMatchEngineTests {
    static func hotContact(_ state: SimulatorState, email: String, first: String, company: String? = nil) async throws {
        var properties = ["email": email, "firstname": first, "lastname": "Lopez", "jobtitle": "CIO", "numemployees": "500-1000",
                          "industry": "COMPUTER_SOFTWARE", "state": "OH"]
        properties["company"] = company
        let contact = try await state.createHubSpotRecord("contacts", properties: properties)
        // Free mail costs fit points: both forms keep every lead here well over the line.
        // A minute apart, as people fill forms: the first and the latest conversion are two submissions.
        for (offset, form) in [(-60.0, "demo-request"), (0, "contact-us")] {
            await state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": form],
                                           at: Date().addingTimeInterval(offset))
        }
    }

    @Test("an account without a Website is found by its contacts' domain, a free-mail lead by name, its duplicate passed over for fewer contacts; opportunities count as they open and close")
    func contactsAndTieBreakers() async throws {
        try await withRig(people: 0) { rig in
            let state = rig.simulator.state
            let users = await state.salesforceRecords("User")
            let fay = try #require(users.first { $0.fields["Email"] == .string("fay@example.com") }?.id)
            let ben = try #require(users.first { $0.fields["Email"] == .string("ben@example.com") }?.id)
            let kestrel = try await state.createSalesforceRecord("Account", fields: ["Name": "Kestrel Robotics", "OwnerId": .string(fay)])
            let duplicate = try await state.createSalesforceRecord("Account", fields: ["Name": "Kestrel Robotics, Inc.", "OwnerId": .string(ben)])
            for name in ["Ada", "Bo", "Cy"] {
                _ = try await state.createSalesforceRecord("Contact", fields: [
                    "LastName": .string(name), "Email": .string("\(name.lowercased())@kestrel-robotics.example"), "AccountId": .string(kestrel)])
            }
            _ = try await state.createSalesforceRecord("Contact", fields: ["LastName": "Home", "Email": "home@gmail.com", "AccountId": .string(kestrel)])
            let deal = try await state.createSalesforceRecord("Opportunity", fields: [
                "Name": "Kestrel pilot", "StageName": "Prospecting", "CloseDate": "2027-03-31", "AccountId": .string(kestrel)])
            _ = try await rig.engine.runCycle()
            let accountRef = RecordRef(system: .salesforce, object: "Account", id: kestrel)
            #expect(try await rig.store.accountProfiles()[accountRef] ==
                    AccountProfile(contacts: 4, contactDomains: ["kestrel-robotics.example": 3], openOpportunities: 1))

            try await Self.hotContact(state, email: "pat@kestrel-robotics.example", first: "Pat")
            try await Self.hotContact(state, email: "samlopez@gmail.com", first: "Sam", company: "KESTREL ROBOTICS LLC")
            let result = try await rig.engine.runCycle()
            #expect(result.plan.assignments[PersonKey.email("pat@kestrel-robotics.example")] == "fay")
            #expect(result.plan.assignments[PersonKey.email("samlopez@gmail.com")] == "fay", "\(result.plan.assignments)")
            let byDomain = try await RouteExplanation.explain("pat@kestrel-robotics.example", configuration: rig.configuration, store: rig.store)
            let account = try #require(byDomain.decisions.first?.account)
            #expect(account.ref == accountRef.description && account.evidence == "contact-domain")
            #expect(byDomain.text().contains("account Kestrel Robotics (salesforce/Account/\(kestrel)), matched by contact-domain: 3 of the contacts of Kestrel Robotics write from kestrel-robotics.example"),
                    "\(byDomain.text())")
            let byName = try await RouteExplanation.explain("samlopez@gmail.com", configuration: rig.configuration, store: rig.store)
            #expect(byName.decisions.first?.account?.evidence == "name")
            #expect(byName.decisions.first?.account?.why.contains("most contacts (4 against 0)") == true, "\(byName.text())")
            #expect(!byName.text().contains(duplicate) || byName.text().contains("chosen over 1 other account"))

            // The deal closes and a contact leaves: the next read updates the profile, nothing else is read again.
            try await state.updateSalesforceRecord("Opportunity", id: deal, fields: ["StageName": "Closed Lost"])
            let ada = try #require(await state.salesforceRecords("Contact").first { $0.fields["LastName"] == .string("Ada") }?.id)
            try await state.deleteSalesforceRecord("Contact", id: ada)
            let later = try await rig.engine.runCycle()
            #expect(try await rig.store.accountProfiles()[accountRef] ==
                    AccountProfile(contacts: 3, contactDomains: ["kestrel-robotics.example": 2], openOpportunities: 0))
            #expect(later.streams.first { $0.stream == "salesforce.contacts" }?.changed == 1)
            #expect(later.streams.first { $0.stream == "salesforce.opportunities" }?.changed == 1)
            let idle = try await rig.engine.runCycle()
            #expect(idle.streams.filter { $0.stream.hasPrefix("salesforce.") && !$0.stream.hasSuffix(".deleted") }.allSatisfy { $0.calls == 1 && $0.changed == 0 },
                    "\(idle.streams.map { ($0.stream, $0.calls, $0.changed) })")
        }
    }
}
