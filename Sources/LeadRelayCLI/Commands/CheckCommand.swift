import ArgumentParser
import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayEngine
import Logging

/// `leadrelay check`: validates configuration and rule files, reporting every problem with file, line and key.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate leadrelay.yaml and the files it names; exit 78 on bad configuration.")

    @Option(name: .long, help: "Path of leadrelay.yaml.")
    var config: String = "leadrelay.yaml"

    @Flag(name: .long, help: "Also check the mapping against both CRMs' live schemas, as run does at start.")
    var online = false

    func run() async throws {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader().load(config)
            for notice in loaded.notices { print("note: \(notice)") }
            print("\(config): OK — mapping \(loaded.mapping.fields.count) fields, \(loaded.scoring.fit.count) fit rules, \(loaded.scoring.interest.events.count) interest rules, \(loaded.routing.reps.count) reps, \(loaded.routing.rules.count) routing rules")
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            FileHandle.standardError.write(Data("\(error.problems.count) configuration problem\(error.problems.count == 1 ? "" : "s") found.\n".utf8))
            throw ExitCodes.configuration
        }
        guard online else { return }
        var quiet = Logger(label: "leadrelay.check")
        quiet.logLevel = .error
        let connectors = try ConnectorFactory.connectors(loaded, logger: quiet)
        do {
            let outcome = try await failingOnBadCredentials { try await Preflight.run(loaded, connectors: connectors, logger: quiet) }
            for off in outcome.disabled { print("off: \(off.feature) — \(off.finding.located)") }
            for finding in outcome.warnings { print(finding.located) }
            // What start-up only warns of but would leave leads unowned is a configuration error to `check`.
            if outcome.warnings.contains(where: { $0.code == "missing-queue" }) { throw ExitCodes.configuration }
            print("live schemas: OK\(outcome.disabled.isEmpty ? "" : " — \(outcome.disabled.count) feature\(outcome.disabled.count == 1 ? "" : "s") off until their fields exist (leadrelay setup)")")
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCodes.configuration
        }
    }
}

/// Loads configuration for a command, printing problems and exiting 78 when it is bad.
func loadOrExit(_ path: String) throws -> LoadedConfiguration {
    do {
        return try ConfigurationLoader().load(path)
    } catch {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCodes.configuration
    }
}

/// `Daemon.start` for a command: the preflight's configuration errors (a mapped field the CRM lacks) and refused
/// credentials print and exit 78.
func startOrExit(_ loaded: LoadedConfiguration, store: (any StateStore)? = nil, logger: Logger) async throws -> Daemon {
    do {
        return try await failingOnBadCredentials { try await Daemon.start(loaded, store: store, logger: logger) }
    } catch let error as ConfigurationError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCodes.configuration
    }
}

/// Runs `body`; refused credentials are a configuration problem (exit 78), not a crash or a retry loop.
func failingOnBadCredentials<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as CRMError {
        if case .authentication = error {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCodes.configuration
        }
        throw error
    }
}
