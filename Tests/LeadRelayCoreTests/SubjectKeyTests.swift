import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Person and account keys")
struct SubjectKeyTests {
    let contact = RecordRef(system: .hubspot, object: "contacts", id: "101")

    @Test("each key reads back from its stored form, and only its own kind does", arguments: [
        "email:ana@acme.io", "ref:hubspot/contacts/101", "ref:salesforce/Lead/00Q5e00000AbCdE", "domain:acme.io",
    ])
    func roundTrips(raw: String) throws {
        let subject = try #require(SubjectKey(rawValue: raw))
        #expect(subject.rawValue == raw)
        #expect(subject.description == raw)
        #expect((PersonKey(rawValue: raw) != nil) == (raw.hasPrefix("email:") || raw.hasPrefix("ref:")))
        #expect((AccountKey(rawValue: raw) != nil) == raw.hasPrefix("domain:"))
    }

    @Test("strings that are no key of LeadRelay's are refused", arguments: [
        "", "ana@acme.io", "email:", "domain:", "ref:", "ref:hubspot/contacts", "ref:zoho/contacts/1", "ref:hubspot//1", "ref:hubspot/contacts/",
        "Email:ana@acme.io", "p1",
    ])
    func refuses(raw: String) {
        #expect(SubjectKey(rawValue: raw) == nil)
        #expect(PersonKey(rawValue: raw) == nil)
        #expect(AccountKey(rawValue: raw) == nil)
    }

    @Test("a record key keeps an id with a slash in it")
    func slashInID() throws {
        let key = try #require(PersonKey(rawValue: "ref:hubspot/contacts/a/b"))
        #expect(key == .record(RecordRef(system: .hubspot, object: "contacts", id: "a/b")))
    }

    @Test("the typed accessors say which kind a key is")
    func accessors() {
        #expect(PersonKey.email("ana@acme.io").email == "ana@acme.io")
        #expect(PersonKey.record(contact).email == nil)
        #expect(SubjectKey.person(.record(contact)).person == .record(contact))
        #expect(SubjectKey.person(.record(contact)).account == nil)
        #expect(SubjectKey.account(AccountKey(domain: "acme.io")).account?.domain == "acme.io")
    }

    @Test("keys encode as their stored form, alone and as the keys of a JSON object")
    func codable() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let people: [PersonKey: Int] = [.email("ana@acme.io"): 1, .record(contact): 2]
        let json = String(decoding: try encoder.encode(people), as: UTF8.self)
        #expect(json == #"{"email:ana@acme.io":1,"ref:hubspot\/contacts\/101":2}"#)
        #expect(try JSONDecoder().decode([PersonKey: Int].self, from: Data(json.utf8)) == people)
        let subjects: [SubjectKey] = [.person(.email("ana@acme.io")), .account(AccountKey(domain: "acme.io"))]
        let data = try encoder.encode(subjects)
        #expect(String(decoding: data, as: UTF8.self) == #"["email:ana@acme.io","domain:acme.io"]"#)
        #expect(try JSONDecoder().decode([SubjectKey].self, from: data) == subjects)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([PersonKey].self, from: Data(#"["domain:acme.io"]"#.utf8)) }
    }

    @Test("keys order by their stored form, so plans list people as they always did")
    func ordering() {
        let keys: [PersonKey] = [.record(contact), .email("zed@acme.io"), .email("ana@acme.io")]
        #expect(keys.sorted().map(\.rawValue) == ["email:ana@acme.io", "email:zed@acme.io", "ref:hubspot/contacts/101"])
    }

    @Test("a mailbox's key folds what reaches one person: case, gmail dots and +tags")
    func mailboxKey() {
        #expect(IdentityResolver.personKey(email: "Ana.Silva+news@Gmail.com") == IdentityResolver.personKey(email: "anasilva@gmail.com"))
        #expect(IdentityResolver.personKey(email: "ana@acme.io") == .email("ana@acme.io"))
    }
}
