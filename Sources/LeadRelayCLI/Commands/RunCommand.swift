import ArgumentParser
import Foundation
import LeadRelayCRM
import LeadRelayEngine
import Logging
import ServiceLifecycle

/// `leadrelay run`: the daemon. SIGINT/SIGTERM cancel the round in hand (nothing uncommitted is lost), then exit 0.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the sync loop until SIGINT or SIGTERM.")

    @Option(name: .long, help: "Path of leadrelay.yaml.")
    var config: String = "leadrelay.yaml"

    func run() async throws {
        let logger = Logger(label: "leadrelay")
        let daemon = try await startOrExit(try loadOrExit(config), logger: logger)
        let group = ServiceGroup(configuration: .init(services: daemon.services(), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await failingOnBadCredentials { try await group.run() }
    }
}
