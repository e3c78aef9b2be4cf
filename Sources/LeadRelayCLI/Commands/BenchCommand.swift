import ArgumentParser
import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayEngine
import Logging

/// `leadrelay bench …`: the performance figures issues ask for, measured on this machine.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the generator and a full read against the simulator (use a release build).",
        subcommands: [BenchSeedCommand.self, BenchReadCommand.self, BenchSyncCommand.self, BenchDedupeCommand.self, BenchScoreCommand.self,
                      BenchSpeedToLeadCommand.self, BenchPipelineCommand.self, BenchMatchCommand.self, BenchSLACommand.self])
}

/// Elapsed seconds of `body`, measured on the monotonic clock.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let value = try await body()
    let elapsed = ContinuousClock.now - start
    return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

extension Logger {
    /// A logger for benchmarks: warnings and worse only, so timings are not spent on log lines.
    static func quiet(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }
}

/// Polls every connector's leads at once, as a sync cycle does: each system's result and seconds, and the wall time.
func pollAllLeads(_ connectors: [any CRMConnector], mapping: MappingSet, since: [CRMSystem: Watermark])
    async throws -> (results: [CRMSystem: (result: PollResult<SourceRecord>, seconds: Double)], wall: Double) {
    try await timed {
        try await withThrowingTaskGroup(of: (CRMSystem, PollResult<SourceRecord>, Double).self) { group in
            for connector in connectors {
                group.addTask {
                    let (result, seconds) = try await timed {
                        try await connector.pollLeads(since: since[connector.system], lookback: 0, fields: mapping.fieldNames(in: connector.system))
                    }
                    return (connector.system, result, seconds)
                }
            }
            var all: [CRMSystem: (result: PollResult<SourceRecord>, seconds: Double)] = [:]
            for try await (system, result, seconds) in group { all[system] = (result, seconds) }
            return all
        }
    }
}

/// Prints benchmark figures as aligned text or JSON.
struct BenchReport: Encodable {
    var benchmark: String
    var figures: [String: Double]
    var notes: [String]

    func print(json: Bool) throws {
        if json {
            try printJSON(self)
            return
        }
        Swift.print("leadrelay bench \(benchmark)")
        let width = figures.keys.map(\.count).max() ?? 0
        for (name, value) in figures.sorted(by: { $0.key < $1.key }) {
            let text = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.3f", value)
            Swift.print("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + text)
        }
        for note in notes { Swift.print("  " + note) }
    }
}

/// `leadrelay bench seed`: generate a million CRM records with their ground truth.
struct BenchSeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Time the generator: people → contacts, leads, accounts, events and the ground-truth file.")

    @Option(name: .long, help: "People to generate (580000 makes about 1,000,000 CRM records).")
    var people: Int = 580_000

    @Option(name: .long, help: "Seed of the generated data.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Where to write the truth file (default: a temporary file, removed afterwards).")
    var truthFile: String?

    @Flag(name: .long, help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard people > 0, people <= 2_000_000 else { throw ValidationError("--people must be between 1 and 2000000") }
    }

    func run() async throws {
        let state = SimulatorState(credentials: .init(hubspotToken: "pat-bench", salesforceClientID: "bench", salesforceClientSecret: "bench"))
        let generator = SeedGenerator(options: .init(seed: seed, people: people))
        let (summary, populate) = try await timed { try await generator.populate(state) }
        let path = truthFile ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-truth-\(UUID().uuidString.prefix(8)).jsonl")
        let (_, write) = try await timed { try summary.truth.writeJSONLines(to: URL(fileURLWithPath: path)) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if truthFile == nil { try? FileManager.default.removeItem(atPath: path) }
        let records = summary.records
        try BenchReport(benchmark: "seed", figures: [
            "people": Double(people), "records": Double(records), "hubspot_contacts": Double(summary.hubspotContacts),
            "salesforce_leads": Double(summary.salesforceLeads), "accounts": Double(summary.accounts), "events": Double(summary.events),
            "generate_and_load_seconds": populate, "truth_file_seconds": write, "total_seconds": populate + write,
            "records_per_second": Double(records) / max(populate + write, 0.001), "truth_file_bytes": Double(size),
        ], notes: truthFile.map { ["truth file: \($0)"] } ?? []).print(json: json)
    }
}

/// `leadrelay bench read`: a full read of both CRMs through the real connectors, rate limits off.
struct BenchReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Time a full first read (no watermark) of HubSpot contacts and Salesforce leads at the real page sizes.")

    @Option(name: .long, help: "People to generate, each in both systems (100000 gives 100,000 leads and about 100,000 contacts).")
    var people: Int = 100_000

    @Option(name: .long, help: "Seed of the generated data.")
    var seed: UInt64 = 42

    @Flag(name: .long, help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard people > 0, people <= 1_000_000 else { throw ValidationError("--people must be between 1 and 1000000") }
    }

    func run() async throws {
        let logger = Logger.quiet("leadrelay.bench")
        let simulator = CRMSimulator()
        let generator = SeedGenerator(options: .init(seed: seed, people: people, bothShare: 1, hubspotOnlyShare: 0))
        let (summary, seeding) = try await timed { try await generator.populate(simulator.state) }
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-bench-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let figures = try await simulator.withRunning { endpoints in
            let workspace = Workspace(directory: directory)
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            let configuration = try workspace.load()
            let connectors = try ConnectorFactory.connectors(configuration, logger: logger)
            _ = try await FieldSetup.run(configuration, connectors: connectors, dryRun: false)
            let (results, wall) = try await pollAllLeads(connectors, mapping: configuration.mapping, since: [:])
            var figures: [String: Double] = ["wall_seconds": wall]
            for (system, (result, seconds)) in results {
                figures["\(system.rawValue)_records"] = Double(result.items.count)
                figures["\(system.rawValue)_rejected"] = Double(result.rejected.count)
                figures["\(system.rawValue)_calls"] = Double(result.calls)
                figures["\(system.rawValue)_seconds"] = seconds
            }
            return figures
        }
        var all = figures
        all["seed_seconds"] = seeding
        all["seeded_contacts"] = Double(summary.hubspotContacts)
        all["seeded_leads"] = Double(summary.salesforceLeads)
        let read = (all["hubspot_records"] ?? 0) + (all["salesforce_records"] ?? 0)
        all["records_per_second"] = read / max(all["wall_seconds"] ?? 1, 0.001)
        try BenchReport(benchmark: "read", figures: all,
                        notes: ["HubSpot: search keyset pages of 200; Salesforce: queryAll pages of 2,000; simulator rate limits off."])
            .print(json: json)
    }
}

/// `leadrelay bench dedupe`: duplicate finding on the generator's data, scored against its truth.
struct BenchDedupeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedupe",
        abstract: "Cluster the generator's contacts and leads into people; report pairwise and B-cubed quality, speed and memory.")

    @Option(name: .long, help: "Records (contacts and leads) to generate, about 1.5 per person.")
    var records: Int = 10_000

    @Option(name: .long, help: "Seed of the generated data.")
    var seed: UInt64 = 42

    @Flag(name: .long, help: "Print the figures as JSON.")
    var json = false

    @Option(name: .long, help: "Also write records.csv, truth.csv and leadrelay-clusters.csv into this folder (to run other tools on the same data).")
    var export: String?

    func validate() throws {
        guard records >= 10, records <= 2_000_000 else { throw ValidationError("--records must be between 10 and 2000000") }
    }

    func run() async throws {
        var options = SeedGenerator.Options(seed: seed, people: max(1, records * 2 / 3))
        options.events = false
        // Records become candidates as the generator decides them: only what matching needs stays in memory.
        // An export needs the records themselves, so it keeps the plan until the files are written.
        let (candidates, truth) = try { [export] in
            guard let export else { return SeedPlan.dedupeCandidates(streaming: SeedGenerator(options: options)) }
            let plan = SeedGenerator(options: options).plan()
            let files = plan.dedupeExport()
            try FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true)
            try Data(files.records.utf8).write(to: URL(fileURLWithPath: export).appendingPathComponent("records.csv"))
            try Data(files.truth.utf8).write(to: URL(fileURLWithPath: export).appendingPathComponent("truth.csv"))
            return plan.dedupeCandidates()
        }()
        let (clusters, seconds) = await timed { DuplicateFinder().clusters(candidates) }
        let quality = ClusterQuality(predicted: clusters, truth: truth)
        if let export {
            var text = CSV.row(["record_id", "cluster_id"]) + "\r\n"
            for candidate in candidates { text += CSV.row([candidate.id, clusters[candidate.id] ?? candidate.id]) + "\r\n" }
            try Data(text.utf8).write(to: URL(fileURLWithPath: export).appendingPathComponent("leadrelay-clusters.csv"))
        }
        try BenchReport(benchmark: "dedupe", figures: [
            "records": Double(candidates.count), "people": Double(Set(truth.values).count),
            "pairwise_precision": quality.precision, "pairwise_recall": quality.recall, "pairwise_f1": quality.f1,
            "bcubed_f1": quality.bcubedF1, "largest_cluster": Double(quality.largestCluster),
            "seconds": seconds, "records_per_second": Double(candidates.count) / max(seconds, 0.001),
            "peak_rss_mb": Double(Self.peakRSSKilobytes()) / 1024,
        ], notes: ["Truth: the generator's people (look-alikes, typos, nicknames, swapped names, personal addresses included)."]).print(json: json)
    }

    /// VmHWM from /proc/self/status (Linux).
    static func peakRSSKilobytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}

/// `leadrelay bench score`: any tool's `record_id,cluster_id` file scored against a `record_id,person_id` truth, with the same
/// measures as `bench dedupe` (so another tool's output is judged by the same code).
struct BenchScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score a record_id,cluster_id file against a record_id,person_id truth: pairwise and B-cubed quality.")

    @Option(name: .long, help: "The truth: record_id,person_id (bench dedupe --export writes truth.csv).")
    var truth: String

    @Option(name: .long, help: "The clustering to score: record_id,cluster_id (header first).")
    var clusters: String

    @Flag(name: .long, help: "Print the figures as JSON.")
    var json = false

    func run() async throws {
        let truthRows = try Self.pairs(truth)
        var people: [String: Int] = [:]
        var personNumbers: [String: Int] = [:]
        for (id, person) in truthRows {
            let number = personNumbers[person] ?? personNumbers.count
            personNumbers[person] = number
            people[id] = number
        }
        let predicted = Dictionary(try Self.pairs(clusters), uniquingKeysWith: { first, _ in first })
        let unknown = predicted.keys.filter { people[$0] == nil }
        let missing = people.keys.filter { predicted[$0] == nil }
        guard unknown.isEmpty, missing.isEmpty else {
            FileHandle.standardError.write(Data("error: \(clusters) and \(truth) disagree on the records: \(missing.count) missing from the clusters, \(unknown.count) not in the truth (e.g. \((missing + unknown).sorted().prefix(3).joined(separator: ", ")))\n".utf8))
            throw ExitCodes.usage
        }
        let quality = ClusterQuality(predicted: predicted, truth: people)
        try BenchReport(benchmark: "score", figures: [
            "records": Double(predicted.count), "people": Double(personNumbers.count), "clusters": Double(Set(predicted.values).count),
            "pairwise_precision": quality.precision, "pairwise_recall": quality.recall, "pairwise_f1": quality.f1,
            "bcubed_f1": quality.bcubedF1, "largest_cluster": Double(quality.largestCluster),
        ], notes: ["Clusters: \(clusters); truth: \(truth)."]).print(json: json)
    }

    /// The first two columns of every row after the header.
    static func pairs(_ path: String) throws -> [(String, String)] {
        let rows = try readCSVOrExit(path, option: "file", malformed: ExitCodes.usage)
        var pairs: [(String, String)] = []
        for (index, row) in rows.dropFirst().enumerated() {
            guard row.count >= 2, !row[0].isEmpty else {
                FileHandle.standardError.write(Data("\(path):\(index + 2): expected record_id and a second column\n".utf8))
                throw ExitCodes.usage
            }
            pairs.append((row[0], row[1]))
        }
        return pairs
    }
}
