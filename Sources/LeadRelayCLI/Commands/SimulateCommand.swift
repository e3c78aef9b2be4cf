import ArgumentParser
import CRMSimulator
import Foundation
import LeadRelayCore
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

    @Option(name: .long, help: "Write the ground truth (which records are one person, which account each belongs to) as JSON Lines to this file.")
    var truthFile: String?

    @Option(name: .long, help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 0

    @Option(name: .long, help: "Write leadrelay.yaml (and the rule and credential files beside it) to this path.")
    var writeConfig: String?

    @Option(name: .long, help: "HubSpot ten-second request limit (default: off).")
    var hubspotLimit: Int?

    @Option(name: .long, help: "HubSpot search requests per second (default: off).")
    var hubspotSearchPerSecond: Int?

    @Option(name: .long, help: "HubSpot daily request allowance; then 429 DAILY (default: off).")
    var hubspotDailyLimit: Int?

    @Option(name: .long, help: "Seconds before a HubSpot write shows in search (default: 0).")
    var hubspotIndexLag: Double = 0

    @Flag(name: .long, help: "A HubSpot contact merge gives the survivor a new id.")
    var hubspotMergeNewIds = false

    @Option(name: .long, help: "Seconds a HubSpot OAuth access token lives (expires_in; HubSpot: 1800).")
    var hubspotTokenLifetime: Double = 1800

    @Option(name: .long, help: "Seconds a Salesforce session lives before INVALID_SESSION_ID (default: until expired by the control API).")
    var salesforceSessionLifetime: Double?

    @Option(name: .long, help: "Seconds an unread Salesforce query cursor lives before INVALID_QUERY_LOCATOR.")
    var queryLocatorIdle: Double = 900

    @Option(name: .long, help: "Salesforce 24-hour API allowance; then 403 REQUEST_LIMIT_EXCEEDED.")
    var salesforceDailyLimit: Int = 100_000

    @Option(name: .long, help: "Share of Salesforce record writes refused with UNABLE_TO_LOCK_ROW (0-1).")
    var salesforceLockRate: Double = 0

    @Option(name: .long, help: "Share of Salesforce record writes refused by a validation rule (0-1).")
    var salesforceValidationRate: Double = 0

    @Option(name: .long, help: "Share of Salesforce writes committed late (0-1), stamped --late-commit-seconds in the past.")
    var lateCommitRate: Double = 0

    @Option(name: .long, help: "How far in the past a late commit is stamped, in seconds.")
    var lateCommitSeconds: Double = 60

    @Option(name: .long, help: "Seed of every random fault decision (default: the data seed).")
    var faultSeed: UInt64?

    @Option(name: .long, help: "Share of API requests (both CRMs) answered 503 (0-1).")
    var serverErrorRate: Double = 0

    @Option(name: .long, help: "Share of API requests whose connection breaks before the body (0-1).")
    var resetRate: Double = 0

    @Option(name: .long, help: "Share of API requests whose body stops half-way (0-1).")
    var truncateRate: Double = 0

    @Option(name: .long, help: "Extra latency per request, uniform up to this many seconds.")
    var maxLatency: Double = 0

    @Option(name: .long, help: "The HubSpot portal's tier: free, starter, professional or enterprise (the events API needs enterprise).")
    var hubspotTier: String = "professional"

    @Option(name: .long, help: "A PEM public key (or the certificate's key) uploaded to the connected app: JWT bearer assertions signed with its private key get sessions.")
    var salesforceCertificate: String?

    func validate() throws {
        for (name, rate) in [("--salesforce-lock-rate", salesforceLockRate), ("--salesforce-validation-rate", salesforceValidationRate),
                             ("--late-commit-rate", lateCommitRate), ("--server-error-rate", serverErrorRate),
                             ("--reset-rate", resetRate), ("--truncate-rate", truncateRate)] where !(0...1).contains(rate) {
            throw ValidationError("\(name) is a share between 0 and 1")
        }
        guard hubspotIndexLag >= 0, maxLatency >= 0, lateCommitSeconds >= 0, hubspotTokenLifetime > 0, queryLocatorIdle > 0,
              (salesforceSessionLifetime ?? 1) > 0 else { throw ValidationError("times cannot be negative (lifetimes must be positive)") }
        guard leads >= 0, leads <= 1_000_000 else { throw ValidationError("--leads must be between 0 and 1000000") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard HubSpotTier(rawValue: hubspotTier) != nil else {
            throw ValidationError("--hubspot-tier is one of \(HubSpotTier.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let path = writeConfig, !path.hasSuffix(".yaml") { throw ValidationError("--write-config names a .yaml file, e.g. ./sim/leadrelay.yaml") }
    }

    /// Applies every knob to the simulator.
    func configure(_ state: SimulatorState) async {
        await state.setHubSpotTenSecondLimit(hubspotLimit)
        await state.setHubSpotSearchPerSecond(hubspotSearchPerSecond)
        await state.setHubSpotTier(HubSpotTier(rawValue: hubspotTier) ?? .enterprise)
        await state.setHubSpotDailyLimit(hubspotDailyLimit)
        await state.setHubSpotIndexLag(hubspotIndexLag)
        await state.setHubSpotMergeAssignsNewID(hubspotMergeNewIds)
        await state.setHubSpotTokenLifetime(hubspotTokenLifetime)
        await state.setSalesforceSessionLifetime(salesforceSessionLifetime)
        await state.setSalesforceQueryLocatorIdle(queryLocatorIdle)
        await state.setSalesforceDailyLimit(salesforceDailyLimit)
        await state.setSalesforceRecordFaults(["UNABLE_TO_LOCK_ROW": salesforceLockRate, "FIELD_CUSTOM_VALIDATION_EXCEPTION": salesforceValidationRate])
        await state.setSalesforceLateCommit(rate: lateCommitRate, seconds: lateCommitSeconds)
        await state.setFaultSeed(faultSeed ?? seed)
        let plan = FaultPlan(serverErrorRate: serverErrorRate, resetRate: resetRate, truncateRate: truncateRate, maxLatency: maxLatency)
        await state.setFaults(plan, for: .hubspot)
        await state.setFaults(plan, for: .salesforce)
    }

    func run() async throws {
        let simulator = CRMSimulator()
        let summary = try await SeedGenerator(options: .init(seed: seed, people: leads)).populate(simulator.state)
        if let truthFile {
            do {
                try summary.truth.writeJSONLines(to: URL(fileURLWithPath: truthFile))
            } catch {
                FileHandle.standardError.write(Data("error: cannot write --truth-file \(truthFile): \(error.localizedDescription)\n".utf8))
                throw ExitCodes.usage
            }
        }
        await configure(simulator.state)
        if let salesforceCertificate {
            do {
                let pem = try String(contentsOfFile: salesforceCertificate, encoding: .utf8)
                try await simulator.state.uploadSalesforceCertificate(publicKeyPEM: pem)
            } catch {
                FileHandle.standardError.write(Data("error: --salesforce-certificate \(salesforceCertificate) holds no RSA public key in PEM form (\(error))\n".utf8))
                throw ExitCodes.usage
            }
        }
        let logger = Logger(label: "leadrelay.simulate")
        let service = SimulatorService(simulator: simulator, port: port) { endpoints in
            let credentials = simulator.state.credentials
            var lines = [
                "CRM simulator listening on \(endpoints.baseURL.absoluteString) (seed \(seed))",
                "  HubSpot base URL:         \(endpoints.hubspotBaseURL.absoluteString)   token \(credentials.hubspotToken)",
                "  HubSpot OAuth app:        client id \(credentials.hubspotClientID), secret \(credentials.hubspotClientSecret), refresh token \(credentials.hubspotRefreshToken)",
                "  Salesforce login URL:     \(endpoints.salesforceLoginURL.absoluteString)   client id \(credentials.salesforceClientID), secret \(credentials.salesforceClientSecret)",
                "  Slack webhook sink:       \(endpoints.slackWebhookURL.absoluteString)",
                "  Seeded: \(summary.hubspotContacts) HubSpot contacts, \(summary.salesforceLeads) Salesforce leads (\(summary.peopleInBoth) people in both), \(summary.accounts) accounts, \(summary.reps.count) reps, \(summary.events) events",
            ]
            if let truthFile { lines.append("  Ground truth written:     \(truthFile)  (\(summary.truth.people.count) people, \(summary.truth.accounts.count) accounts)") }
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
