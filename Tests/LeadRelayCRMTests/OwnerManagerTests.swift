import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayCRM
import LeadRelayTestSupport
import Testing

@Suite("Salesforce users carry their manager")
struct OwnerManagerTests {
    @Test("User.ManagerId is read with the owners; a user without one has none")
    func managers() async throws {
        try await withConnectors(people: 20) { simulator, connectors in
            let users = try await connectors.salesforce.owners().filter { !$0.isQueue }
            try #require(users.count >= 2)
            #expect(users.allSatisfy { $0.managerID == nil }, "a fresh org sets no managers")
            try await simulator.state.updateSalesforceRecord("User", id: users[0].id, fields: ["ManagerId": .string(users[1].id)])
            let read = try await connectors.salesforce.owners()
            #expect(read.first { $0.id == users[0].id }?.managerID == users[1].id)
            #expect(read.first { $0.id == users[1].id }?.managerID == nil)
        }
    }
}
