import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Range enumerations")
struct NumberRangesTests {
    static let hubspotDefault = ["1-5", "5-25", "25-50", "50-100", "100-500", "500-1000", "1000+"]

    @Test("a fresh portal's numemployees options: a shared bound belongs to the higher range, 1000+ is open")
    func defaults() throws {
        let ranges = try #require(NumberRanges(options: Self.hubspotDefault))
        #expect(ranges.bands.count == 7)
        #expect(ranges.option(for: 0) == "1-5")
        #expect(ranges.option(for: 4) == "1-5")
        #expect(ranges.option(for: 5) == "5-25")
        #expect(ranges.option(for: 40) == "25-50")
        #expect(ranges.option(for: 999) == "500-1000")
        #expect(ranges.option(for: 1000) == "1000+")
        #expect(ranges.option(for: 1_200_000) == "1000+")
        #expect(ranges.option(for: -3) == nil)
        #expect(ranges.option(for: .infinity) == nil && ranges.option(for: .nan) == nil)
    }

    @Test("an admin's edited options: inclusive bounds, thousands separators, open-ended words; junk options are skipped")
    func edited() throws {
        let ranges = try #require(NumberRanges(options: ["1-50", "51-200", "201 – 1,000", "1,001 to 10,000", "10,001+", "Unknown"]))
        #expect(ranges.bands.map(\.option) == ["1-50", "51-200", "201 – 1,000", "1,001 to 10,000", "10,001+"])
        #expect(ranges.option(for: 50) == "1-50")
        #expect(ranges.option(for: 50.5) == "1-50")
        #expect(ranges.option(for: 51) == "51-200")
        #expect(ranges.option(for: 1000) == "201 – 1,000")
        #expect(ranges.option(for: 20_000) == "10,001+")
        #expect(ranges.band(option: "unknown") == nil)
        #expect(ranges.band(option: "10,001+")?.lower == 10_001)
    }

    @Test("a gap between ranges holds nothing; fewer than two ranges is no range enumeration")
    func gapsAndTooFew() throws {
        let ranges = try #require(NumberRanges(options: ["1-10", "50-100", "500+"]))
        #expect(ranges.option(for: 20) == nil)
        #expect(ranges.option(for: 60) == "50-100")
        #expect(NumberRanges(options: ["Small", "Large"]) == nil)
        #expect(NumberRanges(options: ["1-5"]) == nil)
        #expect(NumberRanges.band("5-1") == nil)
        #expect(NumberRanges.band("-5") == nil)
        #expect(NumberRanges.band("1e3+") == nil)
    }
}

@Suite("Values follow the live schema")
struct LiveTypeTests {
    static let early = Date(timeIntervalSince1970: 1_760_000_000), late = early.addingTimeInterval(60)
    static let hubspot: [CRMFieldSchema] = [
        .init(name: "numemployees", label: "Employees", type: "enumeration", options: NumberRangesTests.hubspotDefault, restricted: true),
        .init(name: "industry", label: "Industry", type: "string"),
        .init(name: "annualrevenue", label: "Annual Revenue", type: "string"),
        .init(name: "hs_lead_rating", label: "Rating", type: "enumeration", options: ["hot", "warm", "cold"], restricted: true),
        .init(name: "firstname", label: "First Name", type: "string"),
    ]
    static let salesforce: [CRMFieldSchema] = [
        .init(name: "NumberOfEmployees", label: "Employees", type: "int"),
        .init(name: "Industry", label: "Industry", type: "picklist", options: ["Technology", "Healthcare"]),
        .init(name: "AnnualRevenue", label: "Annual Revenue", type: "currency"),
        .init(name: "Rating", label: "Rating", type: "picklist", options: ["Hot", "Warm", "Cold"], restricted: true),
        .init(name: "FirstName", label: "First Name", type: "string", length: 40),
    ]

    static let mapping = MappingSet(object: "lead", hubspotObject: "contacts", salesforceObject: "Lead", fields: [
        FieldMapping(canonical: "employees", hubspot: "numemployees", salesforce: "NumberOfEmployees", type: .integer, rule: .twoWay),
        FieldMapping(canonical: "industry", hubspot: "industry", salesforce: "Industry", type: .picklist, rule: .twoWay,
                     values: ["COMPUTER_SOFTWARE": "Technology", "HOSPITAL_HEALTH_CARE": "Healthcare"]),
        FieldMapping(canonical: "revenue", hubspot: "annualrevenue", salesforce: "AnnualRevenue", type: .decimal, rule: .twoWay),
        FieldMapping(canonical: "rating", hubspot: "hs_lead_rating", salesforce: "Rating", type: .picklist, rule: .twoWay),
        FieldMapping(canonical: "firstName", hubspot: "firstname", salesforce: "FirstName", type: .string, rule: .twoWay),
    ]).bound(hubspot: hubspot, salesforce: salesforce)

    func field(_ name: String) throws -> FieldMapping { try #require(Self.mapping.field(name)) }

    func decide(_ name: String, hs: String?, sf: String?, last: String?? = nil, hubspotNewer: Bool = true) throws -> FieldDecision {
        let field = try field(name)
        let h = SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "1"), modifiedAt: hubspotNewer ? Self.late : Self.early,
                             fields: [field.hubspot!: hs])
        let s = SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: "00Q1"), modifiedAt: hubspotNewer ? Self.early : Self.late,
                             fields: [field.salesforce!: sf])
        return try #require(FieldReconciler(field: field).decide(hubspot: h, salesforce: s, last: last))
    }

    @Test("binding derives the ranges from the portal's own options, and keeps ranges the mapping gives")
    func binding() throws {
        #expect(try field("employees").ranges[.hubspot]?.bands.count == 7)
        #expect(try field("employees").ranges[.salesforce] == nil)
        #expect(try field("industry").isFreeText(in: .hubspot) && !field("industry").isFreeText(in: .salesforce))
        var explicit = FieldMapping(canonical: "employees", hubspot: "numemployees", salesforce: "NumberOfEmployees", type: .integer, rule: .twoWay)
        explicit.ranges[.hubspot] = NumberRanges(options: ["1-5", "5-25"])
        let bound = MappingSet(object: "lead", hubspotObject: "contacts", salesforceObject: "Lead", fields: [explicit])
            .bound(hubspot: Self.hubspot, salesforce: Self.salesforce)
        #expect(bound.fields[0].ranges[.hubspot]?.summary == "1-5, 5-25")
    }

    @Test("a number goes to HubSpot as the range that holds it; a range comes back as its lower bound")
    func numbersAndRanges() throws {
        let employees = try field("employees")
        #expect(employees.render("40", for: .hubspot) == .value("25-50"))
        #expect(employees.render("1200", for: .hubspot) == .value("1000+"))
        #expect(employees.render("40", for: .salesforce) == .value("40"))
        let contact = SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "1"), modifiedAt: Self.early, fields: ["numemployees": "500-1000"])
        #expect(employees.canonicalValue(from: contact) == "500-1000", "a range stays a range")
        #expect(employees.render("500-1000", for: .salesforce) == .value("500"), "a number field gets its lower bound")
        #expect(employees.render("500-1000", for: .hubspot) == .value("500-1000"))
        // Salesforce blank: it gets the lower bound, never the option text it would refuse.
        let fill = try decide("employees", hs: "500-1000", sf: nil)
        #expect(fill.writeTo == [.salesforce] && fill.value == "500-1000")
        let up = try decide("employees", hs: nil, sf: "40", hubspotNewer: false)
        #expect(up.writeTo == [.hubspot] && up.value == "40")
    }

    @Test("a number and the range holding it are in sync: no write either way, no loop, the exact number stands")
    func sameBand() throws {
        let first = try decide("employees", hs: "25-50", sf: "40")
        #expect(first.writeTo.isEmpty && first.value == "40" && !first.conflict)
        // After LeadRelay wrote 40 as 25-50, the next read sees the range: still no change by anyone.
        let again = try decide("employees", hs: "25-50", sf: "40", last: .some("40"))
        #expect(again.writeTo.isEmpty)
        // Salesforce holding the band's lower bound is LeadRelay's own write-back of the range: the range stays what is known.
        let echo = try decide("employees", hs: "100-500", sf: "100", last: .some("100-500"))
        #expect(echo.writeTo.isEmpty && echo.value == "100-500")
        // A real change to another band is one.
        let moved = try decide("employees", hs: "100-500", sf: "40", last: .some("40"))
        #expect(moved.from == .hubspot && moved.writeTo == [.salesforce] && moved.value == "100-500")
        #expect(try field("employees").render(moved.value!, for: .salesforce) == .value("100"))
    }

    @Test("rules test a range by overlap; its size band is the one its lower bound reaches")
    func rulesOnRanges() {
        #expect(Condition.between(200, 5000).matches("100-500"))
        #expect(!Condition.between(200, 5000).matches("25-50"))
        #expect(Condition.between(200, 5000).matches("1000+"))
        #expect(Condition.atLeast(1000).matches("500-1000") && !Condition.atLeast(1001).matches("500-1000"))
        #expect(Condition.below(100).matches("50-100") && !Condition.below(50).matches("50-100"))
        #expect(Condition.between(200, 5000).matches("300") && !Condition.between(200, 5000).matches("150"), "plain numbers as before")
        #expect(LeadAttributes.sizeBand(employees: "100-500") == "51-200")
        #expect(LeadAttributes.sizeBand(employees: "1000+") == "201-1000")
    }

    @Test("a value the target cannot hold is held with the reason, never sent")
    func refusedBeforeSending() throws {
        let negative = try decide("employees", hs: nil, sf: "-4", hubspotNewer: false)
        #expect(negative.writeTo.isEmpty && negative.held?.contains("not sent: '-4' is in none of HubSpot 'numemployees''s ranges") == true)
        #expect(try field("employees").render("1e30", for: .salesforce).refusal?.contains("whole number") == true)
        let tooBig = try field("employees").render("3000000000", for: .salesforce)
        #expect(tooBig.refusal?.contains("whole number") == true)
        let rating = try decide("rating", hs: nil, sf: "Lukewarm", hubspotNewer: false)
        #expect(rating.writeTo.isEmpty && rating.held?.contains("not one of HubSpot 'hs_lead_rating'") == true)
        let text = try decide("revenue", hs: "about $2M", sf: nil)
        #expect(text.writeTo.isEmpty && text.held?.contains("not a number") == true)
        let long = try decide("firstName", hs: String(repeating: "x", count: 41), sf: nil)
        #expect(long.writeTo.isEmpty && long.held?.contains("at most 40") == true)
        let fine = try decide("revenue", hs: "1,200,000", sf: nil)
        #expect(fine.writeTo == [.salesforce] && fine.value == "1200000")
    }

    @Test("a picklist on HubSpot free text: Salesforce's value goes there as it is; the table still reads HubSpot's tokens")
    func freeTextPicklist() throws {
        let industry = try field("industry")
        #expect(industry.render("Healthcare", for: .hubspot) == .value("Healthcare"))
        let untranslated = try decide("industry", hs: nil, sf: "Agriculture", hubspotNewer: false)
        #expect(untranslated.writeTo == [.hubspot] && untranslated.value == "Agriculture")
        let token = try decide("industry", hs: "HOSPITAL_HEALTH_CARE", sf: "Healthcare")
        #expect(token.writeTo.isEmpty)
        // Offline (no live schema) the old behaviour stands: the HubSpot side is an enumeration, so it is translated.
        let offline = FieldMapping(canonical: "industry", hubspot: "industry", salesforce: "Industry", type: .picklist, rule: .twoWay,
                                   values: ["HOSPITAL_HEALTH_CARE": "Healthcare"])
        #expect(offline.render("Healthcare", for: .hubspot) == .value("HOSPITAL_HEALTH_CARE"))
    }

    @Test("a new record leaves out what its fields cannot hold, and says so")
    func createsLeaveOut() throws {
        let lead = Lead(personKey: .email("a@x.io"), sources: [], fields: ["email": "a@x.io", "employees": "-4", "industry": "Healthcare",
                                                                           "firstName": "Ana"],
                        lifecycle: .lead, modifiedAt: Self.early)
        let pipeline = Pipeline(mapping: Self.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)
        let created = pipeline.createFields(lead, system: .hubspot)
        #expect(created.fields["numemployees"] == nil && created.fields["industry"] == "Healthcare" && created.fields["firstname"] == "Ana")
        #expect(created.leftOut.count == 1 && created.leftOut[0].hasPrefix("employees:"))
    }
}

@Suite("Audit and mapping file: range enumerations and free text")
struct RangeAuditTests {
    static let salesforce: [CRMFieldSchema] = [
        .init(name: "Email", label: "Email", type: "email"), .init(name: "NumberOfEmployees", label: "Employees", type: "int"),
        .init(name: "Industry", label: "Industry", type: "picklist", options: ["Technology"]),
        .init(name: "Status", label: "Status", type: "picklist", options: ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"]),
    ]
    /// Every portal's lead status, with its default options.
    static let leadStatus = CRMFieldSchema(name: "hs_lead_status", label: "Lead Status", type: "enumeration",
                                           options: ["NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING"])

    func audit(_ hubspot: [CRMFieldSchema], _ field: FieldMapping) -> [AuditFinding] {
        let email = FieldMapping(canonical: "email", hubspot: "email", salesforce: "Email", type: .email, rule: .twoWay, identifier: true)
        return MappingAudit(mapping: MappingSet(object: "lead", hubspotObject: "contacts", salesforceObject: "Lead", fields: [email, field]),
                            hubspot: [.init(name: "email", label: "Email", type: "string"), Self.leadStatus] + hubspot, salesforce: Self.salesforce).run()
    }

    let employees = FieldMapping(canonical: "employees", hubspot: "numemployees", salesforce: "NumberOfEmployees", type: .integer, rule: .fillIfEmpty)

    @Test("a number on an enumeration of ranges is sound, and says how it is read; on other options it is an error with the remedy")
    func numberOnEnumeration() {
        let ranged = audit([.init(name: "numemployees", label: "E", type: "enumeration", options: NumberRangesTests.hubspotDefault, restricted: true)], employees)
        #expect(!ranged.contains { $0.severity == .error }, "\(ranged)")
        #expect(ranged.contains { $0.code == "range-enumeration" && $0.message.contains("1-5, 5-25") })
        let words = audit([.init(name: "numemployees", label: "E", type: "enumeration", options: ["Small", "Large"], restricted: true)], employees)
        let mismatch = words.first { $0.code == "type-mismatch" }
        #expect(mismatch?.severity == .error && mismatch?.message.contains("ranges:") == true)
    }

    @Test("ranges the mapping gives must be the portal's options")
    func explicitRanges() {
        var field = employees
        field.ranges[.hubspot] = NumberRanges(options: ["1-50", "51-200", "201+"])
        let findings = audit([.init(name: "numemployees", label: "E", type: "enumeration", options: ["1-50", "51-200", "201-1000", "1000+"], restricted: true)], field)
        #expect(findings.filter { $0.code == "unknown-option" }.map(\.message) == ["HubSpot 'numemployees' has no option '201+'"])
    }

    @Test("a picklist on free text is sound and says values go there untranslated")
    func picklistOnText() {
        let industry = FieldMapping(canonical: "industry", hubspot: "industry", salesforce: "Industry", type: .picklist, rule: .twoWay)
        let findings = audit([.init(name: "industry", label: "Industry", type: "string")], industry)
        #expect(!findings.contains { $0.severity == .error })
        #expect(findings.contains { $0.code == "free-text" && $0.path == ["fields", "industry", "type"] })
    }

    @Test("ranges: in a mapping file, as a list or per side; mistakes are located")
    func decoding() throws {
        func file(_ ranges: MappingFile.Ranges?, type: String = "integer") -> MappingFile {
            var entry = MappingFile.Entry(hubspot: "numemployees", salesforce: "NumberOfEmployees", type: type, rule: "fill-if-empty")
            entry.ranges = ranges
            return MappingFile(object: "lead", hubspot: .init(object: "contacts"), salesforce: .init(object: "Lead"), fields: [
                "email": .init(hubspot: "email", salesforce: "Email", type: "email", rule: "two-way", identifier: true), "employees": entry])
        }
        func ranges(_ yaml: String) throws -> MappingFile.Ranges {
            try JSONDecoder().decode(MappingFile.Ranges.self, from: Data(yaml.utf8))
        }
        let list = try MappingSet(validating: file(try ranges(#"["1-50", "51-200", "201+"]"#)))
        #expect(list.field("employees")?.ranges[.hubspot]?.summary == "1-50, 51-200, 201+")
        let sides = try ranges(#"{"hubspot": ["1-50", "51+"]}"#)
        #expect(try MappingSet(validating: file(sides)).field("employees")?.ranges[.hubspot]?.bands.count == 2)
        #expect(throws: ConfigIssues.self) { try MappingSet(validating: file(try ranges(#"["1-50", "lots"]"#))) }
        let stringFile = file(try ranges(#"["1-50", "51+"]"#), type: "string")
        do {
            _ = try MappingSet(validating: stringFile)
            Issue.record("ranges on a string field must be refused")
        } catch {
            #expect(error.issues.map(\.keyPath) == ["fields.employees.ranges"])
        }
        #expect(MappingSet(object: "l", hubspotObject: "c", salesforceObject: "L", fields: [list.field("employees")!]).fingerprint
                != MappingSet(object: "l", hubspotObject: "c", salesforceObject: "L", fields: [employees]).fingerprint)
    }
}
