import ArgumentParser
import CRMSimulator
import Foundation
import Logging
import ServiceLifecycle

/// `leadrelay simulate`: the CRM simulator on its own, seeded, until SIGINT/SIGTERM.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the HubSpot/Salesforce simulator with seeded data; optionally write a leadrelay.yaml pointing at it.")

    @Option(name: .long, help: "Seed of the generated data.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "People to generate.")
    var leads: Int = 500

    @Option(name: .long, help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 0

    @Option(name: .long, help: "Write leadrelay.yaml (and the rule and credential files beside it) to this path.")
    var writeConfig: String?

    @Option(name: .long, help: "HubSpot ten-second request limit (default: off).")
    var hubspotLimit: Int?

    func validate() throws {
        guard leads >= 0, leads <= 1_000_000 else { throw ValidationError("--leads must be between 0 and 1000000") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let path = writeConfig, !path.hasSuffix(".yaml") { throw ValidationError("--write-config names a .yaml file, e.g. ./sim/leadrelay.yaml") }
    }

    func run() async throws {
        let simulator = CRMSimulator()
        let summary = try await SeedGenerator(options: .init(seed: seed, people: leads)).populate(simulator.state)
        await simulator.state.setHubSpotTenSecondLimit(hubspotLimit)
        let logger = Logger(label: "leadrelay.simulate")
        let service = SimulatorService(simulator: simulator, port: port) { endpoints in
            let credentials = simulator.state.credentials
            var lines = [
                "CRM simulator listening on \(endpoints.baseURL.absoluteString) (seed \(seed))",
                "  HubSpot base URL:         \(endpoints.hubspotBaseURL.absoluteString)   token \(credentials.hubspotToken)",
                "  Salesforce login URL:     \(endpoints.salesforceLoginURL.absoluteString)   client id \(credentials.salesforceClientID), secret \(credentials.salesforceClientSecret)",
                "  Slack webhook sink:       \(endpoints.slackWebhookURL.absoluteString)",
                "  Seeded: \(summary.hubspotContacts) HubSpot contacts, \(summary.salesforceLeads) Salesforce leads (\(summary.peopleInBoth) people in both), \(summary.accounts) accounts, \(summary.reps.count) reps, \(summary.events) events",
            ]
            if let path = writeConfig {
                let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
                do {
                    try Workspace(directory: directory).write(endpoints: endpoints, credentials: credentials)
                    if (path as NSString).lastPathComponent != "leadrelay.yaml" {
                        try? FileManager.default.removeItem(atPath: path)
                        try FileManager.default.moveItem(atPath: (directory as NSString).appendingPathComponent("leadrelay.yaml"), toPath: path)
                    }
                    lines.append("  Configuration written:    \(path)  (try: leadrelay check --config \(path))")
                } catch {
                    lines.append("  Could not write configuration: \(error)")
                }
            }
            lines.append("Press Ctrl-C to stop.")
            // Written straight to the file descriptor: a pipe reader sees it at once, not at exit.
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        try await ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}

/// Runs the simulator as a service so SIGTERM stops it cleanly.
struct SimulatorService: Service {
    let simulator: CRMSimulator
    let port: Int
    let onReady: @Sendable (CRMSimulator.Endpoints) async -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await simulator.run(port: port, onReady: onReady)
        }
    }
}
