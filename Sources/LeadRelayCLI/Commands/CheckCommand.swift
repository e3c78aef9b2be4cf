import ArgumentParser
import Foundation
import LeadRelayCRM
import LeadRelayEngine

/// `leadrelay check`: validates configuration and rule files, reporting every problem with file, line and key.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate leadrelay.yaml and the files it names; exit 78 on bad configuration.")

    @Option(name: .long, help: "Path of leadrelay.yaml.")
    var config: String = "leadrelay.yaml"

    func run() async throws {
        do {
            let loaded = try ConfigurationLoader().load(config)
            for notice in loaded.notices { print("note: \(notice)") }
            print("\(config): OK — mapping \(loaded.mapping.fields.count) fields, \(loaded.scoring.fit.count) fit rules, \(loaded.scoring.interest.events.count) interest rules, \(loaded.routing.reps.count) reps, \(loaded.routing.rules.count) routing rules")
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            FileHandle.standardError.write(Data("\(error.problems.count) configuration problem\(error.problems.count == 1 ? "" : "s") found.\n".utf8))
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
