import CRMSimulator
import Foundation
import LeadRelayCore
import Testing
import LeadRelayEngine

/// The repository root, found from this file's path (tests read the shipped rule files).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// Creates the custom fields the configuration uses, as `leadrelay setup` does (a fresh simulator has none).
func provision(_ configuration: LoadedConfiguration) async throws {
    let results = try await FieldSetup.run(configuration, connectors: try ConnectorFactory.connectors(configuration), dryRun: false)
    for (field, outcome) in results where outcome != .created && outcome != .exists {
        Issue.record("\(field.name) not set up: \(outcome)")
    }
}

/// A seeded simulator, running, and the shipped configuration pointed at it with `poll.pagesPerCycle` set: a backlog
/// that takes several cycles.
func withPagedBacklog<T: Sendable>(seed: UInt64, people: Int, pagesPerCycle: Int = 1,
                                   _ body: @escaping @Sendable (CRMSimulator, LoadedConfiguration) async throws -> T) async throws -> T {
    let simulator = CRMSimulator()
    _ = try await SeedGenerator(options: .init(seed: seed, people: people)).populate(simulator.state)
    return try await simulator.withRunningInSlot { endpoints in
        let workspace = try TestWorkspace()
        try workspace.configure(endpoints, credentials: simulator.state.credentials)
        let yaml = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        try workspace.write("leadrelay.yaml", yaml.replacingOccurrences(of: "poll: { interval: 1s, lookback: 5s }",
                                                                         with: "poll: { interval: 1s, lookback: 5s, pagesPerCycle: \(pagesPerCycle) }"))
        return try await body(simulator, try ConfigurationLoader(environment: [:]).load(workspace.configPath))
    }
}

/// A temporary configuration folder using the repository's own mapping, scoring and routing files.
struct TestWorkspace {
    let directory: String

    init() throws {
        directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory + "/credentials", withIntermediateDirectories: true)
        for (source, target) in [("Mappings/hubspot-salesforce.yaml", "mapping.yaml"), ("systemd/scoring.yaml", "scoring.yaml"),
                                 ("systemd/routing.yaml", "routing.yaml"), ("systemd/sla.yaml", "sla.yaml")] {
            try FileManager.default.copyItem(atPath: repositoryRoot + "/" + source, toPath: directory + "/" + target)
        }
    }

    var configPath: String { directory + "/leadrelay.yaml" }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
    }

    /// A leadrelay.yaml pointing at `endpoints`, with the simulator's secrets in credential files.
    /// The rig tells every alert at once: its seeded leads were last active days ago (a digest would hold them) and
    /// one team webhook would keep them to Slack's pace. The tests of pace and digests set their own `notify`.
    static let immediateAlerts = "pace: { slack: { perSecond: 10000, burst: 10000 } }, digest: { enabled: false }"

    func configure(_ endpoints: CRMSimulator.Endpoints?, credentials: SimulatorState.Credentials?, writes: Bool = true, extra: String = "",
                   notify: String = TestWorkspace.immediateAlerts) throws {
        try write("credentials/hs", credentials?.hubspotToken ?? "pat-na1-test")
        try write("credentials/sf-id", credentials?.salesforceClientID ?? "id")
        try write("credentials/sf-secret", credentials?.salesforceClientSecret ?? "secret")
        try write("credentials/slack", endpoints?.slackWebhookURL.absoluteString ?? "http://127.0.0.1:9/hooks/slack")
        let base = endpoints?.baseURL.absoluteString ?? "http://127.0.0.1:9"
        try write("leadrelay.yaml", """
            hubspot:
              baseURL: \(base)
              auth: { kind: private-app, tokenFile: credentials/hs }
            salesforce:
              baseURL: \(base)
              apiVersion: "v62.0"
              auth: { kind: client-credentials, clientIdFile: credentials/sf-id, clientSecretFile: credentials/sf-secret }
            poll: { interval: 1s, lookback: 5s }
            store: { sqlite: state/leadrelay.sqlite }
            mappings: [ mapping.yaml ]
            scoring: scoring.yaml
            routing: routing.yaml
            sla: sla.yaml
            \(notify.isEmpty ? "notify:\n  slack: { webhookURLFile: credentials/slack }"
                : "notify: { slack: { webhookURLFile: credentials/slack }, \(notify) }\n# alerts: the team webhook above")
            mode: { writes: \(writes) }
            \(extra)
            """)
    }
}
