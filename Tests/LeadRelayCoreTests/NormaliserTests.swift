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
        ("The Acme Labs, Inc.", "acme lab"), ("ACME LABS LLC", "acme lab"), ("Acme Laboratories", "acme lab"),
        ("Acme Intl Systems", "acme intl sys"), ("Acme International Systems", "acme intl sys"),
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
        #expect(people[PersonKey.email("anasilva@gmail.com")]?.count == 2)
        #expect(people.values.filter { $0.contains(c) || $0.contains(d) }.allSatisfy { $0.count == 1 })
    }
}

@Suite("Duplicate finding")
struct DuplicateFinderTests {
    typealias C = DuplicateFinder.Candidate
    let finder = DuplicateFinder()

    @Test("one person across systems: gmail variants, nicknames, swapped names, typos, company suffixes")
    func samePerson() {
        let pairs: [(C, C)] = [
            (C(id: "1", first: "Ana", last: "Silva", email: "Ana.Silva+hs@gmail.com", phone: nil, company: "Acme"),
             C(id: "2", first: "Ana", last: "Silva", email: "anasilva@gmail.com", phone: nil, company: nil)),
            (C(id: "1", first: "Bill", last: "Jensen", email: "bill@gmail.com", phone: "(415) 555-0134", company: "Acme Labs"),
             C(id: "2", first: "William", last: "Jensen", email: "william.jensen@acmelabs.io", phone: "+14155550134", company: "Acme Labs Inc.")),
            (C(id: "1", first: "Rossi", last: "Marco", email: nil, phone: "415.555.0199", company: "Blue Works"),
             C(id: "2", first: "Marco", last: "Rossi", email: nil, phone: "+1 415-555-0199", company: "Blue Works LLC")),
            (C(id: "1", first: "José", last: "Gómez", email: "jose@gmail.com", phone: nil, company: "Cedar Health", region: "MA"),
             C(id: "2", first: "Jose", last: "Gomez", email: "jose.gomez@cedarhealth.com", phone: nil, company: "Cedar Health", region: "Massachusetts")),
        ]
        for (a, b) in pairs {
            #expect(finder.score(a, b) >= finder.threshold, "\(a.first ?? "") \(a.last ?? "") ~ \(b.first ?? "") \(b.last ?? "")")
        }
    }

    @Test("different people stay apart: colleagues with one name, namesakes elsewhere, a shared inbox")
    func differentPeople() {
        let colleagues = (C(id: "1", first: "Chen", last: "Wei", email: "chen.wei@acme.io", phone: nil, company: "Acme"),
                          C(id: "2", first: "Chen", last: "Wei", email: "cwei@acme.io", phone: nil, company: "Acme"))
        #expect(finder.score(colleagues.0, colleagues.1) < finder.threshold)
        let namesakes = (C(id: "1", first: "Sam", last: "Brooks", email: "sam@delta.io", phone: nil, company: "Delta"),
                         C(id: "2", first: "Sam", last: "Brooks", email: "sam@orbit.com", phone: nil, company: "Orbit"))
        #expect(finder.score(namesakes.0, namesakes.1) < finder.threshold)
        let inbox = (C(id: "1", first: "Ana", last: "Lee", email: "info@acme.io", phone: nil, company: nil),
                     C(id: "2", first: "Ben", last: "Kim", email: "info@acme.io", phone: nil, company: nil))
        #expect(finder.score(inbox.0, inbox.1) < finder.threshold)
        #expect(finder.clusters([inbox.0, inbox.1]) == ["1": "1", "2": "2"])
    }

    @Test("no chaining: a record linked to two people who contradict each other joins only one")
    func noChaining() {
        // A and C are colleagues (same domain, different mailboxes); B has no email and matches both on name and company.
        let a = C(id: "a", first: "Chen", last: "Wei", email: "chen.wei@acme.io", phone: "415-555-0101", company: "Acme")
        let b = C(id: "b", first: "Chen", last: "Wei", email: nil, phone: "415-555-0101", company: "Acme")
        let c = C(id: "c", first: "Chen", last: "Wei", email: "cwei@acme.io", phone: nil, company: "Acme")
        let clusters = finder.clusters([a, b, c])
        #expect(clusters["a"] == clusters["b"], "the phone ties b to a")
        #expect(clusters["c"] != clusters["a"], "c contradicts a, so it cannot come in through b")
    }

    @Test("Jaro-Winkler on the textbook pairs")
    func jaroWinkler() {
        #expect(abs(finder.jaroWinkler("martha", "marhta") - 0.961) < 0.001)
        #expect(abs(finder.jaroWinkler("dwayne", "duane") - 0.84) < 0.001)
        #expect(finder.jaroWinkler("abc", "xyz") == 0)
    }
}

@Suite("Derived attributes for scoring and routing rules")
struct DerivedAttributeTests {
    @Test("hygiene output is testable in rules: class, company domain, department, country, region, size band")
    func derived() {
        let lead = Lead(personKey: PersonKey.email("info@acme.io"), sources: [], fields: [
            "email": "info@acme.io", "title": "VP Marketing", "country": "United States of America", "state": "Massachusetts", "employees": "1200",
        ], lifecycle: .lead, modifiedAt: Date())
        #expect(LeadAttributes.value("emailClass", of: lead) == "role")
        #expect(LeadAttributes.value("companyDomain", of: lead) == "acme.io")
        #expect(LeadAttributes.value("department", of: lead) == "marketing")
        #expect(LeadAttributes.value("country", of: lead) == "US")
        #expect(LeadAttributes.value("region", of: lead) == "US-MA")
        #expect(LeadAttributes.value("sizeBand", of: lead) == "1001-5000")
        #expect(LeadAttributes.sizeBand(10) == "1-10" && LeadAttributes.sizeBand(11) == "11-50" && LeadAttributes.sizeBand(9000) == "5001+")
        let rule: [String: Condition] = ["region": .oneOf(["US-MA", "US-NY"]), "sizeBand": .equals("1001-5000")]
        #expect(LeadAttributes.matches(rule, lead))
    }
}

@Suite("Match text folding")
struct MatchTextTests {
    @Test("the ASCII path folds exactly as the Unicode path does")
    func asciiPathAgrees() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ019 -'.,&+/@_()\t!?\"")
        var samples = ["O'Brien-Smith", "  ACME, Inc. ", "the  Co-op", "x", "", "---", "R2-D2 & C-3PO", "it's", "A.B.C."]
        for _ in 0..<2000 {
            samples.append(String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for sample in samples {
            #expect(MatchText.foldASCII(sample) == MatchText.foldUnicode(sample), "\(sample)")
        }
        #expect(MatchText.fold("Zoë O'Brien") == "zoe obrien", "non-ASCII text takes the Unicode path")
    }
}

@Suite("Email normalising paths")
struct EmailPathTests {
    @Test("the ASCII path normalises exactly as the Unicode path does")
    func asciiPathAgrees() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ9.@-_+ <>:\tmailto")
        var samples = [" Ana.Silva+x@GMail.COM ", "mailto:<bo@acme.io>", "<a@b.co>", "a@@b.co", "@b.co", "a@b", "a@.b.co.", "a@b..co",
                       "a b@c d.com", "m ailto:x@y.com", "<>", "mailto:", "a@b_c.com", "x@y.c-o"]
        for _ in 0..<5000 {
            samples.append(String((0..<Int.random(in: 0...20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for sample in samples {
            #expect(EmailAddress.normaliseASCII(Array(sample.utf8)) == EmailAddress.normaliseUnicode(sample), "\(sample)")
        }
    }
}

@Suite("Normalising fast paths give the slow paths' answers")
struct NormaliserFastPathTests {
    /// The definition the fast path must agree with.
    static func reference(_ raw: String) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test("text: tidy ASCII, inner and outer spaces, tabs, newlines, non-breaking and other Unicode spaces, accents")
    func text() {
        let pieces = ["Ana", " ", "  ", "\t", "\n", "\u{00A0}", "\u{2003}", "Müller", "O'Brien", "-", "", "\r\n", "x"]
        var generator = SystemRandomNumberGenerator()
        var checked = 0
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(FieldType.string.normalise(text) == Self.reference(text), "\(text.debugDescription)")
            checked += 1
        }
        #expect(checked == 5_000)
        #expect(FieldType.isTidyASCII("Ana Reyes") && !FieldType.isTidyASCII("Ana  Reyes") && !FieldType.isTidyASCII(" Ana")
                && !FieldType.isTidyASCII("Ana ") && !FieldType.isTidyASCII("Ana\tReyes") && !FieldType.isTidyASCII("") && !FieldType.isTidyASCII("Zoë"))
    }

    @Test("numbers and ranges: a plain number is no range; commas and spaces in integers as before")
    func numbers() {
        #expect(NumberRanges.band("1200") == nil && NumberRanges.band("1,200") == nil && NumberRanges.band("") == nil)
        #expect(NumberRanges.band("1000+")?.lower == 1000 && NumberRanges.band("25-50")?.upper == 50 && NumberRanges.band("25 to 50")?.lower == 25)
        #expect(FieldType.integer.normalise("1,200") == "1200" && FieldType.integer.normalise(" 40 ") == "40" && FieldType.integer.normalise("1e30") == "1e30")
    }
}
