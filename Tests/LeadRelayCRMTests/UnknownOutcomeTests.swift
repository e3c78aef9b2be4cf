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

    @Test("a person's change of the owner since the read is still refused as one, and the owner they set stays")
    func realConflict() async throws {
        try await withConnectors(people: 10) { simulator, connectors in
            let (id, read, users) = try await readLead(simulator)
            try await simulator.state.updateSalesforceRecord("Lead", id: id, fields: ["OwnerId": .string(users[1])])
            var write = RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: id, fields: ["OwnerId": users[0]], unmodifiedSince: read)
            write.expected = ["OwnerId": users[2], "Status": "Open - Not Contacted"]
            let outcome = try await connectors.salesforce.apply([write])
            guard case .rejected(let code, _) = outcome.first?.result else { Issue.record("\(String(describing: outcome.first?.result))"); return }
            #expect(code == "CHANGED_SINCE_READ")
            #expect(await simulator.state.salesforceRecord("Lead", id: id)?.fields["OwnerId"] == .string(users[1]))
        }
    }

    @Test("a rep working the lead (its status moved) since the read is a conflict too: status is a hand-off field")
    func statusConflict() async throws {
        try await withConnectors(people: 10) { simulator, connectors in
            let (id, read, users) = try await readLead(simulator)
            try await simulator.state.setSalesforceLeadStatus(id, status: "Working - Contacted")
            var write = RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: id, fields: ["OwnerId": users[0]], unmodifiedSince: read)
            write.expected = ["OwnerId": users[2], "Status": "Open - Not Contacted"]
            let outcome = try await connectors.salesforce.apply([write])
            guard case .rejected(let code, _) = outcome.first?.result else { Issue.record("\(String(describing: outcome.first?.result))"); return }
            #expect(code == "CHANGED_SINCE_READ")
        }
    }

    @Test("a data field changed since the read (LeadRelay's own earlier write, an automation) is no conflict: the owner goes again on the new version")
    func dataChangeNotAConflict() async throws {
        try await withConnectors(people: 10) { simulator, connectors in
            let (id, read, users) = try await readLead(simulator)
            try await simulator.state.updateSalesforceRecord("Lead", id: id, fields: ["Phone": .string("+1 555 0100")])
            var write = RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: id, fields: ["OwnerId": users[0]], unmodifiedSince: read)
            write.expected = ["OwnerId": users[2], "Status": "Open - Not Contacted"]
            let outcome = try await connectors.salesforce.apply([write])
            #expect(outcome.first?.result == .applied(id: id), "\(String(describing: outcome.first?.result))")
            let record = await simulator.state.salesforceRecord("Lead", id: id)
            #expect(record?.fields["OwnerId"] == .string(users[0]))
            #expect(record?.fields["Phone"] == .string("+1 555 0100"), "the other change is kept")
            // Without the hand-off values as read (a write queued before they were kept), the same change stays a conflict.
            try await simulator.state.updateSalesforceRecord("Lead", id: id, fields: ["Phone": .string("+1 555 0101")])
            let old = RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: id, fields: ["OwnerId": users[1]], unmodifiedSince: read)
            guard case .rejected(let code, _) = try await connectors.salesforce.apply([old]).first?.result else { Issue.record("expected a conflict"); return }
            #expect(code == "CHANGED_SINCE_READ")
        }
    }

    /// A lead owned by the third user, open and not contacted, read a second ago; the org's users.
    func readLead(_ simulator: CRMSimulator) async throws -> (id: String, read: Date, users: [String]) {
        let users = await simulator.state.salesforceRecords("User").map(\.id)
        try #require(users.count >= 3)
        let id = try await simulator.state.createSalesforceRecord("Lead", fields: [
            "LastName": "Pat", "Company": "Acme", "Email": "pat@acme.io", "OwnerId": .string(users[2]), "Status": "Open - Not Contacted"])
        try await Task.sleep(for: .milliseconds(1100))
        let read = Date()
        try await Task.sleep(for: .milliseconds(1100))
        return (id, read, users)
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
