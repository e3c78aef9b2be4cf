import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayCRM
import Testing

@Suite("A write whose answer was lost")
struct UnknownOutcomeTests {
    @Test("a conditional owner write applied, then its connection reset: the retry's 412 is read back and is LeadRelay's own change, not a person's")
    func ownWriteNotAConflict() async throws {
        try await withConnectors { simulator, connectors in
            let id = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Pat", "Company": "Acme", "Email": "pat@acme.io"])
            let owner = try #require(await simulator.state.salesforceRecords("User").first?.id)
            try await Task.sleep(for: .milliseconds(1100))
            let read = Date()
            try await Task.sleep(for: .milliseconds(1100))
            await simulator.state.inject([.resetAfterApply], into: .salesforce)
            var write = RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: id, fields: ["OwnerId": owner],
                                    unmodifiedSince: read)
            write.reason = "route"
            let outcome = try await connectors.salesforce.apply([write])
            #expect(outcome.first?.result == .applied(id: id), "\(String(describing: outcome.first?.result))")
            #expect(await simulator.state.salesforceRecord("Lead", id: id)?.fields["OwnerId"] == .string(owner))
        }
    }

    @Test("a person's change since the read is still refused as one")
    func realConflict() async throws {
        try await withConnectors(people: 10) { simulator, connectors in
            let id = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Pat", "Company": "Acme", "Email": "pat@acme.io"])
            let users = await simulator.state.salesforceRecords("User").map(\.id)
            try #require(users.count >= 2)
            try await Task.sleep(for: .milliseconds(1100))
            let read = Date()
            try await Task.sleep(for: .milliseconds(1100))
            try await simulator.state.updateSalesforceRecord("Lead", id: id, fields: ["OwnerId": .string(users[1])])
            let outcome = try await connectors.salesforce.apply([
                RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: id, fields: ["OwnerId": users[0]], unmodifiedSince: read)])
            guard case .rejected(let code, _) = outcome.first?.result else { Issue.record("\(String(describing: outcome.first?.result))"); return }
            #expect(code == "CHANGED_SINCE_READ")
        }
    }

    @Test("a create whose answer was lost is not sent again blind: one lead, and the next round finds and updates it")
    func createNotDuplicated() async throws {
        try await withConnectors { simulator, connectors in
            // The look-up by email goes through; the create is applied and its answer lost.
            await simulator.state.inject([.delay(seconds: 0), .resetAfterApply], into: .salesforce)
            let create = RecordWrite(operation: .create, system: .salesforce, object: "Lead", id: nil,
                                     fields: ["Email": "new.person@acme.io", "LastName": "Person", "Company": "Acme"], matchField: "Email", matchValue: "new.person@acme.io")
            let first = try await connectors.salesforce.apply([create])
            guard case .retryLater(let why) = first.first?.result else { Issue.record("\(String(describing: first.first?.result))"); return }
            #expect(why.contains("outcome unknown"))
            let second = try await connectors.salesforce.apply([create])
            guard case .applied(let id) = second.first?.result else { Issue.record("\(String(describing: second.first?.result))"); return }
            let leads = await simulator.state.salesforceRecords("Lead").filter { $0.fields["Email"] == .string("new.person@acme.io") }
            #expect(leads.map(\.id) == [id], "exactly one lead for the person")
        }
    }
}
