import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Field mapping")
struct MappingTests {
    let old = Fixtures.now.addingTimeInterval(-7200)
    let new = Fixtures.now.addingTimeInterval(-60)

    func choose(_ rule: SyncRule, hubspot: String?, salesforce: String?, hubspotNewer: Bool) -> String? {
        let field = FieldMapping(canonical: "x", hubspot: "x", salesforce: "X", type: .string, rule: rule)
        let hs = Fixtures.contact("1", ["x": hubspot], at: hubspotNewer ? new : old)
        let sf = Fixtures.lead("00Q", ["X": salesforce], at: hubspotNewer ? old : new)
        return FieldMerger(mapping: MappingSet(object: "lead", hubspotObject: "contacts", salesforceObject: "Lead", fields: [field]))
            .merge([hs, sf])["x"]?.value
    }

    @Test("each sync rule picks the side it promises", arguments: [
        (SyncRule.twoWay, "hs", "sf", true, "hs"),
        (.twoWay, "hs", "sf", false, "sf"),
        (.preferHubSpot, "hs", "sf", false, "hs"),
        (.preferHubSpot, nil, "sf", false, nil),
        (.preferSalesforce, "hs", "sf", true, "sf"),
        (.preferSalesforce, "hs", nil, true, nil),
        (.preferHubSpotUnlessBlank, nil, "sf", true, "sf"),
        (.preferHubSpotUnlessBlank, "hs", "sf", false, "hs"),
        (.preferSalesforceUnlessBlank, "hs", "  ", true, "hs"),
        (.preferSalesforceUnlessBlank, "hs", "sf", true, "sf"),
        (.fillIfEmpty, "hs", nil, false, "hs"),
        (.hubspotToSalesforce, "hs", "sf", false, "hs"),
        (.salesforceToHubSpot, "hs", "sf", true, "sf"),
    ] as [(SyncRule, String?, String?, Bool, String?)])
    func rules(rule: SyncRule, hubspot: String?, salesforce: String?, hubspotNewer: Bool, expected: String?) {
        #expect(choose(rule, hubspot: hubspot, salesforce: salesforce, hubspotNewer: hubspotNewer) == expected)
    }

    @Test("picklists are canonical in Salesforce values, translated both ways")
    func picklists() throws {
        let industry = try #require(Fixtures.mapping.field("industry"))
        #expect(industry.canonicalValue(from: Fixtures.contact("1", ["industry": "computer_software"])) == "Technology")
        #expect(industry.canonicalValue(from: Fixtures.contact("1", ["industry": "AEROSPACE"])) == "AEROSPACE")
        #expect(industry.canonicalValue(from: Fixtures.lead("1", ["Industry": "Healthcare"])) == "Healthcare")
        #expect(industry.systemValue("Healthcare", for: .hubspot) == "HOSPITAL_HEALTH_CARE")
        #expect(industry.systemValue("Healthcare", for: .salesforce) == "Healthcare")
    }

    @Test("numbers from both systems compare equal once normalised")
    func numbers() {
        #expect(FieldType.integer.normalise("1200.0") == "1200")
        #expect(FieldType.integer.normalise("1,200") == "1200")
        #expect(FieldType.decimal.normalise("1200000.50") == "1200000.5")
        #expect(FieldType.string.normalise("  Acme   Inc ") == "Acme Inc")
        #expect(FieldType.string.normalise("   ") == nil)
    }

    @Test("a mapping file with mistakes reports every one of them")
    func validation() {
        let file = MappingFile(object: "lead", hubspot: .init(object: "contacts"), salesforce: .init(object: "Lead"), fields: [
            "email": .init(hubspot: "email", salesforce: "Email", type: "email", rule: "two-way", identifier: true, values: nil),
            "bad": .init(hubspot: "x", salesforce: "X", type: "strng", rule: "sometimes", identifier: nil, values: nil),
            "owner": .init(hubspot: "hubspot_owner_id", salesforce: "OwnerId", type: "owner", rule: "two-way", identifier: nil, values: nil),
            "nowhere": .init(hubspot: nil, salesforce: nil, type: nil, rule: "never", identifier: nil, values: nil),
            "norule": .init(hubspot: "a", salesforce: "A", type: nil, rule: nil, identifier: nil, values: nil),
        ])
        #expect(throws: ConfigIssues.self) { try MappingSet(validating: file) }
        do {
            _ = try MappingSet(validating: file)
        } catch {
            let paths = error.issues.map(\.keyPath)
            #expect(paths.contains("fields.bad.type"))
            #expect(paths.contains("fields.bad.rule"))
            #expect(paths.contains("fields.owner.rule"))
            #expect(paths.contains("fields.nowhere"))
            #expect(paths.contains("fields.norule"))
        }
    }
}
