import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Hygiene")
struct HygieneTests {
    @Test("emails are trimmed, lower-cased and validated", arguments: [
        ("  Ana.Alves@ACME.io ", "ana.alves@acme.io"),
        ("mailto:bob@example.com", "bob@example.com"),
        ("<Carla@Example.COM>", "carla@example.com"),
        ("dmitri@example.com.", "dmitri@example.com"),
        ("no-at-sign.example.com", nil),
        ("two@@example.com", nil),
        ("@example.com", nil),
        ("someone@localhost", nil),
        ("x@exa mple.com", "x@example.com"),
    ] as [(String, String?)])
    func emailNormalisation(raw: String, expected: String?) {
        #expect(EmailAddress.normalise(raw) == expected)
    }

    @Test("free mail is told from work mail")
    func emailClass() {
        #expect(EmailClass.of("a@gmail.com") == .free)
        #expect(EmailClass.of("a@outlook.com") == .free)
        #expect(EmailClass.of("a@acme.io") == .work)
        #expect(EmailClass.of("nonsense") == nil)
    }

    @Test("websites reduce to one domain", arguments: [
        ("https://www.Acme.io/about", "acme.io"),
        ("http://acme.io/", "acme.io"),
        ("www.acme.io", "acme.io"),
        ("acme.io", "acme.io"),
        ("https://acme.io:8443/x?y=1", "acme.io"),
        ("", nil),
        ("not a domain", nil),
    ] as [(String, String?)])
    func webDomain(raw: String, expected: String?) {
        #expect(WebDomain.normalise(raw) == expected)
    }

    @Test("titles map to seniority bands", arguments: [
        ("CEO", Seniority.cLevel), ("Chief Revenue Officer", .cLevel), ("Co-Founder", .cLevel),
        ("VP Marketing", .vp), ("Vice President, Sales", .vp), ("SVP Operations", .vp),
        ("Director of IT", .director), ("Head of Operations", .director), ("Senior Director, Procurement", .director),
        ("Marketing Manager", .manager), ("Software Engineer", .individual), ("Student", .individual),
    ])
    func seniority(title: String, expected: Seniority) {
        #expect(Seniority.of(title: title) == expected)
    }

    @Test("a blank title has no seniority")
    func blankTitle() {
        #expect(Seniority.of(title: "  ") == nil)
        #expect(Seniority.of(title: nil) == nil)
    }

    @Test("records with the same email in any case are one person; stored links win")
    func identity() {
        let email = FieldMapping(canonical: "email", hubspot: "email", salesforce: "Email", type: .email, rule: .twoWay, identifier: true)
        let resolver = IdentityResolver(identifier: email)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let hs = SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "1"), modifiedAt: now, fields: ["email": " Ana@Acme.IO "])
        let sf = SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: "00Q"), modifiedAt: now, fields: ["Email": "ana@acme.io"])
        let other = SourceRecord(ref: RecordRef(system: .salesforce, object: "Lead", id: "00R"), modifiedAt: now, fields: ["Email": "bo@acme.io"])
        let noEmail = SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: "9"), modifiedAt: now, fields: ["email": nil])
        let people = resolver.group([hs, sf, other, noEmail], existing: [:])
        #expect(people[PersonKey.email("ana@acme.io")]?.map(\.ref.id).sorted() == ["00Q", "1"])
        #expect(people[PersonKey.email("bo@acme.io")]?.count == 1)
        #expect(people[.record(RecordRef(system: .hubspot, object: "contacts", id: "9"))]?.count == 1)
        let relinked = resolver.group([other], existing: [other.ref: PersonKey.email("ana@acme.io")])
        #expect(relinked.keys.sorted() == [PersonKey.email("ana@acme.io")])
    }
}

@Suite("Jaro-Winkler paths")
struct JaroWinklerPathTests {
    @Test("the byte path gives what the character path gives on ASCII text")
    func pathsAgree() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdeklmnorst -")
        let finder = DuplicateFinder()
        var pairs = [("martha", "marhta"), ("dwayne", "duane"), ("dixon", "dicksonx"), ("", ""), ("a", ""), ("jones", "johnson")]
        for _ in 0..<2000 {
            func word() -> String { String((0..<Int.random(in: 0...10, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }) }
            pairs.append((word(), word()))
        }
        for (a, b) in pairs {
            #expect(finder.jaroWinkler(a, b) == DuplicateFinder.jaroWinkler(Array(a), Array(b)), "\(a) / \(b)")
        }
        #expect(abs(finder.jaroWinkler("martha", "marhta") - 0.9611) < 0.0001)
        #expect(finder.jaroWinkler("zoë", "zoe") == DuplicateFinder.jaroWinkler(Array("zoë"), Array("zoe")))
    }
}
