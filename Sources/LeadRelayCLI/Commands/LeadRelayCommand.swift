import ArgumentParser
import Foundation

/// `leadrelay`: the marketing-to-sales lead handoff daemon and its tools.
public struct LeadRelayCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "leadrelay",
        abstract: "Keeps HubSpot and Salesforce in step and routes every MQL to the right rep within seconds.",
        subcommands: [DemoCommand.self, RunCommand.self, ReconcileCommand.self, AuditCommand.self, DedupeCommand.self, UndoCommand.self, ExplainCommand.self, ReplayCommand.self, CheckCommand.self, SLACommand.self, SetupCommand.self, SimulateCommand.self, BenchCommand.self]
    )

    public init() {}

    /// Parses, runs, and exits with a meaningful code: 0 ok, 1 failures found, 2 usage, 78 configuration.
    public static func runMain(_ arguments: [String]? = nil) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit()
        } catch {
            // ArgumentParser says 64 for usage mistakes; LeadRelay's contract is 2.
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitCodes.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
