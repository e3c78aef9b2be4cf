import Foundation
import LeadRelayCore

/// The generator's ground truth: which records are one person, and which account each person belongs to.
///
/// Dedupe and routing benchmarks score against it. Written as JSON Lines
/// (`writeJSONLines`): one `account` line per account, then one `person` line
/// per person, so a million records stream without one giant document.
public struct SeedTruth: Sendable {
    public struct AccountTruth: Sendable, Hashable, Codable {
        public var account: String
        public var name: String
        public var domain: String
        public var salesforceId: String
        public var hubspotId: String
        /// A second Salesforce account of the same company (the wrong answer a tie-breaker must avoid).
        public var duplicateSalesforceId: String?
        /// A domain the company's people write from that is not on the account.
        public var alternateDomain: String?
        public var contacts: Int?
    }

    public struct RecordTruth: Sendable, Hashable, Codable {
        public var system: String
        public var object: String
        public var id: String
        public var mess: [SeedMess]
    }

    public struct PersonTruth: Sendable, Hashable, Codable {
        public var person: String
        public var firstName: String
        public var lastName: String
        public var email: String
        public var company: String
        /// The account key (`a000012`) when the person works at a seeded account.
        public var account: String?
        /// A different person with the same name at the same company.
        public var lookAlikeOf: String?
        public var records: [RecordTruth]
    }

    public var accounts: [AccountTruth]
    public var people: [PersonTruth]

    public init(accounts: [AccountTruth], people: [PersonTruth]) {
        self.accounts = accounts
        self.people = people
    }

    init(plan: SeedPlan, loaded: SeedLoad) {
        accounts = plan.accounts.enumerated().map { index, account in
            AccountTruth(account: account.key, name: account.name, domain: account.domain,
                         salesforceId: loaded.accounts[index].salesforce, hubspotId: String(loaded.accounts[index].hubspot),
                         duplicateSalesforceId: loaded.duplicateAccounts[index], alternateDomain: account.extras.alternateDomain,
                         contacts: account.extras.contacts.count)
        }
        people = plan.people.map { person in
            PersonTruth(person: person.key, firstName: person.firstName, lastName: person.lastName, email: person.email,
                        company: person.company, account: person.account.map { plan.accounts[$0].key },
                        lookAlikeOf: person.lookAlikeOf.map { plan.people[$0].key },
                        records: person.records.map { index in
                            let record = plan.records[index]
                            return RecordTruth(system: record.system.rawValue, object: record.object, id: loaded.records[index], mess: record.mess)
                        })
        }
    }

    /// The person a record belongs to, by `system/object/id`.
    public func personIndex() -> [String: String] {
        var index: [String: String] = [:]
        for person in people {
            for record in person.records { index["\(record.system)/\(record.object)/\(record.id)"] = person.person }
        }
        return index
    }

    /// How many records carry each kind of mess.
    public func messCounts() -> [SeedMess: Int] {
        var counts: [SeedMess: Int] = [:]
        for person in people {
            for record in person.records {
                for mess in record.mess { counts[mess, default: 0] += 1 }
            }
        }
        return counts
    }

    /// Writes the truth as JSON Lines, owner-readable only (it holds personal data, if fake).
    public func writeJSONLines(to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: folder.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        var buffer = ""
        func flushIfLarge() throws {
            guard buffer.utf8.count > 1 << 20 else { return }
            try handle.write(contentsOf: Data(buffer.utf8))
            buffer.removeAll(keepingCapacity: true)
        }
        for account in accounts {
            buffer += "{\"kind\":\"account\",\"account\":\(SimJSON.quoted(account.account)),\"name\":\(SimJSON.quoted(account.name)),"
            buffer += "\"domain\":\(SimJSON.quoted(account.domain)),\"salesforceId\":\(SimJSON.quoted(account.salesforceId)),"
            buffer += "\"hubspotId\":\(SimJSON.quoted(account.hubspotId)),"
            buffer += "\"duplicateSalesforceId\":\(account.duplicateSalesforceId.map(SimJSON.quoted) ?? "null"),"
            buffer += "\"alternateDomain\":\(account.alternateDomain.map(SimJSON.quoted) ?? "null"),"
            buffer += "\"contacts\":\(account.contacts.map(String.init) ?? "null")}\n"
            try flushIfLarge()
        }
        for person in people {
            buffer += "{\"kind\":\"person\",\"person\":\(SimJSON.quoted(person.person)),\"firstName\":\(SimJSON.quoted(person.firstName)),"
            buffer += "\"lastName\":\(SimJSON.quoted(person.lastName)),\"email\":\(SimJSON.quoted(person.email)),"
            buffer += "\"company\":\(SimJSON.quoted(person.company)),\"account\":\(person.account.map(SimJSON.quoted) ?? "null"),"
            buffer += "\"lookAlikeOf\":\(person.lookAlikeOf.map(SimJSON.quoted) ?? "null"),\"records\":["
            for (index, record) in person.records.enumerated() {
                if index > 0 { buffer += "," }
                buffer += "{\"system\":\(SimJSON.quoted(record.system)),\"object\":\(SimJSON.quoted(record.object)),\"id\":\(SimJSON.quoted(record.id)),"
                buffer += "\"mess\":[\(record.mess.map { SimJSON.quoted($0.rawValue) }.joined(separator: ","))]}"
            }
            buffer += "]}\n"
            try flushIfLarge()
        }
        try handle.write(contentsOf: Data(buffer.utf8))
    }

    /// Reads a file `writeJSONLines` wrote.
    public static func read(from url: URL) throws -> SeedTruth {
        let decoder = JSONDecoder()
        var truth = SeedTruth(accounts: [], people: [])
        let text = try String(contentsOf: url, encoding: .utf8)
        for line in text.split(separator: "\n") where !line.isEmpty {
            let data = Data(line.utf8)
            if line.hasPrefix("{\"kind\":\"account\"") {
                truth.accounts.append(try decoder.decode(AccountTruth.self, from: data))
            } else {
                truth.people.append(try decoder.decode(PersonTruth.self, from: data))
            }
        }
        return truth
    }
}
