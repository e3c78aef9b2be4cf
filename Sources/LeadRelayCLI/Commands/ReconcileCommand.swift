import ArgumentParser
import Foundation
import LeadRelayCRM
import LeadRelayEngine
import Logging

/// `leadrelay reconcile --dry-run`: polls, plans and prints what the daemon would do, writing nothing.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Poll both CRMs and print the plan (assignments, writes, notifications) with reasons.")

    @Option(name: .long, help: "Path of leadrelay.yaml.")
    var config: String = "leadrelay.yaml"

    @Flag(name: .long, help: "Print the plan without writing anything (required for now).")
    var dryRun = false

    @Option(name: .long, help: "Output format: markdown, json, csv or html (a self-contained page).")
    var format: String = "markdown"

    func validate() throws {
        guard dryRun else { throw ValidationError("reconcile only plans for now: pass --dry-run (use `leadrelay run` to apply)") }
        guard PlanReport.Format(rawValue: format) != nil else { throw ValidationError("--format must be markdown, json, csv or html") }
    }

    func run() async throws {
        let logger = Logger(label: "leadrelay.reconcile")
        let loaded = try loadOrExit(config)
        // Nothing is committed in a dry run. Without a store yet (first run), plan against an empty scratch store.
        let scratch = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-dryrun-\(UUID().uuidString)")
        let exists = FileManager.default.fileExists(atPath: loaded.storePath)
        defer { if !exists { try? FileManager.default.removeItem(atPath: scratch) } }
        let daemon = try await startOrExit(loaded, store: try Daemon.openStore(at: exists ? loaded.storePath : (scratch as NSString).appendingPathComponent("state.sqlite")),
                                           logger: logger)
        let (engine, store) = (daemon.engine, daemon.store)
        let result = try await failingOnBadCredentials { try await engine.plan() }
        let quarantined = try await store.outbox()
        let names = try await ReportNames.gather(for: result, configuration: loaded, store: store)
        print(PlanReport(result: result, dryRun: true, quarantined: quarantined, featuresOff: daemon.disabledFeatures, names: names,
                         scoring: loaded.scoring)
            .render(PlanReport.Format(rawValue: format) ?? .markdown), terminator: "")
    }
}
