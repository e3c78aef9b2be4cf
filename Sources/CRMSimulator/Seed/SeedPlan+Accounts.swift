import Foundation
import LeadRelayCore

/// What makes accounts hard to match in a real org, decided from a side stream of the seed (so every other
/// decision of the generator stays as it was): contacts under the account, some writing from a second domain;
/// open and closed opportunities; a duplicate account someone created later; names with words people shorten.
extension SeedPlan {
    public struct AccountExtras: Sendable {
        public struct Contact: Sendable {
            public var firstName: String
            public var lastName: String
            public var email: String
        }

        public struct Duplicate: Sendable {
            public var name: String
            public var website: String?
            public var ownerRep: Int
        }

        public var contacts: [Contact] = []
        public var openOpportunities = 0
        public var closedOpportunities = 0
        /// A second domain the company's people write from (a regional or brand domain), not on the account.
        public var alternateDomain: String?
        /// A second Salesforce account of the same company, with no contacts and no opportunities.
        public var duplicate: Duplicate?
    }
}

extension SeedData {
    /// Words in company names that people write long or short.
    static let longWords = ["International", "Technologies", "Laboratories", "Manufacturing", "Services", "Associates", "Communications"]
    static let shortForms = ["International": ["Intl", "Int'l"], "Technologies": ["Tech"], "Laboratories": ["Labs"],
                             "Manufacturing": ["Mfg"], "Services": ["Svcs"], "Associates": ["Assoc"], "Communications": ["Comms"]]
    /// Words put before a name another company already has ("Pacific Acme Labs"), so names stay unique.
    static let qualifiers = ["Northern", "Pacific", "Global", "United", "First", "Metro", "Coastal", "Prime", "Union", "Capital",
                             "Western", "Eastern", "Southern", "Central", "Royal", "Liberty", "Pinnacle", "Frontier", "Keystone",
                             "Heritage", "Evergreen", "Redwood", "Silver", "Golden", "Crescent", "Highland", "Lakeside", "Bridge",
                             "Crown", "Anchor"]
}

extension SeedPlanBuilder {
    /// `base`, or the first free name with one or two qualifiers before it (deterministic: no draw from the seed).
    mutating func uniqueCompanyName(_ base: String, index: Int) -> String {
        if usedCompanyNames.insert(base).inserted { return base }
        let qualifiers = SeedData.qualifiers
        for step in 0..<(qualifiers.count * (qualifiers.count + 1)) {
            let first = qualifiers[(index + step) % qualifiers.count]
            let name = step < qualifiers.count ? "\(first) \(base)"
                : "\(qualifiers[(index + step / qualifiers.count) % qualifiers.count]) \(first) \(base)"
            if usedCompanyNames.insert(name).inserted { return name }
        }
        let numbered = "\(base) \(index)"
        usedCompanyNames.insert(numbered)
        return numbered
    }

    /// The account's contacts, opportunities, second domain and duplicate, from the side stream.
    mutating func accountExtras(_ account: SeedPlan.Account) -> SeedPlan.AccountExtras {
        var extras = SeedPlan.AccountExtras()
        if side.chance(0.15) {
            let stem = account.domain.split(separator: ".").first.map(String.init) ?? account.domain
            let alternate = side.chance(0.5) ? "\(stem).co.uk" : "\(stem)-group.com"
            // One domain, one company: a second domain another account already uses is not this one's.
            if usedDomains.insert(alternate).inserted { extras.alternateDomain = alternate }
        }
        let contacts = side.chance(0.9) ? Int.random(in: 1...5, using: &side) : 0
        for index in 0..<contacts {
            let first = side.pick(SeedData.firstNames), last = side.pick(SeedData.lastNames)
            let domain = index % 2 == 1 ? extras.alternateDomain ?? account.domain : account.domain
            let email = "\(SeedText.local(first)).\(SeedText.local(last))\(side.chance(0.3) ? String(index) : "")@\(domain)"
            guard usedEmails.insert(email).inserted else { continue }
            extras.contacts.append(.init(firstName: first, lastName: last, email: email))
        }
        extras.openOpportunities = side.chance(0.4) ? Int.random(in: 1...2, using: &side) : 0
        extras.closedOpportunities = side.chance(0.3) ? 1 : 0
        // Someone created the company again: written another way, usually without a Website, owned by whoever did.
        if side.chance(0.06), !extras.contacts.isEmpty {
            let name = side.chance(0.5) ? account.name.uppercased() : account.name + ", Inc."
            extras.duplicate = .init(name: name, website: side.chance(0.3) ? account.website : nil,
                                     ownerRep: Int.random(in: 0..<SeedData.reps.count, using: &side))
        }
        return extras
    }

    /// The company name as one record writes it: a long word shortened now and then.
    mutating func writtenName(_ name: String) -> String {
        for word in SeedData.longWords where name.contains(word) {
            guard side.chance(0.4), let short = SeedData.shortForms[word] else { return name }
            return name.replacingOccurrences(of: word, with: side.pick(short))
        }
        return name
    }
}

extension SimulatorState {
    /// An account's contacts, opportunities and duplicate, created as the org's users did.
    func loadExtras(_ account: SeedPlan.Account, salesforce: String, owner: SeedGenerator.SeededRep, reps: [SeedGenerator.SeededRep],
                    duplicates: inout [Int: String], index: Int) throws {
        let extras = account.extras
        for contact in extras.contacts {
            _ = try salesforceCreate("Contact", fields: [
                "FirstName": .string(contact.firstName), "LastName": .string(contact.lastName), "Email": .string(contact.email),
                "AccountId": .string(salesforce), "OwnerId": .string(owner.salesforceUserID),
            ], at: account.salesforceCreated, countAsAPIWrite: false)
        }
        let close = String(SimTime.hubspot(clock().addingTimeInterval(60 * 86_400)).prefix(10))
        let opportunities = Array(repeating: "Qualification", count: extras.openOpportunities)
            + Array(repeating: "Closed Lost", count: extras.closedOpportunities)
        for (number, stage) in opportunities.enumerated() {
            _ = try salesforceCreate("Opportunity", fields: [
                "Name": .string("\(account.name) \(number + 1)"), "StageName": .string(stage), "CloseDate": .string(close),
                "AccountId": .string(salesforce), "OwnerId": .string(owner.salesforceUserID), "Amount": .number(Double(25_000 * (number + 1))),
            ], at: account.salesforceCreated, countAsAPIWrite: false)
        }
        if let duplicate = extras.duplicate {
            duplicates[index] = try salesforceCreate("Account", fields: [
                "Name": .string(duplicate.name), "Website": duplicate.website.map(SimJSON.string) ?? .null,
                "OwnerId": .string(reps[duplicate.ownerRep].salesforceUserID),
            ], at: account.salesforceCreated.addingTimeInterval(86_400), countAsAPIWrite: false)
        }
    }
}
