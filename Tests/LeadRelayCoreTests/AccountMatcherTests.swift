import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Account matching")
struct AccountMatcherTests {
    static func sf(_ id: String, _ name: String, website: String? = nil, owner: String = "005B") -> Account {
        Account(ref: RecordRef(system: .salesforce, object: "Account", id: id), name: name, domain: WebDomain.normalise(website), ownerID: owner)
    }
    static func hs(_ id: String, _ name: String, domain: String?) -> Account {
        Account(ref: RecordRef(system: .hubspot, object: "companies", id: id), name: name, domain: domain, ownerID: "702")
    }
    static func lead(_ email: String, company: String? = nil) -> Lead {
        var fields = ["email": email]
        fields["company"] = company
        return Fixtures.plainLead(fields)
    }
    let active: (String) -> Bool = { $0 != "005X" }

    @Test("the company domain against the account's Website first, in any of the forms a Website is written")
    func website() throws {
        let acme = Self.sf("001A", "Acme Labs, Inc.", website: "https://www.AcmeLabs.io/about")
        let match = try #require(AccountIndex(accounts: [acme]).match(Self.lead("dana@acmelabs.io"), ownerActive: active))
        #expect(match.account.ref == acme.ref && match.evidence == .website && match.tieBreak == nil)
        #expect(match.explanation == "acmelabs.io is the Website of Acme Labs, Inc.")
    }

    @Test("then the domains the account's contacts write from: a second domain, or an account without a Website")
    func contactDomains() throws {
        let acme = Self.sf("001A", "Acme Labs", website: "acmelabs.io")
        let bare = Self.sf("001B", "Umbra Works")
        let index = AccountIndex(accounts: [acme, bare], profiles: [
            acme.ref: AccountProfile(contacts: 4, contactDomains: ["acmelabs.io": 3, "acmelabs.co.uk": 1]),
            bare.ref: AccountProfile(contacts: 2, contactDomains: ["umbra.example": 2]),
        ])
        let uk = try #require(index.match(Self.lead("sam@acmelabs.co.uk"), ownerActive: active))
        #expect(uk.account.ref == acme.ref && uk.evidence == .contactDomain)
        #expect(uk.detail == "1 of the contacts of Acme Labs write from acmelabs.co.uk")
        #expect(index.match(Self.lead("kim@umbra.example"), ownerActive: active)?.account.ref == bare.ref,
                "a Salesforce account without Website still matches")
    }

    @Test("a contact's HubSpot company leads to the Salesforce account by its domain, or by its name")
    func hubspotCompany() throws {
        let acme = Self.sf("001A", "Acme Labs", website: "acmelabs.io")
        let bare = Self.sf("001B", "Granite Foods Ltd")
        let acmeCompany = Self.hs("9", "Acme Labs", domain: "acmelabs.io"), graniteCompany = Self.hs("10", "Granite Foods", domain: nil)
        let index = AccountIndex(accounts: [acme, bare, acmeCompany, graniteCompany])
        let viaDomain = try #require(index.match(Self.lead("dana@gmail.com"), linkedCompanies: [acmeCompany.ref], ownerActive: active))
        #expect(viaDomain.account.ref == acme.ref && viaDomain.evidence == .hubspotCompany)
        #expect(viaDomain.detail.contains("the lead's HubSpot company Acme Labs has domain acmelabs.io"))
        let viaName = try #require(index.match(Self.lead("lee@gmail.com"), linkedCompanies: [graniteCompany.ref], ownerActive: active))
        #expect(viaName.account.ref == bare.ref && viaName.evidence == .hubspotCompany)
        #expect(index.match(Self.lead("lee@gmail.com"), linkedCompanies: [RecordRef(system: .hubspot, object: "companies", id: "404")],
                            ownerActive: active) == nil, "a company LeadRelay has not read is no evidence")
        // No Salesforce account at all: the HubSpot company stands.
        let alone = Self.hs("11", "Kite Health", domain: "kite.example")
        let own = try #require(AccountIndex(accounts: [alone]).match(Self.lead("a@gmail.com"), linkedCompanies: [alone.ref], ownerActive: active))
        #expect(own.account.ref == alone.ref && own.evidence == .hubspotCompany)
    }

    @Test("names agree without legal forms, punctuation, case and abbreviations; initials match a long name")
    func fuzzyNames() {
        let granite = Self.sf("001G", "Granite International Laboratories, Inc.")
        let ibm = Self.sf("001I", "International Business Machines Corporation")
        let index = AccountIndex(accounts: [granite, ibm])
        for written in ["granite intl labs", "Granite Int'l Laboratory LLC", "GRANITE INTERNATIONAL LABS GmbH", "The Granite Intl. Labs"] {
            #expect(index.match(Self.lead("x@gmail.com", company: written), ownerActive: active)?.account.ref == granite.ref, "\(written)")
        }
        let byInitials = index.match(Self.lead("x@gmail.com", company: "IBM"), ownerActive: active)
        #expect(byInitials?.account.ref == ibm.ref && byInitials?.evidence == .name)
        #expect(byInitials?.detail.contains("by its initials") == true)
        #expect(index.match(Self.lead("x@gmail.com", company: "Ibm"), ownerActive: active) == nil, "a word written as a name is not initials")
        #expect(index.match(Self.lead("x@gmail.com", company: "Granite Foods"), ownerActive: active) == nil)
        let short = AccountIndex(accounts: [Self.sf("001S", "SAP")])
        #expect(short.match(Self.lead("x@gmail.com", company: "Systems Analysis Program"), ownerActive: active)?.account.name == "SAP",
                "and a long name matches an account known by its initials")
    }

    @Test("a name match with another company's domain is another company of that name")
    func domainConflict() {
        let acme = Self.sf("001A", "Acme Labs", website: "acmelabs.io")
        let index = AccountIndex(accounts: [acme])
        #expect(index.match(Self.lead("x@acme-labs-5.com", company: "Acme Labs"), ownerActive: active) == nil)
        #expect(index.match(Self.lead("x@gmail.com", company: "Acme Labs"), ownerActive: active)?.account.ref == acme.ref,
                "free mail has no domain to disagree with")
        let bare = Self.sf("001B", "Acme Labs")
        #expect(AccountIndex(accounts: [bare]).match(Self.lead("x@acme-labs-5.com", company: "Acme Labs"), ownerActive: active)?.account.ref == bare.ref,
                "an account with no domain of its own has nothing to disagree with")
    }

    @Test("several accounts on one evidence: most contacts, then open opportunities, then an active owner, then the oldest id")
    func tieBreakers() throws {
        let a = Self.sf("001A", "Acme", website: "acme.io"), b = Self.sf("001B", "Acme Inc", website: "acme.io", owner: "005X")
        func winner(_ profiles: [RecordRef: AccountProfile]) throws -> AccountMatch {
            try #require(AccountIndex(accounts: [b, a], profiles: profiles).match(Self.lead("x@acme.io"), ownerActive: active))
        }
        let contacts = try winner([a.ref: .init(contacts: 1), b.ref: .init(contacts: 5)])
        #expect(contacts.account.ref == b.ref)
        #expect(contacts.tieBreak == "chosen over 1 other account that also matched: most contacts (5 against 1)")
        let opportunities = try winner([a.ref: .init(contacts: 2), b.ref: .init(contacts: 2, openOpportunities: 1)])
        #expect(opportunities.account.ref == b.ref && opportunities.tieBreak?.contains("most open opportunities (1 against 0)") == true)
        let owner = try winner([a.ref: .init(contacts: 2), b.ref: .init(contacts: 2)])
        #expect(owner.account.ref == a.ref && owner.tieBreak?.contains("its owner is active") == true)
        let c = Self.sf("001C", "Acme", website: "acme.io")
        let oldest = try #require(AccountIndex(accounts: [c, a]).match(Self.lead("x@acme.io"), ownerActive: active))
        #expect(oldest.account.ref == a.ref && oldest.tieBreak?.contains("the oldest record stands") == true)
    }

    @Test("two accounts named alike that tie on everything are ambiguous: neither is taken")
    func ambiguousNames() {
        let a = Self.sf("001A", "Summit Health"), b = Self.sf("001B", "Summit Health LLC")
        #expect(AccountIndex(accounts: [a, b]).match(Self.lead("x@gmail.com", company: "Summit Health"), ownerActive: active) == nil)
        let decided = AccountIndex(accounts: [a, b], profiles: [b.ref: .init(contacts: 1)])
            .match(Self.lead("x@gmail.com", company: "Summit Health"), ownerActive: active)
        #expect(decided?.account.ref == b.ref, "a tie-breaker decides")
    }

    @Test("the same accounts in any order give the same match")
    func orderFree() {
        let accounts = (0..<12).map { Self.sf(String(format: "001%02d", $0), "Orbit Systems", website: $0 % 3 == 0 ? "orbit.io" : nil) }
        var rng = SystemRandomNumberGenerator()
        let expected = AccountIndex(accounts: accounts).match(Self.lead("x@orbit.io"), ownerActive: active)?.account.ref
        for _ in 0..<20 {
            #expect(AccountIndex(accounts: accounts.shuffled(using: &rng)).match(Self.lead("x@orbit.io"), ownerActive: active)?.account.ref == expected)
        }
        #expect(expected?.id == "00100")
    }

    @Test("an account decision carries the account, its evidence and why")
    func decisionCarriesTheMatch() throws {
        let router = Router(config: Fixtures.routing, reps: Fixtures.reps)
        let acme = Self.sf("001A", "Acme Labs", website: nil)
        var state = RoutingState()
        let index = AccountIndex(accounts: [acme], profiles: [acme.ref: .init(contacts: 3, contactDomains: ["acmelabs.io": 3])])
        let decision = router.route(Fixtures.plainLead(["email": "x@acmelabs.io", "state": "NY"]), accounts: index, state: &state,
                                    context: .init(now: Fixtures.now))
        #expect(decision.repID == "ben" && decision.rule == "existing-account")
        let account = try #require(decision.account)
        #expect(account.ref == acme.ref && account.evidence == .contactDomain)
        #expect(decision.reason.contains("3 of the contacts of Acme Labs write from acmelabs.io"))
    }

    @Test("profiles count live contacts, their work domains and open opportunities")
    func profiles() throws {
        let account = RecordRef(system: .salesforce, object: "Account", id: "001A")
        func row(_ object: String, _ id: String, _ fields: [String: String?], deleted: Bool = false) -> SourceRecord {
            SourceRecord(ref: RecordRef(system: .salesforce, object: object, id: id), modifiedAt: Fixtures.now, fields: fields, deleted: deleted)
        }
        let members = [
            row("Contact", "003A", ["AccountId": "001A", "Email": " Dana@AcmeLabs.io "]),
            row("Contact", "003B", ["AccountId": "001A", "Email": "dana.home@gmail.com"]),
            row("Contact", "003C", ["AccountId": "001A", "Email": "old@acmelabs.io"], deleted: true),
            row("Contact", "003D", ["AccountId": nil, "Email": "x@acmelabs.io"]),
            row("Opportunity", "006A", ["AccountId": "001A", "IsClosed": "false"]),
            row("Opportunity", "006B", ["AccountId": "001A", "IsClosed": "true"]),
            row("Lead", "00QA", ["Email": "x@acmelabs.io"]),
        ].compactMap(AccountMember.init(record:))
        #expect(members.count == 6, "leads are not account members")
        let profile = try #require(AccountProfile.profiles(members)[account])
        #expect(profile == AccountProfile(contacts: 2, contactDomains: ["acmelabs.io": 1], openOpportunities: 1))
        #expect(AccountProfile.profiles(members).count == 1)
    }

    @Test("company names: abbreviations read as one form, initials of three words or more")
    func companyNames() {
        #expect(CompanyName.matchKey("Acme Technologies Intl., Inc.") == CompanyName.matchKey("acme tech international"))
        #expect(CompanyName.matchKey("Cobalt Mfg & Services") == "cobalt mfg svc")
        #expect(CompanyName.acronym("International Business Machines Corp.") == "ibm")
        #expect(CompanyName.acronym("Bank of New York") == "bny")
        #expect(CompanyName.acronym("Acme Labs") == nil, "two words are too few to be known by initials")
        #expect(CompanyName.asAcronym("IBM") == "ibm")
        #expect(CompanyName.asAcronym("3M") == "3m")
        #expect(CompanyName.asAcronym("Iris") == nil)
        #expect(CompanyName.asAcronym("ACME LABS") == nil)
    }
}
