import ArgumentParser
import Foundation
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
            for (feature, finding) in outcome.disabled { print("off: \(feature) — \(finding.located)") }
            for finding in outcome.warnings { print(finding.located) }
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

/// The mapping checked against the live schemas before a command runs (`Preflight`): a mapped field that cannot
/// work stops it with exit 78 and its file, line and key; a feature whose fields are missing is switched off with a
/// warning. When the schemas cannot be read now (a CRM down at start), the configuration runs unchecked, with a warning.
func preflightOrExit(_ loaded: LoadedConfiguration, connectors: [any CRMConnector], logger: Logger) async throws -> LoadedConfiguration {
    do {
        return try await failingOnBadCredentials { try await Preflight.run(loaded, connectors: connectors, logger: logger) }.configuration
    } catch let error as ConfigurationError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCodes.configuration
    } catch let error as CRMError {
        logger.warning("The live schemas could not be read; running the mapping unchecked.", metadata: ["error": "\(error)"])
        return loaded
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
