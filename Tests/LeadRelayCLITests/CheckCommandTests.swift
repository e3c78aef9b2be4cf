import CRMSimulator
import Foundation
@testable import LeadRelayCLI
import Testing

@Suite("leadrelay check and the shipped files")
struct CheckCommandTests {
    @Test("the embedded defaults are byte-for-byte the repository's files", arguments: [
        ("Mappings/hubspot-salesforce.yaml", DefaultFiles.mapping), ("Mappings/hubspot-salesforce-accounts.yaml", DefaultFiles.accountMapping), ("systemd/scoring.yaml", DefaultFiles.scoring),
        ("systemd/routing.yaml", DefaultFiles.routing), ("systemd/sla.yaml", DefaultFiles.sla),
    ])
    func defaults(path: String, embedded: String) throws {
        #expect(try String(contentsOfFile: repositoryRoot + "/" + path, encoding: .utf8) == embedded)
    }

    func workspace() throws -> Workspace {
        let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-cli-\(UUID().uuidString)"))
        let endpoints = CRMSimulator.Endpoints(port: 9, baseURL: URL(string: "http://127.0.0.1:9")!)
        try workspace.write(endpoints: endpoints, credentials: .init(hubspotToken: "pat-na1-x", salesforceClientID: "id", salesforceClientSecret: "secret"))
        return workspace
    }

    @Test("a good configuration passes with exit 0")
    func good() async throws {
        let run = try await runCLI(["check", "--config", try workspace().configPath])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("OK"))
    }

    @Test("a bad configuration exits 78 and names file, line and key of every problem")
    func bad() async throws {
        let workspace = try workspace()
        var text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "poll: { interval: 1s", with: "poll: { intervall: 1s")
        try Data(text.utf8).write(to: URL(fileURLWithPath: workspace.configPath))
        let routing = workspace.directory + "/routing.yaml"
        try Data(DefaultFiles.routing.replacingOccurrences(of: "strategy: least-loaded", with: "strategy: random").utf8).write(to: URL(fileURLWithPath: routing))
        let run = try await runCLI(["check", "--config", workspace.configPath])
        #expect(run.status == 78)
        #expect(run.stderr.contains("leadrelay.yaml:9:9: poll.intervall: unknown key 'intervall'; did you mean 'interval'?"), "\(run.stderr)")
        #expect(run.stderr.contains("leadrelay.yaml"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test("the shipped systemd example passes check when its credentials exist")
    func systemdExample() async throws {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-etc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in ["leadrelay.yaml", "scoring.yaml", "routing.yaml", "sla.yaml"] {
            var text = try String(contentsOfFile: repositoryRoot + "/systemd/" + file, encoding: .utf8)
            text = text.replacingOccurrences(of: "/usr/share/leadrelay/Mappings/", with: repositoryRoot + "/Mappings/")
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + file))
        }
        for secret in ["hubspot-token", "salesforce-client-id", "salesforce-client-secret", "slack-webhook"] {
            try Data("https://hooks.example.com/x".utf8).write(to: URL(fileURLWithPath: directory + "/" + secret))
        }
        let run = try await runCLI(["check", "--config", directory + "/leadrelay.yaml"], environment: ["CREDENTIALS_DIRECTORY": directory])
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test("usage mistakes exit 2 with a message", arguments: [["reconcile", "--config", "x.yaml"], ["demo", "--leads", "0"], ["frobnicate"],
                                                              ["simulate", "--reset-rate", "2"], ["simulate", "--max-latency", "-1"]])
    func usage(arguments: [String]) async throws {
        let run = try await runCLI(arguments)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(!run.stderr.isEmpty)
    }

    @Test("help exits 0 and lists every command")
    func help() async throws {
        let run = try await runCLI(["--help"])
        #expect(run.status == 0)
        for command in ["demo", "run", "reconcile", "audit", "check", "simulate", "bench"] { #expect(run.stdout.contains(command)) }
    }
}
