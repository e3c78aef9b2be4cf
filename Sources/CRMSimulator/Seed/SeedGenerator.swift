import Foundation
import LeadRelayCore

/// Fills a simulator with reps, accounts, contacts, leads and behaviour, reproducibly from a seed.
///
/// The mess is deliberate: emails in odd case with stray spaces in HubSpot,
/// the same person in both systems, picklist values that differ (HubSpot
/// `COMPUTER_SOFTWARE` vs Salesforce `Technology`), company suffix variants,
/// websites written every which way, and leads at existing accounts' domains.
public struct SeedGenerator: Sendable {
    public struct Options: Sendable {
        public var seed: UInt64
        /// People to create (each lands in HubSpot, Salesforce, or both).
        public var people: Int
        public var now: Date

        public init(seed: UInt64, people: Int, now: Date = Date()) {
            self.seed = seed
            self.people = people
            self.now = now
        }
    }

    /// A rep as both systems know them.
    public struct SeededRep: Sendable, Hashable {
        public var id: String
        public var email: String
        public var hubspotOwnerID: String
        public var salesforceUserID: String
    }

    /// What was generated, with the ground truth tests check against.
    public struct Summary: Sendable {
        public var reps: [SeededRep]
        public var accounts: Int
        public var hubspotContacts: Int
        public var salesforceLeads: Int
        /// People present in both systems (same person, possibly messy emails).
        public var peopleInBoth: Int
        public var events: Int
        /// Person's clean email → (HubSpot contact id, Salesforce lead id).
        public var truth: [String: (hubspot: Int?, salesforce: String?)]
    }

    public var options: Options

    public init(options: Options) { self.options = options }

    public func populate(_ state: SimulatorState) async throws -> Summary {
        var rng = SeededRandom(seed: options.seed)
        let now = options.now
        func past(days: Double) -> Date {
            now.addingTimeInterval(-Double.random(in: 60...(days * 86_400), using: &rng))
        }
        // Reps: HubSpot owners (id ≠ userId) and Salesforce users; plus an integration user who owns unrouted leads.
        var reps: [SeededRep] = []
        for (index, rep) in SeedData.reps.enumerated() {
            let email = "\(rep.id)@example.com"
            let ownerID = String(71_200_000 + index * 17 + Int.random(in: 0..<10, using: &rng))
            await state.addHubSpotOwner(HubSpotOwner(id: ownerID, userId: 9100 + index, email: email, firstName: rep.first, lastName: rep.last))
            let userID = try await state.createSalesforceRecord("User", fields: [
                "Username": .string(email + ".sim"), "Email": .string(email), "FirstName": .string(rep.first),
                "LastName": .string(rep.last), "IsActive": true,
            ], at: now.addingTimeInterval(-400 * 86_400))
            reps.append(SeededRep(id: rep.id, email: email, hubspotOwnerID: ownerID, salesforceUserID: userID))
        }
        let integrationUser = await state.apiUserID()
        // A rep who has left: some contacts still point at them; the owner is listed only with archived=true.
        let departed = HubSpotOwner(id: "71299999", userId: 9199, email: "gus@example.com", firstName: "Gus", lastName: "Gone")
        await state.addHubSpotOwner(departed)

        // Accounts: some leads will share their domains.
        var accountDomains: [(name: String, domain: String, industry: (hubspot: String, salesforce: String))] = []
        let accountCount = max(5, options.people / 8)
        var usedDomains: Set<String> = []
        for index in 0..<accountCount {
            let word = rng.pick(SeedData.companyWords), noun = rng.pick(SeedData.companyNouns)
            var domain = "\(word)\(noun)".lowercased() + "." + rng.pick(SeedData.tlds)
            // The word lists give ~1,200 names: past that, number the domain (a bounded search, not a hopeful loop).
            if usedDomains.contains(domain) { domain = "\(word)\(noun)\(index)".lowercased() + ".com" }
            usedDomains.insert(domain)
            let name = "\(word) \(noun)"
            let industry = rng.pick(SeedData.industries)
            let owner = rng.pick(reps)
            let website = rng.pick(["https://www.\(domain)", "http://\(domain)/", "www.\(domain)", domain, "https://\(domain)/about"])
            try await state.createSalesforceRecord("Account", fields: [
                "Name": .string(name + " " + rng.pick(SeedData.companySuffixes)), "Website": .string(website),
                "Industry": .string(industry.salesforce), "NumberOfEmployees": .number(Double(Int.random(in: 50...20_000, using: &rng))),
                "OwnerId": .string(owner.salesforceUserID), "BillingState": .string(rng.pick(SeedData.states)),
            ], at: past(days: 300))
            try await state.createHubSpotRecord("companies", properties: [
                "name": name, "domain": domain, "industry": industry.hubspot, "hubspot_owner_id": owner.hubspotOwnerID,
            ], at: past(days: 300))
            accountDomains.append((name, domain, industry))
        }

        var truth: [String: (hubspot: Int?, salesforce: String?)] = [:]
        var usedEmails: Set<String> = []
        var contacts = 0, leads = 0, both = 0, events = 0
        for index in 0..<options.people {
            let first = rng.pick(SeedData.firstNames), last = rng.pick(SeedData.lastNames)
            let atAccount = rng.chance(0.2)
            let company: (name: String, domain: String, industry: (hubspot: String, salesforce: String))
            if atAccount {
                company = rng.pick(accountDomains)
            } else {
                let word = rng.pick(SeedData.companyWords), noun = rng.pick(SeedData.companyNouns)
                company = ("\(word) \(noun)", "\(word)-\(noun)-\(index)".lowercased() + ".com", rng.pick(SeedData.industries))
            }
            let local = "\(first).\(last)".lowercased().replacingOccurrences(of: "'", with: "")
            let free = rng.chance(0.15)
            var email = free ? "\(local)\(index)@\(rng.pick(SeedData.freeMail))" : "\(local)@\(company.domain)"
            // Two people with one name at one company get distinct addresses, as mail servers insist.
            if !usedEmails.insert(email).inserted {
                email = "\(local)\(index)@\(company.domain)"
                usedEmails.insert(email)
            }
            let title = rng.pick(SeedData.titles)
            let state2 = rng.pick(SeedData.states)
            let employees = rng.pick([12, 45, 180, 250, 800, 1500, 4200, 12_000])
            let revenue = Double(employees) * Double.random(in: 80_000...220_000, using: &rng).rounded()
            let placement = Double.random(in: 0..<1, using: &rng)
            let inHubSpot = placement < 0.85, inSalesforce = placement < 0.5 || placement >= 0.85
            var record: (hubspot: Int?, salesforce: String?) = (nil, nil)
            if inHubSpot {
                // HubSpot gets the messier copy: odd case, stray spaces.
                let messyEmail = rng.chance(0.3) ? "  " + email.capitalized + " " : (rng.chance(0.2) ? email.uppercased() : email)
                let id = try await state.createHubSpotRecord("contacts", properties: [
                    "email": messyEmail, "firstname": rng.chance(0.1) ? first.lowercased() : first, "lastname": last,
                    "company": rng.chance(0.3) ? company.name.lowercased() : company.name, "jobtitle": title, "state": state2,
                    "industry": company.industry.hubspot, "numemployees": String(employees),
                    "annualrevenue": String(Int(revenue)), "lifecyclestage": rng.chance(0.3) ? "subscriber" : "lead",
                ].merging(rng.chance(0.03) ? ["hubspot_owner_id": departed.id] : [:]) { a, _ in a }, at: past(days: 90))
                record.hubspot = id
                contacts += 1
                events += try await addBehaviour(state, contact: id, rng: &rng, now: now)
            }
            if inSalesforce {
                let id = try await state.createSalesforceRecord("Lead", fields: [
                    "FirstName": .string(first), "LastName": .string(last), "Email": .string(email),
                    "Company": .string(company.name + " " + rng.pick(SeedData.companySuffixes)), "Title": .string(title),
                    "State": .string(state2), "Industry": .string(company.industry.salesforce),
                    "NumberOfEmployees": .number(Double(employees)), "AnnualRevenue": .number(revenue),
                    "Status": "Open - Not Contacted", "LeadSource": "Web", "OwnerId": .string(integrationUser),
                ], at: past(days: 90))
                record.salesforce = id
                leads += 1
            }
            if inHubSpot && inSalesforce { both += 1 }
            truth[email] = record
        }
        await state.archiveHubSpotOwner(departed.id)
        return Summary(reps: reps, accounts: accountCount, hubspotContacts: contacts, salesforceLeads: leads,
                       peopleInBoth: both, events: events, truth: truth)
    }

    /// Page views, email clicks and sometimes a form for one contact; returns how many events.
    func addBehaviour(_ state: SimulatorState, contact: Int, rng: inout SeededRandom, now: Date) async throws -> Int {
        var count = 0
        for _ in 0..<Int.random(in: 0...8, using: &rng) {
            let at = now.addingTimeInterval(-Double.random(in: 60...(45 * 86_400), using: &rng))
            if rng.chance(0.7) {
                await state.recordHubSpotEvent(contactID: contact, eventType: "e_visited_page", properties: ["hs_url": rng.pick(SeedData.pages)], at: at)
            } else {
                await state.recordHubSpotEvent(contactID: contact, eventType: "e_clicked_email", properties: ["hs_email_campaign": "nurture-\(Int.random(in: 1...5, using: &rng))"], at: at)
            }
            count += 1
        }
        if rng.chance(0.15) {
            let at = now.addingTimeInterval(-Double.random(in: 60...(20 * 86_400), using: &rng))
            await state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form",
                                           properties: ["hs_form_name": rng.chance(0.7) ? "demo-request" : "contact-us"], at: at)
            count += 1
        }
        return count
    }
}
