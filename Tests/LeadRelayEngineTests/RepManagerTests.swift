import Foundation
import LeadRelayCore
import LeadRelayCRM
@testable import LeadRelayEngine
import Testing

@Suite("Reps' managers from Salesforce")
struct RepManagerTests {
    @Test("a rep's manager is the rep their Salesforce manager is, else that manager's address; none without ManagerId")
    func managers() throws {
        let routing = try JSONDecoder().decode(RoutingConfig.self, from: Data("""
            {"reps": [{"id": "ana", "email": "ana@example.com"}, {"id": "ben", "email": "Ben@Example.com"}, {"id": "chloe", "email": "chloe@example.com"}],
             "rules": [], "fallback": {"pool": "everyone"}}
            """.utf8))
        func user(_ id: String, _ email: String, manager: String? = nil) -> CRMOwner {
            var owner = CRMOwner(id: id, email: email, active: true)
            owner.managerID = manager
            return owner
        }
        let directory = RepDirectory(routing: routing, owners: [.salesforce: [
            user("005A", "ana@example.com", manager: "005B"), user("005B", "ben@example.com", manager: "005V"),
            user("005C", "chloe@example.com"), user("005V", "vp.sales@example.com"), .queue(id: "00G1", apiName: "Leads", label: "Leads"),
        ]])
        let managers = Dictionary(uniqueKeysWithValues: directory.reps.map { ($0.id, $0.manager ?? "none") })
        #expect(managers == ["ana": "ben", "ben": "vp.sales@example.com", "chloe": "none"])
    }
}
