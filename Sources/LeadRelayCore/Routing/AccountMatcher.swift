/// How a lead found its account, and why that account over others that also fit.
public struct AccountMatch: Sendable, Hashable, Codable {
    /// The evidence, strongest first: the first kind that finds an account decides.
    public enum Evidence: String, Sendable, Hashable, Codable, CaseIterable {
        /// The lead's company domain is the account's `Website` (or the HubSpot company's `domain`).
        case website
        /// The account's contacts write from the lead's company domain.
        case contactDomain = "contact-domain"
        /// The lead's HubSpot company (its association, or the company holding its domain) leads to the account.
        case hubspotCompany = "hubspot-company"
        /// The company names agree once legal forms, abbreviations and punctuation are set aside (or one is the
        /// other's initials).
        case name
    }

    public var account: Account
    public var evidence: Evidence
    /// What matched, in words: "acme.io is the Website of Acme Labs Inc.".
    public var detail: String
    /// Why this account over the others the same evidence found; `nil` when it was the only one.
    public var tieBreak: String?

    public var explanation: String { tieBreak.map { "\(detail); \($0)" } ?? detail }
}

/// The accounts of a cycle, indexed once for matching every lead against them (by domain, contacts' domains, name and
/// initials), with each account's contacts and opportunities for tie-breaking.
public struct AccountIndex: Sendable {
    public let accounts: [Account]
    public let profiles: [RecordRef: AccountProfile]
    let byRef: [RecordRef: Int]
    let salesforceByDomain: [String: [Int]]
    let salesforceByContactDomain: [String: [Int]]
    let salesforceByName: [String: [Int]]
    let salesforceByAcronym: [String: [Int]]
    let hubspotByDomain: [String: [Int]]

    public static let empty = AccountIndex(accounts: [])

    public init(accounts: [Account], profiles: [RecordRef: AccountProfile] = [:]) {
        let sorted = accounts.sorted { $0.ref < $1.ref }
        self.accounts = sorted
        self.profiles = profiles
        var byRef: [RecordRef: Int] = [:], domains: [String: [Int]] = [:], contactDomains: [String: [Int]] = [:]
        var names: [String: [Int]] = [:], acronyms: [String: [Int]] = [:], hubspot: [String: [Int]] = [:]
        for (index, account) in sorted.enumerated() {
            byRef[account.ref] = index
            guard account.ref.system == .salesforce else {
                if let domain = account.domain { hubspot[domain, default: []].append(index) }
                continue
            }
            if let domain = account.domain { domains[domain, default: []].append(index) }
            for domain in (profiles[account.ref]?.contactDomains.keys).map(Array.init) ?? [] {
                contactDomains[domain, default: []].append(index)
            }
            if let key = CompanyName.matchKey(account.name) { names[key, default: []].append(index) }
            if let acronym = CompanyName.acronym(account.name) { acronyms[acronym, default: []].append(index) }
        }
        (self.byRef, salesforceByDomain, salesforceByContactDomain) = (byRef, domains, contactDomains)
        (salesforceByName, salesforceByAcronym, hubspotByDomain) = (names, acronyms, hubspot)
    }

    public func account(_ ref: RecordRef) -> Account? { byRef[ref].map { accounts[$0] } }

    /// The lead's account, LeanData's way: its company domain against Salesforce accounts' `Website`s, then against
    /// the domains of their contacts, then through its HubSpot company, then by company name. Salesforce owns account
    /// ownership, so a HubSpot company stands only when no Salesforce account is found. Several accounts on one kind
    /// of evidence are decided by most contacts, then most open opportunities, then an active owner; accounts of one
    /// domain that tie on all three are duplicates (the oldest id stands), accounts of one name that tie are
    /// different companies as far as anyone can tell, and none is taken.
    ///
    /// `linkedCompanies` are the HubSpot companies the person's contact is associated with; `ownerActive` says
    /// whether an owner id belongs to someone who can still take leads.
    public func match(_ lead: Lead, linkedCompanies: [RecordRef] = [], ownerActive: (String) -> Bool = { _ in true }) -> AccountMatch? {
        let domain = lead.email.flatMap(EmailAddress.companyDomain) ?? WebDomain.normalise(lead.fields["website"])
        var notes = Notes()
        // The Website and the contacts' addresses are one kind of evidence: a duplicate account someone gave the
        // Website does not beat the account whose people write from the domain; the tie-breakers decide.
        if let domain, let match = byDomain(domain, ownerActive, notes: &notes, detail: { account, evidence in
            evidence == .website ? "\(domain) is the Website of \(account.name)"
                : "\(profiles[account.ref]?.contactDomains[domain] ?? 0) of the contacts of \(account.name) write from \(domain)"
        }) { return match }
        let companies = hubspotCompanies(of: lead, domain: domain, linked: linkedCompanies)
        for (company, how) in companies {
            if let match = viaCompany(company, how: how, ownerActive) { return match }
        }
        if let match = byName(lead.fields["company"], domain: domain, ownerActive, notes: &notes, detail: { account, how in
            "the lead's company \"\(lead.fields["company"] ?? "")\" is \(account.name) by \(how)"
        }) { return match }
        // No Salesforce account: the HubSpot company stands, the associated one first.
        if let (company, how) = companies.first {
            return AccountMatch(account: company, evidence: how == "associated" ? .hubspotCompany : .website,
                                detail: how == "associated" ? "the lead's contact is associated with HubSpot company \(company.name)"
                                                           : "\(company.domain ?? "") is the domain of HubSpot company \(company.name)",
                                tieBreak: notes.text)
        }
        return nil
    }

    /// Salesforce accounts with `domain` as their Website or among their contacts' domains, the best by the tie-breakers.
    func byDomain(_ domain: String, _ ownerActive: (String) -> Bool, notes: inout Notes,
                  detail: (Account, AccountMatch.Evidence) -> String) -> AccountMatch? {
        let found = (salesforceByDomain[domain] ?? []) + (salesforceByContactDomain[domain] ?? [])
        guard var match = pick(found, strict: false, ownerActive, .website, notes: &notes, { detail($0, $0.domain == domain ? .website : .contactDomain) })
        else { return nil }
        if match.account.domain != domain { match.evidence = .contactDomain }
        return match
    }

    /// The HubSpot companies behind a lead: those its contact is associated with, then those holding its domain.
    func hubspotCompanies(of lead: Lead, domain: String?, linked: [RecordRef]) -> [(Account, String)] {
        var seen: Set<RecordRef> = []
        var companies: [(Account, String)] = []
        for ref in linked.sorted() {
            if let company = account(ref), seen.insert(ref).inserted { companies.append((company, "associated")) }
        }
        for index in domain.flatMap({ hubspotByDomain[$0] }) ?? [] where seen.insert(accounts[index].ref).inserted {
            companies.append((accounts[index], "domain"))
        }
        return companies
    }

    /// The Salesforce account a HubSpot company describes: by its domain (Website, then contacts), then by its name.
    func viaCompany(_ company: Account, how: String, _ ownerActive: (String) -> Bool) -> AccountMatch? {
        var notes = Notes()
        let through = how == "associated" ? "the lead's HubSpot company \(company.name)" : "HubSpot company \(company.name), which holds the lead's domain,"
        if let domain = company.domain, var match = byDomain(domain, ownerActive, notes: &notes, detail: { account, evidence in
            evidence == .website ? "\(through) has domain \(domain), the Website of \(account.name)"
                : "\(through) has domain \(domain), from which contacts of \(account.name) write"
        }) {
            match.evidence = .hubspotCompany
            return match
        }
        guard var match = byName(company.name, domain: company.domain, ownerActive, notes: &notes, detail: { account, how in
            "\(through) is \(account.name) by \(how)"
        }) else { return nil }
        match.evidence = .hubspotCompany
        return match
    }

    /// Salesforce accounts of the same name (legal forms and abbreviations aside) or of the name's initials; an
    /// account whose own domains do not include the lead's, nor one of the same name under another ending, is another
    /// company of that name.
    func byName(_ name: String?, domain: String?, _ ownerActive: (String) -> Bool, notes: inout Notes,
                detail: (Account, String) -> String) -> AccountMatch? {
        guard let key = CompanyName.matchKey(name) else { return nil }
        var found: [(Int, String)] = (salesforceByName[key] ?? []).map { ($0, "name") }
        if let short = CompanyName.asAcronym(name) { found += (salesforceByAcronym[short] ?? []).map { ($0, "its initials") } }
        if let initials = CompanyName.acronym(name) { found += (salesforceByName[initials] ?? []).map { ($0, "initials") } }
        var kept: [Int] = [], how: [Int: String] = [:], others = 0
        for (index, way) in found where how[index] == nil {
            let known = accountDomains(accounts[index])
            if let domain, !known.isEmpty, !known.contains(where: { Self.related($0, domain) }) {
                others += 1
                continue
            }
            how[index] = way
            kept.append(index)
        }
        if others > 0 { notes.add("\(others) account\(others == 1 ? "" : "s") of that name with other domains left aside") }
        return pick(kept, strict: true, ownerActive, .name, notes: &notes) { detail($0, how[byRef[$0.ref] ?? 0] ?? "name") }
    }

    /// Two domains of one company as far as names go: the same name under another ending (`acme.co.uk`, `acme.io`)
    /// or the name with a word after a hyphen (`acme-group.com`). `acme-labs-5.com` and `acmelabs.io` are not.
    static func related(_ a: String, _ b: String) -> Bool {
        guard a != b else { return true }
        let stemA = a.split(separator: ".").first.map(String.init) ?? a, stemB = b.split(separator: ".").first.map(String.init) ?? b
        guard stemA.count >= 3, stemB.count >= 3 else { return false }
        return stemA == stemB || stemA.hasPrefix(stemB + "-") || stemB.hasPrefix(stemA + "-")
    }

    func accountDomains(_ account: Account) -> Set<String> {
        var domains = Set(profiles[account.ref]?.contactDomains.keys.map { $0 } ?? [])
        if let domain = account.domain { domains.insert(domain) }
        return domains
    }

    /// The best of `candidates` by the tie-breakers, with why it won; `nil` when none is left, or when `strict` and
    /// the best two tie on every tie-breaker (the tie is noted).
    func pick(_ candidates: [Int], strict: Bool, _ ownerActive: (String) -> Bool, _ evidence: AccountMatch.Evidence,
              notes: inout Notes, _ detail: (Account) -> String) -> AccountMatch? {
        let unique = Array(Set(candidates))
        guard !unique.isEmpty else { return nil }
        typealias Rank = (contacts: Int, open: Int, active: Bool)
        func rank(_ index: Int) -> Rank {
            let profile = profiles[accounts[index].ref] ?? .init()
            return (profile.contacts, profile.openOpportunities, accounts[index].ownerID.map(ownerActive) ?? false)
        }
        let ranked = unique.map { ($0, rank($0)) }.sorted { a, b in
            if a.1.contacts != b.1.contacts { return a.1.contacts > b.1.contacts }
            if a.1.open != b.1.open { return a.1.open > b.1.open }
            if a.1.active != b.1.active { return a.1.active }
            return accounts[a.0].ref < accounts[b.0].ref
        }
        let (best, top) = ranked[0]
        var tieBreak: String?
        if ranked.count > 1 {
            let second = ranked[1].1
            let others = ranked.count - 1
            let over = "chosen over \(others) other account\(others == 1 ? "" : "s") that also matched"
            if top.contacts != second.contacts {
                tieBreak = "\(over): most contacts (\(top.contacts) against \(second.contacts))"
            } else if top.open != second.open {
                tieBreak = "\(over): most open opportunities (\(top.open) against \(second.open))"
            } else if top.active != second.active {
                tieBreak = "\(over): its owner is active"
            } else if strict {
                notes.add("\(ranked.count) accounts named alike tie on contacts, open opportunities and owner (\(ranked.prefix(3).map { accounts[$0.0].name }.joined(separator: ", "))): none is taken")
                return nil
            } else {
                tieBreak = "\(over), tied on contacts, opportunities and owner: the oldest record stands"
            }
        }
        if let earlier = notes.text { tieBreak = tieBreak.map { "\($0); \(earlier)" } ?? earlier }
        return AccountMatch(account: accounts[best], evidence: evidence, detail: detail(accounts[best]), tieBreak: tieBreak)
    }

    /// What matching passed over on the way, said with the match.
    struct Notes {
        var lines: [String] = []
        mutating func add(_ line: String) { lines.append(line) }
        var text: String? { lines.isEmpty ? nil : lines.joined(separator: "; ") }
    }
}
