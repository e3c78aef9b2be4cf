import Foundation
import LeadRelayCore

/// Fills a simulator with reps, accounts, contacts, leads and behaviour, reproducibly from a seed.
///
/// The mess is deliberate and recorded (`SeedMess`): emails in odd case and
/// with spaces, gmail dots and `+tags`, personal and work addresses for one
/// person, name typos, nicknames, swapped names, dropped accents, company
/// suffix variants, phone formats, missing fields, industry picklists that
/// differ between the systems (HubSpot `COMPUTER_SOFTWARE`, Salesforce
/// `Technology`), people who signed up twice, and look-alikes who share a name
/// and a company but are different people. `Summary.truth` says which records
/// are one person and which account each person belongs to.
public struct SeedGenerator: Sendable {
    public struct Options: Sendable {
        public var seed: UInt64
        /// People to create (each lands in HubSpot, Salesforce, or both).
        public var people: Int
        public var now: Date
        /// Share of people in both systems; of the rest, `hubspotOnlyShare` are in HubSpot only, the others in Salesforce only.
        public var bothShare: Double
        public var hubspotOnlyShare: Double
        /// Whether contacts get behavioural events (benchmarks of matching do without them).
        public var events = true

        public init(seed: UInt64, people: Int, now: Date = Date(), bothShare: Double = 0.5, hubspotOnlyShare: Double = 0.35) {
            self.seed = seed
            self.people = people
            self.now = now
            self.bothShare = bothShare
            self.hubspotOnlyShare = hubspotOnlyShare
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
        public var truth: SeedTruth

        /// CRM records created (accounts, companies, contacts, leads, users), events not counted.
        public var records: Int { accounts * 2 + hubspotContacts + salesforceLeads + reps.count }
    }

    public var options: Options

    public init(options: Options) { self.options = options }

    public func populate(_ state: SimulatorState) async throws -> Summary {
        let plan = plan()
        let loaded = try await state.load(plan)
        let truth = SeedTruth(plan: plan, loaded: loaded)
        var both = 0
        for person in plan.people {
            let systems = Set(person.records.map { plan.records[$0].system })
            if systems.count == 2 { both += 1 }
        }
        return Summary(
            reps: loaded.reps, accounts: plan.accounts.count,
            hubspotContacts: plan.records.count { $0.system == .hubspot },
            salesforceLeads: plan.records.count { $0.system == .salesforce },
            peopleInBoth: both, events: plan.records.reduce(0) { $0 + $1.events.count }, truth: truth)
    }
}

/// Ids the simulator gave what a plan described, in the plan's order.
public struct SeedLoad: Sendable {
    public var reps: [SeedGenerator.SeededRep]
    public var accounts: [(salesforce: String, hubspot: Int)]
    /// The duplicate Salesforce account of each account that has one.
    public var duplicateAccounts: [Int: String] = [:]
    public var records: [String]
}

extension SimulatorState {
    /// Loads a generator plan in one step (one actor hop for a million records); returns the ids given.
    public func load(_ plan: SeedPlan) throws -> SeedLoad {
        let now = clock()
        var reps: [SeedGenerator.SeededRep] = []
        for rep in plan.reps {
            addHubSpotOwner(HubSpotOwner(id: rep.hubspotOwnerID, userId: rep.hubspotUserID, email: rep.email,
                                         firstName: rep.firstName, lastName: rep.lastName))
            let userID = try salesforceCreate("User", fields: [
                "Username": .string(rep.email + ".sim"), "Email": .string(rep.email), "FirstName": .string(rep.firstName),
                "LastName": .string(rep.lastName), "IsActive": true,
            ], at: now.addingTimeInterval(-400 * 86_400), countAsAPIWrite: false)
            reps.append(.init(id: rep.key, email: rep.email, hubspotOwnerID: rep.hubspotOwnerID, salesforceUserID: userID))
        }
        let integrationUser = apiUserID()
        // A lead queue, as most orgs have: leads can be owned by it (OwnerId 00G…) instead of a person.
        _ = try salesforceCreate("Group", fields: ["Name": "Unassigned Leads", "DeveloperName": "Unassigned_Leads", "Type": "Queue"],
                                 at: now.addingTimeInterval(-400 * 86_400), countAsAPIWrite: false)
        let departed = plan.departed
        addHubSpotOwner(HubSpotOwner(id: departed.hubspotOwnerID, userId: departed.hubspotUserID, email: departed.email,
                                     firstName: departed.firstName, lastName: departed.lastName))
        loadEnrichment(plan.accounts)
        var accounts: [(salesforce: String, hubspot: Int)] = []
        var duplicates: [Int: String] = [:]
        accounts.reserveCapacity(plan.accounts.count)
        for account in plan.accounts {
            let owner = reps[account.ownerRep]
            // Many orgs' Accounts have no Website (CRM-APIS.md Part 6): about a quarter here, chosen by domain so the
            // rest of the seed does not move.
            var fnv = FNV1a()
            fnv.combine(account.domain.utf8)
            let website: SimJSON = fnv.hash % 4 == 0 ? .null : .string(account.website)
            let salesforce = try salesforceCreate("Account", fields: [
                "Name": .string(account.salesforceName), "Website": website,
                "Industry": .string(account.industry.salesforce), "NumberOfEmployees": .number(Double(account.employees)),
                "OwnerId": .string(owner.salesforceUserID), "BillingState": .string(account.state),
            ], at: account.salesforceCreated, countAsAPIWrite: false)
            let hubspot = try hubspotCreate("companies", properties: [
                "name": account.name, "domain": account.domain, "industry": account.industry.hubspot,
                "hubspot_owner_id": owner.hubspotOwnerID,
            ], at: account.hubspotCreated, countAsAPIWrite: false)
            accounts.append((salesforce, hubspot.id))
            try loadExtras(account, salesforce: salesforce, owner: owner, reps: reps, duplicates: &duplicates, index: accounts.count - 1)
        }
        var ids: [String] = []
        ids.reserveCapacity(plan.records.count)
        hubspotEvents.reserveCapacity(hubspotEvents.count + plan.records.reduce(0) { $0 + $1.events.count })
        for record in plan.records {
            switch record.system {
            case .hubspot:
                let contact = try hubspotCreate(record.object, properties: record.hubspot, at: record.at, countAsAPIWrite: false)
                if let account = record.associatedAccount {
                    try hubspotAssociate(contact: contact.id, company: accounts[account].hubspot, types: [1, 279], touch: false)
                }
                for event in record.events {
                    let stored = HubSpotEvent(id: "evt-\(hubspotEvents.count + 1)", objectId: contact.id, eventType: event.type,
                                              occurredAt: Self.millisecondPrecision(event.at), properties: event.properties)
                    hubspotEvents.append(stored)
                    applyAnalytics(stored, touch: false)
                }
                ids.append(String(contact.id))
            case .salesforce:
                var fields = record.salesforce
                if fields["OwnerId"] == nil { fields["OwnerId"] = .string(integrationUser) }
                ids.append(try salesforceCreate(record.object, fields: fields, at: record.at, countAsAPIWrite: false))
            }
        }
        sortedEvents = nil
        archiveHubSpotOwner(departed.hubspotOwnerID)
        return SeedLoad(reps: reps, accounts: accounts, duplicateAccounts: duplicates, records: ids)
    }
}
