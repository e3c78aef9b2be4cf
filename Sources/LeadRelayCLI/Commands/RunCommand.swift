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
        let configured = try loadOrExit(config)
        let connectors = try ConnectorFactory.connectors(configured, logger: logger)
        let loaded = try await preflightOrExit(configured, connectors: connectors, logger: logger)
        let daemon = try Daemon.build(loaded, connectors: connectors, logger: logger)
        let group = ServiceGroup(configuration: .init(services: daemon.services(), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await failingOnBadCredentials { try await group.run() }
    }
}
