import CRMSimulator
import Foundation
import LeadRelayTestSupport
import Testing

/// The simulator driven by clients nobody here wrote: HubSpot's own Python SDK and simple-salesforce (PyPI). They
/// check fidelity from outside: a shape only our connectors accept fails here. CI installs both (`.ci/run`) and sets
/// `LEADRELAY_FIDELITY=required`, so a missing client fails there instead of passing quietly.
@Suite("Simulator fidelity, checked by the vendors' own clients")
struct RealClientTests {
    static let python = ProcessInfo.processInfo.environment["LEADRELAY_PYTHON"] ?? "/usr/bin/env"
    static let pythonArguments = ProcessInfo.processInfo.environment["LEADRELAY_PYTHON"] == nil ? ["python3"] : []
    static let required = ProcessInfo.processInfo.environment["LEADRELAY_FIDELITY"] == "required"
    static let clientsInstalled: Bool = (try? run(["-c", "import hubspot, simple_salesforce"]).status) == 0
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fidelity/real_clients.py").path

    /// Runs the interpreter and waits for it (synchronously: only for the one-line import probe at discovery).
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let (process, output) = try start(arguments, onExit: nil)
        process.waitUntilExit()
        return finish(process, output)
    }

    /// Runs the interpreter without holding a thread while it works (the simulator answers it from the same pool).
    static func runAsync(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let exited = AsyncStream<Void>.makeStream()
        let (process, output) = try start(arguments) { exited.continuation.finish() }
        for await _ in exited.stream {}
        return finish(process, output)
    }

    static func start(_ arguments: [String], onExit: (@Sendable () -> Void)?) throws -> (Process, URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = pythonArguments + arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("fidelity-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        if let onExit { process.terminationHandler = { _ in onExit() } }
        try process.run()
        try handle.close()
        return (process, output)
    }

    static func finish(_ process: Process, _ output: URL) -> (status: Int32, output: String) {
        defer { try? FileManager.default.removeItem(at: output) }
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    @Test("hubspot-api-client and simple-salesforce: reads, writes, refusals, search, archive, properties, owners, JWT and client-credentials logins, SOQL",
          .enabled(if: clientsInstalled || required, "pip install hubspot-api-client simple-salesforce (CI does)"))
    func vendorsClients() async throws {
        try #require(Self.clientsInstalled, "LEADRELAY_FIDELITY=required, but \(Self.python) cannot import hubspot and simple_salesforce")
        try await withSimulator(people: 60) { simulator, endpoints in
            try await simulator.state.uploadSalesforceCertificate(publicKeyPEM: TestKeys.connectedApp.publicPEM)
            let lead = try #require(await simulator.state.salesforceRecords("Lead").first?.id)
            _ = try await simulator.state.convertSalesforceLead(lead)
            let key = FileManager.default.temporaryDirectory.appendingPathComponent("fidelity-\(UUID().uuidString).pem")
            try Data(TestKeys.connectedApp.privatePEM.utf8).write(to: key)
            defer { try? FileManager.default.removeItem(at: key) }
            let credentials = simulator.state.credentials
            let arguments = [Self.script, endpoints.baseURL.absoluteString, credentials.hubspotToken, credentials.salesforceClientID,
                             credentials.salesforceClientSecret, "ana@example.com.sim", key.path]
            let result = try await Self.runAsync(arguments)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("all checks hold"))
        }
    }
}
