import Foundation
import LeadRelayCRM
import Testing

@Suite("CRM wire timestamps")
struct CRMTimestampsTests {
    @Test("timestamps print in each system's own format")
    func timestampFormats() {
        let date = Date(timeIntervalSince1970: 1_718_038_904.908)
        #expect(CRMTimestamps.hubspot(date) == "2024-06-10T17:01:44.908Z")
        #expect(CRMTimestamps.salesforce(date) == "2024-06-10T17:01:44.000+0000")
        #expect(CRMTimestamps.soqlLiteral(date) == "2024-06-10T17:01:44Z")
    }
}
