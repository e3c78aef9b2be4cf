import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Normalisers")
struct NormaliserTests {
    @Test("email match keys fold dots and +tags only where the provider ignores them", arguments: [
        (" Ana.Silva+Webinar@GMail.com ", "anasilva@gmail.com"),
        ("ana.silva@googlemail.com", "anasilva@gmail.com"),
        ("ana.silva+news@outlook.com", "ana.silva@outlook.com"),
        ("ana.silva+news@acme.io", "ana.silva+news@acme.io"),
        ("a.n.a@icloud.com", "a.n.a@icloud.com"),
        ("+only@gmail.com", nil),
        ("not an email", nil),
    ] as [(String, String?)])
    func matchKeys(raw: String, expected: String?) {
        #expect(EmailAddress.matchKey(raw) == expected)
    }

    @Test("email classes from the maintained lists", arguments: [
        ("ana@acme.io", EmailClass.work), ("ana@gmail.com", .free), ("info@acme.io", .role), ("sales+eu@acme.io", .role),
        ("x@mailinator.com", .disposable), ("info@mailinator.com", .disposable), ("ana.info@acme.io", .work),
    ])
    func classes(email: String, expected: EmailClass) {
        #expect(EmailClass.of(email) == expected)
    }

    @Test("company domains come from work and role addresses only")
    func companyDomain() {
        #expect(EmailAddress.companyDomain("ana@acme.io") == "acme.io")
        #expect(EmailAddress.companyDomain("info@acme.io") == "acme.io")
        #expect(EmailAddress.companyDomain("ana@gmail.com") == nil)
        #expect(EmailAddress.companyDomain("x@yopmail.com") == nil)
    }

    @Test("phones to E.164 in a default region, extensions apart, vanity and garbage refused", arguments: [
        ("(415) 555-0134", "US", "+14155550134", nil),
        ("415.555.0134 x12", "US", "+14155550134", "12"),
        ("+1 415-555-0134 ext. 7", "US", "+14155550134", "7"),
        ("1-415-555-0134", "US", "+14155550134", nil),
        ("+44 20 7946 0958", "US", "+442079460958", nil),
        ("020 7946 0958", "GB", "+442079460958", nil),
        ("0044 20 7946 0958", "US", "+442079460958", nil),
        ("030 1234567", "DE", "+49301234567", nil),
        ("(613) 555-0199", "CA", "+16135550199", nil),
    ] as [(String, String, String, String?)])
    func phones(raw: String, region: String, e164: String, ext: String?) {
        let phone = PhoneNumber(raw, defaultRegion: region)
        #expect(phone?.e164 == e164)
        #expect(phone?.ext == ext)
    }

    @Test("not phone numbers", arguments: ["1-800-FLOWERS", "555-0134", "n/a", "", "0000000000", "(015) 555-0134", "123", "+1 (415) 555-0134 555-0134 555"])
    func notPhones(raw: String) {
        #expect(PhoneNumber(raw) == nil)
    }

    @Test("countries and states to ISO 3166", arguments: [
        ("United States of America", "US"), ("usa", "US"), ("U.S.A.", "US"), ("Deutschland", "DE"), ("UK", "GB"),
        ("Österreich", "AT"), ("the Netherlands", "NL"), ("fr", "FR"), ("Atlantis", nil),
    ] as [(String, String?)])
    func countries(raw: String, expected: String?) {
        #expect(Places.country(raw) == expected)
    }

    @Test("US states and Canadian provinces", arguments: [
        ("Massachusetts", nil, "US-MA"), ("ma", nil, "US-MA"), ("Québec", nil, "CA-QC"), ("ON", "CA", "CA-ON"),
        ("New York", "US", "US-NY"), ("Bavaria", nil, nil),
    ] as [(String, String?, String?)])
    func states(raw: String, country: String?, expected: String?) {
        #expect(Places.subdivision(raw, country: country) == expected)
    }

    @Test("company names to a match key; the display value is untouched", arguments: [
        ("The Acme Labs, Inc.", "acme labs"), ("ACME LABS LLC", "acme labs"), ("Acme Labs", "acme labs"),
        ("Johnson & Johnson", "johnson johnson"), ("Johnson and Johnson", "johnson johnson"),
        ("Müller Holdings GmbH", "muller"), ("The Company", "company"), ("Co", "co"), ("Sørensen A/S", "sorensen"),
    ])
    func companies(raw: String, expected: String) {
        #expect(CompanyName.matchKey(raw) == expected)
    }

    @Test("job titles to departments", arguments: [
        ("VP Marketing", Department.marketing), ("Chief Revenue Officer", .sales), ("Senior Software Engineer", .engineering),
        ("Director of IT", .it), ("Head of Operations", .operations), ("CEO & Founder", .executive), ("Senior Director, Procurement", .procurement),
        ("Customer Success Manager", .support), ("Student", .other),
    ])
    func departments(title: String, expected: Department) {
        #expect(Department.of(title: title) == expected)
    }

    @Test("accents fold for matching only")
    func folding() {
        #expect(MatchText.fold("José Gómez-O'Neill") == "jose gomez oneill")
        #expect(MatchText.fold("Łukasz Sørensen") == "lukasz sorensen")
    }

    @Test("identity: gmail variants are one person; a role inbox never links two people")
    func identity() {
        let email = FieldMapping(canonical: "email", hubspot: "email", salesforce: "Email", type: .email, rule: .twoWay, identifier: true)
        let resolver = IdentityResolver(identifier: email)
        let a = SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "1"), modifiedAt: Date(), fields: ["email": "Ana.Silva+webinar@gmail.com"])
        let b = SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: "00Q1"), modifiedAt: Date(), fields: ["Email": "anasilva@gmail.com"])
        let c = SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "2"), modifiedAt: Date(), fields: ["email": "info@acme.io"])
        let d = SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: "00Q2"), modifiedAt: Date(), fields: ["Email": "info@acme.io"])
        let people = resolver.group([a, b, c, d], existing: [:])
        #expect(people["email:anasilva@gmail.com"]?.count == 2)
        #expect(people.values.filter { $0.contains(c) || $0.contains(d) }.allSatisfy { $0.count == 1 })
    }
}
