import ArgumentParser
import Foundation
import LeadRelayCRM
import LeadRelayEngine
import Logging

/// `leadrelay setup`: creates the custom fields LeadRelay uses in both CRMs, where the APIs allow.
struct SetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Create the custom fields LeadRelay uses (HubSpot properties, Salesforce fields via the Tooling API).",
        discussion: "Exit 0 when every field exists afterwards, 1 when one must be created by hand (the steps are printed).")

    @Option(name: .long, help: "Path of leadrelay.yaml.")
    var config: String = "leadrelay.yaml"

    @Flag(name: .long, help: "Say what would be created; change nothing.")
    var dryRun = false

    func run() async throws {
        let loaded = try loadOrExit(config)
        var quiet = Logger(label: "leadrelay.setup")
        quiet.logLevel = .error
        let connectors = try ConnectorFactory.connectors(loaded, logger: quiet)
        let results = try await failingOnBadCredentials { try await FieldSetup.run(loaded, connectors: connectors, dryRun: dryRun) }
        if results.isEmpty { print("No custom fields needed by this configuration.") }
        var manual = 0
        for (field, outcome) in results {
            let place = "\(field.system.displayName) \(field.object).\(field.name)"
            switch outcome {
            case .exists: print("\(place): exists")
            case .created: print("\(place): created (\(field.purpose))")
            case .wouldCreate: print("\(place): would be created — text, \(field.length) characters (\(field.purpose))")
            case .failed(let reason, let steps):
                manual += 1
                print("\(place): not created: \(reason)")
                if !steps.isEmpty { print("  by hand: \(steps)") }
            }
        }
        if results.contains(where: { $0.field.system == .salesforce && $0.outcome == .created }) {
            print("Salesforce: give the integration user Read and Edit on the new fields (field-level security), or its queries will not see them.")
        }
        if manual > 0 { throw ExitCode(1) }
    }
}
