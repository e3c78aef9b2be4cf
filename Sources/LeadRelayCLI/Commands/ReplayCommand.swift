import ArgumentParser
import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayEngine

/// `leadrelay replay --since 30d --config OTHER.yaml`: another configuration over past leads, writing nothing.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run another configuration over the leads of a past window from the store, writing nothing: owners that would change, workload per rep, MQLs gained or lost.")

    @Option(name: .long, help: "The window: a duration back from now (30d, 2w, 12h) or a start date (2026-11-01 or an ISO 8601 instant).")
    var since: String = "30d"

    @Option(name: .long, help: "The other leadrelay.yaml (its scoring, routing and mapping files are replayed).")
    var config: String

    @Option(name: .long, help: "The leadrelay.yaml in force: its store is read, its configuration is the baseline.")
    var current: String = "leadrelay.yaml"

    @Option(name: .long, help: "markdown, json or html.")
    var format: String = "markdown"

    func validate() throws {
        guard Replay.Format(rawValue: format) != nil else { throw ValidationError("--format is markdown, json or html") }
        guard Self.start(since, now: Date()) != nil else {
            throw ValidationError("--since '\(since)' is neither a duration (30d, 2w, 12h) nor a date (2026-11-01, 2026-11-01T09:00:00Z)")
        }
    }

    /// The window's start: `now` less a duration, or the instant or day (UTC midnight) given.
    static func start(_ text: String, now: Date) -> Date? {
        if let duration = try? ConfigDuration(parsing: text) { return now.addingTimeInterval(-duration.seconds) }
        if let instant = ISOTimestamp.parse(text) { return instant }
        if let day = LocalDate(text) {
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = .gmt
            return utc.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
        }
        return nil
    }

    func run() async throws {
        let baseline = try loadOrExit(current)
        let other = try loadOrExit(config)
        guard FileManager.default.fileExists(atPath: baseline.storePath) else {
            FileHandle.standardError.write(Data("error: no state file at \(baseline.storePath); there is nothing to replay\n".utf8))
            throw ExitCodes.usage
        }
        let store = try Daemon.openStore(at: baseline.storePath)
        // The CRMs' user lists only (read, never written): each rep's ids and whether they are active.
        let connectors = try ConnectorFactory.connectors(baseline)
        var owners: [CRMSystem: [CRMOwner]] = [:]
        try await failingOnBadCredentials {
            for connector in connectors { owners[connector.system] = try await connector.owners() }
        }
        let replay = try await Replay.run(since: Self.start(since, now: Date()) ?? .distantPast, window: since, current: baseline, other: other,
                                          store: store, owners: owners)
        print(replay.render(Replay.Format(rawValue: format) ?? .markdown), terminator: "")
    }
}
