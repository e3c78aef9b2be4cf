import Foundation
import LeadRelayCore

/// Everything the generator decided, before any of it is loaded into a simulator.
///
/// Pure data, so a plan of a million records is built without touching the
/// simulator actor, then loaded in one call (`SimulatorState.load`).
public struct SeedPlan: Sendable {
    public struct Rep: Sendable {
        public var key: String
        public var firstName: String
        public var lastName: String
        public var email: String
        public var hubspotOwnerID: String
        public var hubspotUserID: Int
    }

    public struct Account: Sendable {
        public var key: String
        public var name: String
        public var domain: String
        public var salesforceName: String
        public var website: String
        public var industry: (hubspot: String, salesforce: String)
        public var employees: Int
        public var state: String
        public var ownerRep: Int
        public var salesforceCreated: Date
        public var hubspotCreated: Date
        public var extras = AccountExtras()
    }

    public struct Event: Sendable {
        public var type: String
        public var properties: [String: String]
        public var at: Date
    }

    /// One CRM record of a person, as one system holds it.
    public struct Record: Sendable {
        public var system: CRMSystem
        public var object: String
        public var person: Int
        /// HubSpot properties (strings) or Salesforce fields (typed JSON).
        public var hubspot: [String: String] = [:]
        public var salesforce: [String: SimJSON] = [:]
        public var at: Date
        public var mess: [SeedMess]
        public var events: [Event] = []
        /// The account this record is associated with in its system (HubSpot contact → company).
        public var associatedAccount: Int?
    }

    public struct Person: Sendable {
        public var key: String
        public var firstName: String
        public var lastName: String
        /// The address the person would give if asked: their work one, or personal when they have no work one.
        public var email: String
        /// The company they work for, as they would write it.
        public var company: String
        public var account: Int?
        /// The person this one is easily mistaken for (same name, same company), but is not.
        public var lookAlikeOf: Int?
        public var records: [Int] = []
    }

    public var reps: [Rep] = []
    /// A rep who left: some contacts still point at their archived HubSpot owner.
    public var departed: Rep
    public var accounts: [Account] = []
    public var people: [Person] = []
    public var records: [Record] = []
}

extension SeedGenerator {
    /// Decides every rep, account, person and record from the seed; no I/O.
    public func plan() -> SeedPlan {
        var builder = SeedPlanBuilder(options: options)
        return builder.build()
    }

    /// The same plan, but each record is handed to `body` as it is decided and not kept: for consumers that need
    /// a million records once (the dedupe benchmark) without holding them all. The returned plan has no records;
    /// its people still list their records' indices (the order `body` saw them).
    public func streamPlan(_ body: @escaping (SeedPlan.Record) -> Void) -> SeedPlan {
        var builder = SeedPlanBuilder(options: options)
        builder.sink = body
        return builder.build()
    }
}

/// The generator's working state while it builds a plan.
struct SeedPlanBuilder {
    let options: SeedGenerator.Options
    var rng: SeededRandom
    /// The side stream: what account matching needs of the data, drawn apart so the main stream's decisions stay.
    var side: SeededRandom
    /// Company names in use (accounts and everyone else's employers): one name, one company.
    var usedCompanyNames: Set<String> = []
    /// Account domains in use (their websites' and their people's second domains).
    var usedDomains: Set<String> = []
    var usedEmails: Set<String> = []
    /// HubSpot's uniqueness keys (trimmed, lower-cased) already taken: a messy variant must not collide.
    var hubspotEmailKeys: Set<String> = []
    var plan: SeedPlan
    /// Records emitted so far (their indices in `plan.records`, whether kept there or streamed).
    var emitted = 0
    /// When set, records go here instead of into `plan.records`.
    var sink: ((SeedPlan.Record) -> Void)?

    init(options: SeedGenerator.Options) {
        self.options = options
        self.rng = SeededRandom(seed: options.seed)
        self.side = SeededRandom(seed: options.seed ^ 0xACC0_0A77_5EED_0001)
        self.plan = SeedPlan(departed: SeedPlan.Rep(key: "gus", firstName: "Gus", lastName: "Gone", email: "gus@example.com",
                                                     hubspotOwnerID: "71299999", hubspotUserID: 9199))
    }

    mutating func past(days: Double) -> Date {
        options.now.addingTimeInterval(-Double.random(in: 60...(days * 86_400), using: &rng))
    }

    mutating func build() -> SeedPlan {
        for (index, rep) in SeedData.reps.enumerated() {
            let ownerID = String(71_200_000 + index * 17 + Int.random(in: 0..<10, using: &rng))
            plan.reps.append(SeedPlan.Rep(key: rep.id, firstName: rep.first, lastName: rep.last, email: "\(rep.id)@example.com",
                                          hubspotOwnerID: ownerID, hubspotUserID: 9100 + index))
        }
        addAccounts(max(5, options.people / 8))
        plan.people.reserveCapacity(options.people)
        if sink == nil { plan.records.reserveCapacity(options.people * 3 / 2) }
        for index in 0..<options.people { addPerson(index) }
        return plan
    }

    mutating func addAccounts(_ count: Int) {
        for index in 0..<count {
            let word = rng.pick(SeedData.companyWords), noun = rng.pick(SeedData.companyNouns)
            var domain = "\(word)\(noun)".lowercased() + "." + rng.pick(SeedData.tlds)
            // The word lists give ~1,200 names: past that, number the domain (a bounded search, not a hopeful loop).
            if usedDomains.contains(domain) { domain = "\(word)\(noun)\(index)".lowercased() + ".com" }
            usedDomains.insert(domain)
            let name = uniqueCompanyName("\(word) \(noun)" + (side.chance(0.2) ? " " + side.pick(SeedData.longWords) : ""), index: index)
            let suffix = rng.pick(SeedData.companySuffixes)
            plan.accounts.append(SeedPlan.Account(
                key: "a" + Self.padded(index + 1), name: name, domain: domain,
                salesforceName: suffix.isEmpty ? name : name + " " + suffix,
                website: rng.pick(["https://www.\(domain)", "http://\(domain)/", "www.\(domain)", domain, "https://\(domain)/about"]),
                industry: rng.pick(SeedData.industries), employees: Int.random(in: 50...20_000, using: &rng),
                state: rng.pick(SeedData.states), ownerRep: Int.random(in: 0..<SeedData.reps.count, using: &rng),
                salesforceCreated: past(days: 300), hubspotCreated: past(days: 300)))
            plan.accounts[index].extras = accountExtras(plan.accounts[index])
        }
    }

    static func padded(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// A unique address built from `local` at `domain`, numbered when taken (mail servers insist).
    mutating func uniqueEmail(_ local: String, _ domain: String, index: Int) -> String {
        let email = "\(local)@\(domain)"
        if usedEmails.insert(email).inserted { return email }
        let numbered = "\(local)\(index)@\(domain)"
        usedEmails.insert(numbered)
        return numbered
    }

    /// The name a person is born with: plain, accented, or a formal name people shorten.
    mutating func name() -> (first: String, last: String) {
        let roll = Double.random(in: 0..<1, using: &rng)
        if roll < 0.08 { return (rng.pick(SeedData.accentedFirstNames), rng.pick(SeedData.lastNames)) }
        if roll < 0.14 { return (rng.pick(SeedData.firstNames), rng.pick(SeedData.accentedLastNames)) }
        if roll < 0.26 { return (rng.pick(SeedData.formalNames), rng.pick(SeedData.lastNames)) }
        return (rng.pick(SeedData.firstNames), rng.pick(SeedData.lastNames))
    }

    mutating func addPerson(_ index: Int) {
        var first: String, last: String
        var company: (name: String, domain: String, industry: (hubspot: String, salesforce: String))
        var account: Int?
        var lookAlikeOf: Int?
        var local: String
        if index > 20, rng.chance(0.02), let base = lookAlikeBase(before: index) {
            // Same name, same company, another person: the trap for fuzzy matching.
            let other = plan.people[base]
            (first, last, account, lookAlikeOf) = (other.firstName, other.lastName, other.account, base)
            let domain = String(other.email.split(separator: "@").last ?? "example.com")
            company = (other.company, domain,
                       account.map { plan.accounts[$0].industry } ?? rng.pick(SeedData.industries))
            let initial = SeedText.local(String(first.prefix(1)))
            local = rng.chance(0.5) ? initial + SeedText.local(last) : SeedText.local(last) + "." + SeedText.local(first)
        } else {
            (first, last) = name()
            if rng.chance(0.2) {
                let picked = Int.random(in: 0..<plan.accounts.count, using: &rng)
                account = picked
                let chosen = plan.accounts[picked]
                // Some of the company's people write from its second domain, which only its contacts show.
                let domain = chosen.extras.alternateDomain.flatMap { side.chance(0.5) ? $0 : nil } ?? chosen.domain
                company = (chosen.name, domain, chosen.industry)
            } else {
                let word = rng.pick(SeedData.companyWords), noun = rng.pick(SeedData.companyNouns)
                company = (uniqueCompanyName("\(word) \(noun)", index: index), "\(word)-\(noun)-\(index)".lowercased() + ".com",
                           rng.pick(SeedData.industries))
            }
            local = SeedText.local(first) + "." + SeedText.local(last)
        }
        let freeMail = rng.pick(SeedData.freeMail)
        let personalLocal = rng.chance(0.5) ? local : local.replacingOccurrences(of: ".", with: "") + String(Int.random(in: 1...99, using: &rng))
        let noWorkAddress = lookAlikeOf == nil && rng.chance(0.15)
        let workEmail = noWorkAddress ? nil : uniqueEmail(local, company.domain, index: index)
        let personalEmail = uniqueEmail(personalLocal, freeMail, index: index)
        let person = plan.people.count
        plan.people.append(SeedPlan.Person(key: "p" + Self.padded(index + 1), firstName: first, lastName: last,
                                           email: workEmail ?? personalEmail, company: company.name, account: account, lookAlikeOf: lookAlikeOf))

        let traits = Traits(
            title: rng.pick(SeedData.titles), state: rng.pick(SeedData.states),
            employees: rng.pick([12, 45, 180, 250, 800, 1500, 4200, 12_000]),
            area: rng.pick([212, 415, 617, 312, 512, 206, 303, 404, 503, 919]), line: Int.random(in: 100...9999, using: &rng))
        let placement = Double.random(in: 0..<1, using: &rng)
        let both = options.bothShare, hubspotOnly = both + options.hubspotOnlyShare
        let inHubSpot = placement < hubspotOnly, inSalesforce = placement < both || placement >= hubspotOnly
        if inHubSpot {
            // The HubSpot copy sometimes carries the personal address while Salesforce has the work one.
            let usePersonal = workEmail != nil && inSalesforce && rng.chance(0.1)
            addHubSpotContact(person, email: usePersonal ? personalEmail : (workEmail ?? personalEmail), personal: usePersonal,
                              company: company, account: account, traits: traits)
            if rng.chance(0.03), workEmail != nil, !usePersonal {
                // Signed up again with the personal address: a duplicate inside HubSpot.
                addHubSpotContact(person, email: personalEmail, personal: true, company: company, account: account,
                                  traits: traits, duplicate: true)
            }
        }
        if inSalesforce {
            addSalesforceLead(person, email: workEmail ?? personalEmail, company: company, traits: traits)
        }
    }

    /// An earlier person to mistake for a new one (not itself a look-alike), from the last few hundred.
    mutating func lookAlikeBase(before index: Int) -> Int? {
        let candidate = Int.random(in: max(0, plan.people.count - 500)..<plan.people.count, using: &rng)
        return plan.people[candidate].lookAlikeOf == nil ? candidate : nil
    }

    struct Traits {
        var title: String
        var state: String
        var employees: Int
        var area: Int
        var line: Int
    }

    /// Names as one copy has them, with the mess applied and recorded.
    mutating func names(_ person: Int, hubspot: Bool, mess: inout [SeedMess]) -> (first: String, last: String) {
        var first = plan.people[person].firstName, last = plan.people[person].lastName
        if hubspot, let short = SeedData.nicknames[first], rng.chance(0.5) { first = short; mess.append(.nickname) }
        if SeedText.hasAccents(first + last), rng.chance(hubspot ? 0.5 : 0.3) {
            first = SeedText.plain(first); last = SeedText.plain(last); mess.append(.accentsDropped)
        }
        if rng.chance(0.04) { last = SeedText.typo(last, rng: &rng); mess.append(.nameTypo) }
        if hubspot, rng.chance(0.015) { swap(&first, &last); mess.append(.swappedNames) }
        if hubspot, rng.chance(0.05) { first = first.lowercased() }
        return (first, last)
    }

    mutating func messyEmail(_ email: String, personal: Bool, mess: inout [SeedMess], hubspot: Bool) -> String {
        var email = email
        if personal, let at = email.firstIndex(of: "@") {
            var local = String(email[..<at]), domain = String(email[email.index(after: at)...])
            if domain == "gmail.com", rng.chance(0.3) { local = SeedText.movedDots(local); mess.append(.gmailDots) }
            if rng.chance(0.15) { local += "+" + rng.pick(["news", "webinar", "hs", "trial"]); mess.append(.plusTag) }
            domain = domain.lowercased()
            email = local + "@" + domain
        }
        if rng.chance(hubspot ? 0.15 : 0.05) { email = SeedText.oddCase(email, rng: &rng); mess.append(.emailCase) }
        if hubspot, rng.chance(0.1) { email = (rng.chance(0.5) ? "  " : " ") + email + " "; mess.append(.emailSpaces) }
        return email
    }

    mutating func phone(_ traits: Traits, mess: inout [SeedMess]) -> String? {
        let format = Int.random(in: 0..<SeedText.phoneFormats, using: &rng)
        if format != 0 { mess.append(.phoneFormat) }
        return SeedText.phone(area: traits.area, line: traits.line, format: format)
    }

    mutating func addHubSpotContact(_ person: Int, email: String, personal: Bool,
                                    company: (name: String, domain: String, industry: (hubspot: String, salesforce: String)),
                                    account: Int?, traits: Traits, duplicate: Bool = false) {
        var mess: [SeedMess] = duplicate ? [.duplicateInSystem] : []
        if personal && !duplicate { mess.append(.personalEmail) }
        var messyAddress = messyEmail(email, personal: personal, mess: &mess, hubspot: true)
        if !hubspotEmailKeys.insert(SimulatorState.emailKey(messyAddress) ?? "").inserted {
            // The variant is another contact's address: HubSpot would refuse it, so this copy keeps the clean one.
            mess.removeAll { [.gmailDots, .plusTag, .emailCase, .emailSpaces].contains($0) }
            messyAddress = email
            guard hubspotEmailKeys.insert(SimulatorState.emailKey(email) ?? "").inserted else { return }
        }
        let (first, last) = names(person, hubspot: true, mess: &mess)
        var properties: [String: String] = [
            "email": messyAddress,
            "firstname": first, "lastname": last, "company": writtenName(company.name), "jobtitle": traits.title, "state": traits.state,
            "industry": company.industry.hubspot, "numemployees": HubSpotSchema.employeeRange(traits.employees),
            "annualrevenue": String(traits.employees * Int.random(in: 80...220, using: &rng) * 1000),
            "lifecyclestage": rng.chance(0.3) ? "subscriber" : "lead",
        ]
        if rng.chance(0.3) { properties["company"] = company.name.lowercased(); mess.append(.companyVariant) }
        if rng.chance(0.6) { properties["phone"] = phone(traits, mess: &mess) }
        if rng.chance(0.1) {
            for name in ["jobtitle", "state", "industry"] where rng.chance(0.5) { properties[name] = nil }
            mess.append(.missingFields)
        }
        if rng.chance(0.03) { properties["hubspot_owner_id"] = plan.departed.hubspotOwnerID }
        var record = SeedPlan.Record(system: .hubspot, object: "contacts", person: person, hubspot: properties,
                                     at: past(days: duplicate ? 30 : 90), mess: mess, associatedAccount: account)
        // Drawn either way, so turning events off leaves every other decision of the seed unchanged.
        let events = behaviour()
        if options.events { record.events = events }
        emit(record)
    }

    mutating func addSalesforceLead(_ person: Int, email: String,
                                    company: (name: String, domain: String, industry: (hubspot: String, salesforce: String)),
                                    traits: Traits) {
        var mess: [SeedMess] = []
        let (first, last) = names(person, hubspot: false, mess: &mess)
        let suffix = rng.pick(SeedData.companySuffixes)
        if !suffix.isEmpty { mess.append(.companyVariant) }
        var fields: [String: SimJSON] = [
            "FirstName": .string(first), "LastName": .string(last),
            "Email": .string(messyEmail(email, personal: false, mess: &mess, hubspot: false)),
            "Company": .string(suffix.isEmpty ? writtenName(company.name) : writtenName(company.name) + " " + suffix), "Title": .string(traits.title),
            "State": .string(traits.state), "Industry": .string(company.industry.salesforce),
            "NumberOfEmployees": .number(Double(traits.employees)),
            "AnnualRevenue": .number(Double(traits.employees * Int.random(in: 80...220, using: &rng) * 1000)),
            "Status": "Open - Not Contacted", "LeadSource": .string(rng.pick(["Web", "Web", "Web", "Partner Referral", "Purchased List"])),
        ]
        if rng.chance(0.8), let phone = phone(traits, mess: &mess) { fields["Phone"] = .string(phone) }
        if rng.chance(0.08) {
            for name in ["Title", "State", "Industry"] where rng.chance(0.5) { fields[name] = nil }
            mess.append(.missingFields)
        }
        emit(SeedPlan.Record(system: .salesforce, object: "Lead", person: person, salesforce: fields, at: past(days: 90), mess: mess))
    }

    /// Files a record under its person: into the plan, or handed to `sink` (streaming: the plan keeps no records).
    mutating func emit(_ record: SeedPlan.Record) {
        plan.people[record.person].records.append(emitted)
        emitted += 1
        if let sink { sink(record) } else { plan.records.append(record) }
    }

    /// Page views, email clicks and sometimes a form for one contact.
    mutating func behaviour() -> [SeedPlan.Event] {
        var events: [SeedPlan.Event] = []
        let now = options.now
        for _ in 0..<Int.random(in: 0...8, using: &rng) {
            let at = now.addingTimeInterval(-Double.random(in: 60...(45 * 86_400), using: &rng))
            if rng.chance(0.7) {
                events.append(.init(type: "e_visited_page", properties: ["hs_url": rng.pick(SeedData.pages)], at: at))
            } else {
                events.append(.init(type: "e_clicked_email", properties: ["hs_email_campaign": "nurture-\(Int.random(in: 1...5, using: &rng))"], at: at))
            }
        }
        if rng.chance(0.15) {
            let at = now.addingTimeInterval(-Double.random(in: 60...(20 * 86_400), using: &rng))
            events.append(.init(type: "e_submitted_form", properties: ["hs_form_name": rng.chance(0.7) ? "demo-request" : "contact-us"], at: at))
        }
        return events
    }
}
