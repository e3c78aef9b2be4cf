import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Mapping audit")
struct MappingAuditTests {
    static let hubspot: [CRMFieldSchema] = [
        .init(name: "email", label: "Email", type: "string"),
        .init(name: "firstname", label: "First Name", type: "string"),
        .init(name: "numemployees", label: "Employees", type: "string"),
        .init(name: "industry", label: "Industry", type: "enumeration", options: ["COMPUTER_SOFTWARE", "RETAIL", "BANKING"], restricted: true),
        .init(name: "createdate", label: "Create Date", type: "datetime", updateable: false),
        .init(name: "hubspot_owner_id", label: "Owner", type: "enumeration", referenceTo: ["OWNER"]),
        .init(name: "favorite_color", label: "Color", type: "string"),
        .init(name: "hs_lead_status", label: "Lead Status", type: "enumeration",
              options: ["NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING"]),
    ]
    static let salesforce: [CRMFieldSchema] = [
        .init(name: "Email", label: "Email", type: "email", length: 80),
        .init(name: "FirstName", label: "First Name", type: "string", length: 40),
        .init(name: "LastName", label: "Last Name", type: "string", required: true, length: 80),
        .init(name: "Company", label: "Company", type: "string", required: true, length: 255),
        .init(name: "Status", label: "Status", type: "picklist", options: ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"],
              required: true),
        .init(name: "NumberOfEmployees", label: "Employees", type: "int"),
        .init(name: "Industry", label: "Industry", type: "picklist", options: ["Technology", "Retail", "Finance"], restricted: true),
        .init(name: "CreatedDate", label: "Created", type: "datetime", updateable: false),
        .init(name: "OwnerId", label: "Owner", type: "reference", referenceTo: ["Group", "User"]),
        .init(name: "Rating", label: "Rating", type: "picklist", options: ["Hot", "Cold"]),
    ]

    func audit(_ fields: [FieldMapping], samples: [SourceRecord] = []) -> [AuditFinding] {
        MappingAudit(mapping: MappingSet(object: "lead", hubspotObject: "contacts", salesforceObject: "Lead", fields: fields),
                     hubspot: Self.hubspot, salesforce: Self.salesforce, samples: samples).run()
    }

    @Test("the lifecycle table against the live status fields: a value written must be an option (HubSpot refuses others), one only read is noted")
    func lifecycleValues() {
        var mapping = MappingSet(object: "lead", hubspotObject: "contacts", salesforceObject: "Lead", fields: base)
        #expect(MappingAudit(mapping: mapping, hubspot: Self.hubspot, salesforce: Self.salesforce).run().filter { $0.path.first == "lifecycle" }.isEmpty,
                "a fresh portal's and org's values are all there")
        mapping.lifecycle.hubspot.values[.sal] = ["WORKING", "IN_PROGRESS"]
        mapping.lifecycle.hubspot.values[.recycled] = ["BAD_TIMING", "NURTURE"]
        mapping.lifecycle.salesforce.values[.recycled] = ["Recycled"]
        let findings = MappingAudit(mapping: mapping, hubspot: Self.hubspot, salesforce: Self.salesforce).run().filter { $0.path.first == "lifecycle" }
        #expect(findings.contains { $0.severity == .error && $0.path == ["lifecycle", "hubspot", "sal"] && $0.message.contains("'WORKING'") })
        #expect(findings.contains { $0.severity == .info && $0.path == ["lifecycle", "hubspot", "recycled"] && $0.message.contains("'NURTURE'") })
        #expect(findings.contains { $0.severity == .warning && $0.path == ["lifecycle", "salesforce", "recycled"] && $0.message.contains("'Recycled'") },
                "an unrestricted picklist takes the value")
        var restricted = Self.salesforce
        restricted[restricted.firstIndex { $0.name == "Status" }!].restricted = true
        #expect(MappingAudit(mapping: mapping, hubspot: Self.hubspot, salesforce: restricted).run()
            .contains { $0.severity == .error && $0.path == ["lifecycle", "salesforce", "recycled"] })
        mapping.lifecycle.hubspot.field = "leadrelay_stage"
        #expect(MappingAudit(mapping: mapping, hubspot: Self.hubspot, salesforce: Self.salesforce).run()
            .contains { $0.code == "missing-field" && $0.path == ["lifecycle", "hubspot", "field"] })
    }

    let base = [
        FieldMapping(canonical: "email", hubspot: "email", salesforce: "Email", type: .email, rule: .twoWay, identifier: true),
        FieldMapping(canonical: "lastName", hubspot: nil, salesforce: "LastName", type: .string, rule: .never),
        FieldMapping(canonical: "company", hubspot: nil, salesforce: "Company", type: .string, rule: .never),
        FieldMapping(canonical: "owner", hubspot: "hubspot_owner_id", salesforce: "OwnerId", type: .owner, rule: .leadrelay),
    ]

    @Test("a sound mapping has no errors")
    func sound() {
        #expect(audit(base).filter { $0.severity == .error }.isEmpty)
    }

    @Test("a mapped field that does not exist is an error located at its side")
    func missing() {
        let findings = audit(base + [FieldMapping(canonical: "title", hubspot: "jobtitel", salesforce: "Title", type: .string, rule: .twoWay)])
        let missing = findings.filter { $0.code == "missing-field" }
        #expect(missing.map(\.path) == [["fields", "title", "hubspot"], ["fields", "title", "salesforce"]])
        #expect(missing.allSatisfy { $0.severity == .error })
    }

    @Test("types that cannot hold the canonical type are errors; numbers kept as text are warnings")
    func types() {
        let findings = audit(base + [
            FieldMapping(canonical: "first", hubspot: "firstname", salesforce: "FirstName", type: .integer, rule: .twoWay),
            FieldMapping(canonical: "employees", hubspot: "numemployees", salesforce: "NumberOfEmployees", type: .integer, rule: .fillIfEmpty),
        ]).filter { $0.code == "type-mismatch" }
        #expect(findings.contains { $0.path == ["fields", "employees", "type"] && $0.severity == .warning })
        #expect(findings.contains { $0.path == ["fields", "first", "type"] && $0.severity == .warning }, "text is parsed: a warning")
        let owner = audit([FieldMapping(canonical: "owner", hubspot: "firstname", salesforce: "Rating", type: .owner, rule: .leadrelay)])
        #expect(owner.filter { $0.code == "type-mismatch" && $0.severity == .error }.count == 2)
    }

    @Test("a rule that writes a read-only field is an error; one-way rules only check the side they write")
    func notUpdateable() {
        let twoWay = audit(base + [FieldMapping(canonical: "created", hubspot: "createdate", salesforce: "CreatedDate", type: .datetime, rule: .twoWay)])
        #expect(twoWay.filter { $0.code == "not-updateable" }.count == 2)
        let oneWay = audit(base + [FieldMapping(canonical: "created", hubspot: "createdate", salesforce: "FirstName", type: .string, rule: .hubspotToSalesforce)])
        #expect(oneWay.filter { $0.code == "not-updateable" }.isEmpty, "HubSpot is only read")
        let never = audit(base + [FieldMapping(canonical: "created", hubspot: "createdate", salesforce: "CreatedDate", type: .datetime, rule: .never)])
        #expect(never.filter { $0.code == "not-updateable" }.isEmpty)
    }

    @Test("required Salesforce fields must be mapped, except those LeadRelay fills")
    func required() {
        let findings = audit(Array(base.prefix(1)) + [base[3]]).filter { $0.code == "required-unmapped" }
        #expect(findings.map(\.message).sorted() == [
            "Salesforce Lead requires 'Company' on create, and no mapping fills it",
            "Salesforce Lead requires 'LastName' on create, and no mapping fills it",
        ])
    }

    @Test("picklists: unknown options on either side, values on one side only, values never mapped")
    func picklists() {
        let findings = audit(base + [FieldMapping(canonical: "industry", hubspot: "industry", salesforce: "Industry", type: .picklist,
                                                  rule: .preferSalesforceUnlessBlank,
                                                  values: ["COMPUTER_SOFTWARE": "Technology", "RETAIL": "Retail", "FARMING": "Agriculture"])])
        let unknown = findings.filter { $0.code == "unknown-option" }
        #expect(unknown.count == 2 && unknown.allSatisfy { $0.severity == .error && $0.path == ["fields", "industry", "values", "FARMING"] })
        #expect(findings.contains { $0.code == "option-one-side" && $0.message.hasSuffix("BANKING") })
        #expect(findings.contains { $0.code == "option-never-mapped" && $0.message.hasSuffix("Finance") })
    }

    @Test("short Salesforce targets and blank-clearing rules are warnings")
    func warnings() {
        let findings = audit(base + [FieldMapping(canonical: "first", hubspot: "firstname", salesforce: "FirstName", type: .string, rule: .preferHubSpot)])
        #expect(findings.contains { $0.code == "target-shorter" && $0.path == ["fields", "first", "salesforce"] && $0.message.contains("40") })
        #expect(findings.contains { $0.code == "blank-overwrites" && $0.path == ["fields", "first", "rule"] })
        let safe = audit(base + [FieldMapping(canonical: "first", hubspot: "firstname", salesforce: "FirstName", type: .string, rule: .preferHubSpotUnlessBlank)])
        #expect(!safe.contains { $0.code == "blank-overwrites" })
        let optedIn = audit(base + [FieldMapping(canonical: "first", hubspot: "firstname", salesforce: "FirstName", type: .string, rule: .twoWay,
                                                 clearBlanks: true)])
        #expect(optedIn.contains { $0.code == "blank-overwrites" && $0.path == ["fields", "first", "clearBlanks"] })
    }

    @Test("updateable fields holding data without a mapping are noted; managed and read-only ones are not")
    func unmappedData() {
        let samples = [
            SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "1"), modifiedAt: Date(),
                         fields: ["email": "a@x.io", "favorite_color": "teal", "createdate": "2025-01-01T00:00:00Z", "hs_lead_status": "NEW"]),
            SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "2"), modifiedAt: Date(), fields: ["favorite_color": ""]),
            SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: "00Q1"), modifiedAt: Date(), fields: ["Rating": "Hot", "Status": "Open"]),
        ]
        let notes = audit(base, samples: samples).filter { $0.code == "unmapped-data" }.map(\.message)
        #expect(notes == ["HubSpot 'favorite_color' has values in 1 of 2 sampled records but no mapping reads it",
                          "Salesforce 'Rating' has values in 1 of 1 sampled records but no mapping reads it"])
    }

    @Test("findings come errors first")
    func ordering() {
        let findings = audit(base + [FieldMapping(canonical: "first", hubspot: "nope", salesforce: "FirstName", type: .string, rule: .preferHubSpot)])
        #expect(findings.first?.severity == .error)
        #expect(findings.map(\.severity) == findings.map(\.severity).sorted())
    }
}
