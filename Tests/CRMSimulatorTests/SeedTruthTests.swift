@testable import CRMSimulator
import Foundation
import LeadRelayCore
import Testing

@Suite("Simulator: generated mess and its ground truth")
struct SeedTruthTests {
    static let now = Date(timeIntervalSince1970: 1_760_000_000)

    @Test("every kind of documented mess occurs, and the truth records which record carries it")
    func everyMess() async throws {
        let simulator = CRMSimulator()
        let summary = try await SeedGenerator(options: .init(seed: 3, people: 4000, now: Self.now)).populate(simulator.state)
        let counts = summary.truth.messCounts()
        for kind in SeedMess.allCases {
            #expect(counts[kind, default: 0] > 0, "no record carries \(kind.rawValue)")
        }
        // Spot-check a few kinds against the stored records themselves.
        let contacts = Dictionary(uniqueKeysWithValues: await simulator.state.hubspotRecords("contacts").map { (String($0.id), $0) })
        for person in summary.truth.people {
            for record in person.records where record.system == "hubspot" {
                let stored = try #require(contacts[record.id])
                let email = stored.properties["email"] ?? ""
                if record.mess.contains(.emailSpaces) { #expect(email != email.trimmingCharacters(in: .whitespaces)) }
                if record.mess.contains(.plusTag) { #expect(email.contains("+")) }
                if record.mess.contains(.swappedNames), !record.mess.contains(.nickname) {
                    #expect(stored.properties["lastname"]?.lowercased() == person.firstName.lowercased()
                            || SeedMessProbe.loosely(stored.properties["lastname"], person.firstName))
                }
                if !record.mess.contains(.personalEmail), !record.mess.contains(.duplicateInSystem), !record.mess.contains(.gmailDots),
                   !record.mess.contains(.plusTag) {
                    #expect(email.trimmingCharacters(in: .whitespaces).lowercased() == person.email.lowercased())
                }
            }
        }
    }

    @Test("the truth links every record to one person, and accounts to both systems' ids")
    func links() async throws {
        let simulator = CRMSimulator()
        let summary = try await SeedGenerator(options: .init(seed: 5, people: 1500, now: Self.now)).populate(simulator.state)
        let truth = summary.truth
        let index = truth.personIndex()
        let contacts = await simulator.state.hubspotRecords("contacts")
        let leads = await simulator.state.salesforceRecords("Lead")
        #expect(index.count == contacts.count + leads.count, "every contact and lead belongs to exactly one person")
        for contact in contacts { #expect(index["hubspot/contacts/\(contact.id)"] != nil) }
        for lead in leads { #expect(index["salesforce/Lead/\(lead.id)"] != nil) }
        let accounts = Dictionary(uniqueKeysWithValues: truth.accounts.map { ($0.account, $0) })
        for account in truth.accounts {
            let company = try #require(await simulator.state.hubspotRecord("companies", id: Int(account.hubspotId)!))
            #expect(company.properties["domain"] == account.domain)
            #expect(await simulator.state.salesforceRecord("Account", id: account.salesforceId) != nil)
        }
        // People at an account: their HubSpot contacts are associated with its company, as primary.
        var checked = 0
        for person in truth.people {
            guard let key = person.account, let account = accounts[key] else { continue }
            for record in person.records where record.system == "hubspot" {
                let links = await simulator.state.associations(from: "contacts", id: Int(record.id)!, to: "companies")
                #expect(links.map(\.id) == [Int(account.hubspotId)!])
                #expect(links.first?.types == [1, 279])
                checked += 1
            }
        }
        #expect(checked > 50)
        // Look-alikes share a name and company with someone they are not.
        let people = Dictionary(uniqueKeysWithValues: truth.people.map { ($0.person, $0) })
        let lookAlikes = truth.people.filter { $0.lookAlikeOf != nil }
        #expect(!lookAlikes.isEmpty)
        for person in lookAlikes {
            let other = try #require(people[person.lookAlikeOf!])
            #expect(person.firstName == other.firstName && person.lastName == other.lastName && person.company == other.company)
            #expect(person.email != other.email)
        }
        // Some people have two HubSpot contacts.
        #expect(truth.people.contains { $0.records.filter { $0.system == "hubspot" }.count == 2 })
    }

    @Test("accounts come as an org has them: contacts under them, some on a second domain, opportunities open and closed, duplicates, one name per company")
    func accountWorld() async throws {
        let simulator = CRMSimulator()
        let summary = try await SeedGenerator(options: .init(seed: 6, people: 2400, now: Self.now)).populate(simulator.state)
        let accounts = summary.truth.accounts
        let state = simulator.state
        let contacts = await state.salesforceRecords("Contact")
        #expect(contacts.count == accounts.reduce(0) { $0 + ($1.contacts ?? 0) })
        let parents: Set<String> = Set(contacts.compactMap { $0.fields["AccountId"]?.text })
        #expect(parents.subtracting(accounts.map(\.salesforceId)).isEmpty)
        let alternates = accounts.compactMap(\.alternateDomain)
        #expect(!alternates.isEmpty && Set(alternates).count == alternates.count, "a second domain belongs to one company")
        #expect(contacts.contains { contact in alternates.contains { contact.fields["Email"]?.text?.hasSuffix("@" + $0) == true } })
        let duplicates = accounts.compactMap(\.duplicateSalesforceId)
        #expect(!duplicates.isEmpty)
        let rows = await state.salesforceRecords("Account")
        #expect(rows.count == accounts.count + duplicates.count)
        #expect(Set(accounts.map(\.name)).count == accounts.count, "no two accounts share a name")
        let opportunities = await state.salesforceRecords("Opportunity")
        #expect(opportunities.contains { $0.fields["IsClosed"] == .bool(false) } && opportunities.contains { $0.fields["IsClosed"] == .bool(true) })
        #expect(opportunities.allSatisfy { ($0.fields["IsClosed"] == .bool(true)) == ($0.fields["StageName"]?.text?.hasPrefix("Closed") == true) },
                "IsClosed follows the stage")
        #expect(summary.truth.people.contains { person in person.account != nil && person.records.isEmpty == false })
    }

    @Test("the truth file round-trips as JSON Lines and is readable by its owner only")
    func truthFile() async throws {
        let simulator = CRMSimulator()
        let summary = try await SeedGenerator(options: .init(seed: 8, people: 300, now: Self.now)).populate(simulator.state)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("truth.jsonl")
        try summary.truth.writeJSONLines(to: url)
        let read = try SeedTruth.read(from: url)
        #expect(read.people == summary.truth.people)
        #expect(read.accounts == summary.truth.accounts)
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == summary.truth.people.count + summary.truth.accounts.count)
    }
}

enum SeedMessProbe {
    /// True when two names match once accents, case and one typo are forgiven (swapped names may also carry those).
    static func loosely(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        let x = Array(a.lowercased().folding(options: .diacriticInsensitive, locale: nil))
        let y = Array(b.lowercased().folding(options: .diacriticInsensitive, locale: nil))
        if x == y { return true }
        guard abs(x.count - y.count) <= 1 else { return false }
        var differences = 0
        for (p, q) in zip(x, y) where p != q { differences += 1 }
        return differences <= 2 || x.count != y.count
    }
}
