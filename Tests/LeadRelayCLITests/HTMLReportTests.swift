import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCLI
import LeadRelayCore
import Testing

/// Runs a program to its end on a Dispatch thread (never blocking the cooperative pool); returns status and stdout.
func runProgram(_ path: String, _ arguments: [String]) async throws -> (status: Int32, stdout: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    return await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            continuation.resume(returning: (process.terminationStatus, data))
        }
    }
}

@Suite("HTML report in a real browser")
struct HTMLReportTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("reconcile --format html renders in headless Chromium: parsed into tables, screenshot taken")
    func renders() async throws {
        let browser = try #require(Self.chromium, "Chromium is a test prerequisite (apt-get install chromium; .ci/run installs it)")
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 5, people: 120)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-html-\(UUID().uuidString)")
            let workspace = Workspace(directory: directory)
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            let report = try await runCLI(["reconcile", "--dry-run", "--format", "html", "--config", workspace.configPath])
            #expect(report.status == 0, "\(report.stderr)")
            let page = directory + "/plan.html"
            try report.stdout.write(toFile: page, atomically: true, encoding: .utf8)
            let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(directory)/chromium"]
            let dom = try await runProgram(browser, flags + ["--dump-dom", "file://\(page)"])
            #expect(dom.status == 0)
            let text = String(decoding: dom.stdout, as: UTF8.self)
            // The browser's parser adds <tbody>: proof the page went through it, not just echoed back.
            #expect(text.contains("<tbody>"))
            #expect(text.contains("<h1>LeadRelay reconciliation plan (dry run: nothing was written)</h1>"))
            #expect(text.components(separatedBy: "<table").count - 1 == report.stdout.components(separatedBy: "<table").count - 1)
            #expect(text.contains("Field reconciliation"))
            let shot = directory + "/plan.png"
            let screenshot = try await runProgram(browser, flags + ["--screenshot=\(shot)", "--window-size=1280,2000", "file://\(page)"])
            #expect(screenshot.status == 0)
            let png = try Data(contentsOf: URL(fileURLWithPath: shot))
            #expect(png.count > 10_000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "a PNG of the rendered page")
        }
    }
}
