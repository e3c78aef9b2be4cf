import ArgumentParser
import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayEngine
import Logging

/// `leadrelay bench match`: every generated lead record matched to its account the way routing matches it, from what
/// the real connectors read of the simulator (accounts, contacts, opportunities, HubSpot companies), scored against
/// the generator's truth: which account each person works at, if any.
struct BenchMatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Match every generated lead to its account through the real connectors; accuracy against the generator's truth.")

    @Option(name: .long, help: "People to generate (each one or two lead records; an account per eight people).")
    var people: Int = 5_000

    @Option(name: .long, help: "Seed of the generated data.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Print up to this many wrong matches with what matching said (for diagnosis).")
    var misses: Int = 0

    @Flag(name: .long, help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard people >= 10, people <= 500_000 else { throw ValidationError("--people must be between 10 and 500000") }
        guard misses >= 0 else { throw ValidationError("--misses cannot be negative") }
    }

    /// What the connectors read: everything a first cycle reads for matching.
    struct Read: Sendable {
        var accounts: [Account] = []
        var members: [AccountMember] = []
        var leads: [SourceRecord] = []
        var owners: [CRMSystem: [CRMOwner]] = [:]
        var calls = 0
    }

    func run() async throws {
        let simulator = CRMSimulator()
        var options = SeedGenerator.Options(seed: seed, people: people)
        options.events = false
        let summary = try await SeedGenerator(options: options).populate(simulator.state)
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-bench-match-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (read, configuration) = try await simulator.withRunning { endpoints in
            let workspace = Workspace(directory: directory)
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            let configuration = try workspace.load()
            return (try await Self.readAll(configuration), configuration)
        }
        let reps = RepDirectory(routing: configuration.routing, owners: read.owners)
        let router = Router(config: reps.routing, reps: reps.reps)
        let pipeline = Pipeline(mapping: configuration.mapping, scoring: configuration.scoring, routing: reps.routing, reps: reps.reps)
        let truth = summary.truth
        let personOf = truth.personIndex()
        let accountOf = Dictionary(truth.people.map { ($0.person, $0.account) }, uniquingKeysWith: { a, _ in a })
        let accounts = Dictionary(truth.accounts.map { ($0.account, $0) }, uniquingKeysWith: { a, _ in a })

        var tally = Tally()
        let (_, seconds) = await timed {
            let index = AccountIndex(accounts: read.accounts, profiles: AccountProfile.profiles(read.members))
            for record in read.leads where !record.deleted {
                let key = "\(record.ref.system.rawValue)/\(record.ref.object)/\(record.ref.id)"
                guard let person = personOf[key] else { continue }
                let lead = pipeline.assemble(personKey: .record(record.ref), records: [record], assigned: false)
                let context = RouteContext(now: options.now, linkedCompanies: RouteContext.linkedCompanies(of: [record]))
                let match = router.matchingAccount(lead, index, context: context)
                let expected = (accountOf[person] ?? nil).flatMap { accounts[$0] }
                tally.count(record: "\(key) (\(lead.email ?? "no email"), company \(lead.fields["company"] ?? "none"))", match: match,
                            expected: expected, keep: misses)
            }
        }
        var notes = ["Truth: the generator's accounts (contacts, second domains, duplicates and shortened names included); target accuracy ≥ 0.98.",
                     "Read through the connectors: \(read.accounts.count) accounts and companies, \(read.members.count) contacts and opportunities, \(read.leads.count) lead records, \(read.calls) calls."]
        notes += tally.missed
        try BenchReport(benchmark: "match", figures: [
            "people": Double(people), "records": Double(tally.records), "records_at_an_account": Double(tally.atAccount),
            "accuracy": tally.accuracy, "precision": tally.precision, "recall": tally.recall,
            "matched_wrong_account": Double(tally.wrongAccount), "matched_duplicate_account": Double(tally.duplicate),
            "matched_without_account": Double(tally.falseMatch), "missed": Double(tally.missedCount),
            "by_website": Double(tally.evidence[.website] ?? 0), "by_contact_domain": Double(tally.evidence[.contactDomain] ?? 0),
            "by_hubspot_company": Double(tally.evidence[.hubspotCompany] ?? 0), "by_name": Double(tally.evidence[.name] ?? 0),
            "tie_breaks": Double(tally.tieBreaks), "match_seconds": seconds,
            "records_per_second": Double(tally.records) / max(seconds, 0.000_001),
        ], notes: notes).print(json: json)
    }

    /// Everything both connectors hold that matching reads, from the start (no watermark).
    static func readAll(_ configuration: LoadedConfiguration) async throws -> Read {
        let connectors = try ConnectorFactory.connectors(configuration, logger: Logger.quiet("leadrelay.bench"))
        // A fresh simulator is a fresh org: LeadRelay's fields are set up first, as `leadrelay setup` does.
        _ = try await FieldSetup.run(configuration, connectors: connectors, dryRun: false)
        var read = Read()
        for connector in connectors {
            let fields = SyncEngine.leadFields(configuration.mapping, connector.system)
            let accounts = try await drain { try await connector.pollAccounts(since: $0, lookback: 0, fields: []) }
            read.accounts += accounts.items.compactMap(Account.init(record:))
            read.calls += accounts.calls
            for kind in AccountMember.Kind.allCases {
                let members = try await drain { try await connector.pollAccountMembers(kind, since: $0, lookback: 0) }
                read.members += members.items
                read.calls += members.calls
            }
            let leads = try await drain { try await connector.pollLeads(since: $0, lookback: 0, fields: fields) }
            read.leads += leads.items
            read.calls += leads.calls
            read.owners[connector.system] = try await connector.owners()
        }
        return read
    }

    /// A stream read to its end: a poll reads a bounded backlog, so the next one continues from its watermark.
    static func drain<T: Sendable>(_ poll: (Watermark?) async throws -> PollResult<T>) async throws -> (items: [T], calls: Int) {
        var items: [T] = [], calls = 0
        var since: Watermark?
        while true {
            let result = try await poll(since)
            items += result.items
            calls += result.calls
            guard result.more, let next = result.watermark, next != since else { return (items, calls) }
            since = next
        }
    }

    /// The counts behind the figures.
    struct Tally {
        var records = 0, atAccount = 0, correct = 0, matched = 0, correctMatched = 0
        var wrongAccount = 0, duplicate = 0, falseMatch = 0, missedCount = 0, tieBreaks = 0
        var evidence: [AccountMatch.Evidence: Int] = [:]
        var missed: [String] = []

        var accuracy: Double { Double(correct) / Double(max(records, 1)) }
        var precision: Double { Double(correctMatched) / Double(max(matched, 1)) }
        var recall: Double { Double(correctMatched) / Double(max(atAccount, 1)) }

        mutating func count(record: String, match: AccountMatch?, expected: SeedTruth.AccountTruth?, keep: Int) {
            records += 1
            if expected != nil { atAccount += 1 }
            if let match {
                matched += 1
                evidence[match.evidence, default: 0] += 1
                if match.tieBreak?.contains("chosen over") == true { tieBreaks += 1 }
            }
            let right: Bool
            switch (match, expected) {
            case (nil, nil):
                right = true
            case (nil, .some):
                missedCount += 1
                right = false
            case (.some, nil):
                falseMatch += 1
                right = false
            case (.some(let match), .some(let truth)):
                right = match.account.ref.id == truth.salesforceId || match.account.ref.id == truth.hubspotId
                if right { correctMatched += 1 } else if match.account.ref.id == truth.duplicateSalesforceId { duplicate += 1 } else { wrongAccount += 1 }
            }
            if right { correct += 1 } else if missed.count < keep {
                missed.append("miss \(record): expected \(expected.map { "\($0.name) (\($0.salesforceId))" } ?? "no account"), got "
                              + (match.map { "\($0.account.name) (\($0.account.ref.id)) by \($0.evidence.rawValue): \($0.explanation)" } ?? "none"))
            }
        }
    }
}
