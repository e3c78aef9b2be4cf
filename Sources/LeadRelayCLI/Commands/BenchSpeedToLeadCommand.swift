import ArgumentParser
import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayEngine
import LeadRelayStore

/// `leadrelay bench speed-to-lead`: the daemon as systemd runs it — its own process, `leadrelay run` — against a
/// seeded simulator. It works off the backlog, goes idle, and then marketing's new demo requests arrive one by one:
/// how long each takes to be owned in HubSpot, in Salesforce and announced, and what the idle daemon holds in memory.
struct BenchSpeedToLeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed-to-lead",
        abstract: "Run `leadrelay run` against a seeded simulator: backlog time, idle memory, and form-to-owner seconds for new demo requests.")

    @Option(name: .long, help: "People to seed.")
    var leads: Int = 100_000

    @Option(name: .long, help: "Seed of the generated data.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "New demo requests to time, one after another once the daemon is idle.")
    var requests: Int = 5

    @Option(name: .long, help: "Seconds with nothing pending, nothing held and no committed cycle that count as idle.")
    var quiet: Double = 10

    @Option(name: .long, help: "Give up on the backlog after this many seconds.")
    var timeout: Double = 1800

    @Option(name: .long, help: "Folder for configuration, state and the daemon's log (default: a fresh temporary folder).")
    var directory: String?

    @Flag(name: .long, help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard leads > 0, leads <= 1_000_000 else { throw ValidationError("--leads must be between 1 and 1000000") }
        guard requests > 0, requests <= 100 else { throw ValidationError("--requests must be between 1 and 100") }
        guard quiet >= 1, timeout > quiet else { throw ValidationError("--quiet is at least 1 and less than --timeout") }
    }

    func run() async throws {
        let simulator = CRMSimulator()
        let (summary, seeding) = try await timed { try await SeedGenerator(options: .init(seed: seed, people: leads)).populate(simulator.state) }
        let options = self
        let report = try await simulator.withRunning { endpoints in
            let directory = options.directory
                ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-bench-\(UUID().uuidString.prefix(8))")
            let workspace = Workspace(directory: directory)
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            let loaded = try workspace.load()
            let daemon = try DaemonProcess(config: workspace.configPath, log: (directory as NSString).appendingPathComponent("leadrelay.log"))
            do {
                var figures = try await options.measure(daemon, simulator: simulator, loaded: loaded)
                figures["seed_seconds"] = seeding
                figures["records"] = Double(summary.records)
                figures["shutdown_seconds"] = try daemon.stop(within: 30)
                figures["exit_code"] = Double(daemon.exitCode)
                let target = loaded.pollInterval.seconds + 2
                return BenchReport(benchmark: "speed-to-lead", figures: figures, notes: [
                    "target: each request owned in both CRMs within the poll interval + 2 s = \(Condition.format(target)) s; idle RSS < 300 MB",
                    "daemon log: \(daemon.logPath)",
                ])
            } catch {
                _ = try? daemon.stop(within: 30)
                throw error
            }
        }
        try report.print(json: json)
    }

    /// Backlog until idle, the idle daemon's memory, then each new request's seconds to owner and alert.
    func measure(_ daemon: DaemonProcess, simulator: CRMSimulator, loaded: LoadedConfiguration) async throws -> [String: Double] {
        let started = Date()
        let idle = try await waitForIdle(daemon, storePath: loaded.storePath, since: started)
        var figures: [String: Double] = [
            "backlog_seconds": idle.at.timeIntervalSince(started) - quiet,
            "assignments_after_backlog": Double(idle.assignments),
        ]
        let memory = try daemon.memory()
        figures["idle_rss_mb"] = memory.rss
        figures["peak_rss_mb"] = memory.peak

        var hubspot: [Double] = []
        var salesforce: [Double] = []
        var alert: [Double] = []
        var missed = 0
        for index in 0..<requests {
            // Land each request somewhere inside a poll interval, as real traffic does.
            try await Task.sleep(for: .seconds(1 + Double((index * 37) % 100) / 100 * loaded.pollInterval.seconds))
            let timing = try await request(index, simulator: simulator)
            if let seconds = timing.hubspot { hubspot.append(seconds) } else { missed += 1 }
            if let seconds = timing.salesforce { salesforce.append(seconds) } else { missed += 1 }
            if let seconds = timing.alert { alert.append(seconds) } else { missed += 1 }
            guard daemon.isRunning else { throw BenchError("the daemon exited during the requests; see \(daemon.logPath)") }
        }
        for (name, values) in [("hubspot_owner", hubspot), ("salesforce_owner", salesforce), ("alert", alert)] {
            figures["\(name)_p50_seconds"] = Self.percentile(values, 0.5)
            figures["\(name)_p95_seconds"] = Self.percentile(values, 0.95)
            figures["\(name)_max_seconds"] = values.max() ?? .nan
        }
        figures["requests"] = Double(requests)
        figures["missed"] = Double(missed)
        figures["after_requests_rss_mb"] = try daemon.memory().rss
        return figures
    }

    /// Waits until the daemon has nothing pending, nobody held and no committed cycle for `quiet` seconds.
    func waitForIdle(_ daemon: DaemonProcess, storePath: String, since started: Date) async throws -> (at: Date, assignments: Int) {
        var store: SQLiteStateStore?
        var lastCommitted = -1
        var quietSince = Date()
        while Date().timeIntervalSince(started) < timeout {
            try await Task.sleep(for: .seconds(1))
            guard daemon.isRunning else { throw BenchError("the daemon exited (\(daemon.exitCode)); see \(daemon.logPath)") }
            let committed = daemon.logLines(containing: "Cycle committed")
            if committed != lastCommitted { (lastCommitted, quietSince) = (committed, Date()) }
            // The daemon creates and migrates the store; it is opened once the first cycle is in.
            guard committed > 0 else { continue }
            if store == nil { store = try SQLiteStateStore(path: storePath) }
            guard let store else { continue }
            let pending = try await store.depth().pending
            let held = try await store.read { try $0.heldPeople(limit: 1) }.count
            if pending > 0 || held > 0 { quietSince = Date() }
            if Date().timeIntervalSince(quietSince) >= quiet {
                return (Date(), try await store.allAssignments().count)
            }
        }
        throw BenchError("the backlog was not worked off within \(Int(timeout)) s; see \(daemon.logPath)")
    }

    /// One demo request from a good-fit VP: seconds from the form to the owner in each CRM and to the rep's alert.
    func request(_ index: Int, simulator: CRMSimulator) async throws -> (hubspot: Double?, salesforce: Double?, alert: Double?) {
        let state = simulator.state
        let names = ["Reyes", "Okafor", "Lindqvist", "Tanaka", "Moreau", "Silva", "Haddad", "Novak"]
        let last = "\(names[index % names.count])\(index / names.count == 0 ? "" : String(index / names.count))"
        let email = "morgan.\(last.lowercased())@northwind-health.com"
        let (writesBefore, slackBefore) = (await state.writes.count, await state.slackBodies().count)
        let contact = try await state.createHubSpotRecord("contacts", properties: [
            "email": email, "firstname": "Morgan", "lastname": last, "company": "Northwind Health", "jobtitle": "VP Operations",
            "state": "MA", "industry": "HOSPITAL_HEALTH_CARE", "numemployees": "1000+", "lifecyclestage": "lead",
        ])
        await state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
        let submitted = Date()
        var timing: (hubspot: Double?, salesforce: Double?, alert: Double?) = (nil, nil, nil)
        let deadline = submitted.addingTimeInterval(60)
        while Date() < deadline, timing.hubspot == nil || timing.salesforce == nil || timing.alert == nil {
            try await Task.sleep(for: .milliseconds(20))
            let writes = await state.writes(from: writesBefore)
            if timing.hubspot == nil, let write = writes.first(where: {
                $0.system == .hubspot && $0.id == String(contact) && $0.fields["hubspot_owner_id"] != nil
            }) { timing.hubspot = write.at.timeIntervalSince(submitted) }
            if timing.salesforce == nil, let write = writes.first(where: {
                $0.system == .salesforce && $0.fields["OwnerId"] != nil && $0.fields["Email"]?.lowercased() == email
            }) { timing.salesforce = write.at.timeIntervalSince(submitted) }
            if timing.alert == nil, let message = await state.slackMessages(from: slackBefore).first(where: {
                $0.body["text"]?.stringValue?.contains("Morgan \(last)") == true
            }) { timing.alert = message.at.timeIntervalSince(submitted) }
        }
        return timing
    }

    /// Nearest-rank percentile; NaN for no values.
    static func percentile(_ values: [Double], _ share: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int((share * Double(sorted.count)).rounded(.up)) - 1))]
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `leadrelay run` as a child process, its output in a log file, its memory read from `/proc`.
final class DaemonProcess {
    let process = Process()
    let logPath: String

    init(config: String, log: String) throws {
        logPath = log
        guard FileManager.default.createFile(atPath: log, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw BenchError("cannot create the daemon's log \(log)")
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        // This very binary: the daemon measured is the one being benchmarked.
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", "--config", config]
        var environment = ProcessInfo.processInfo.environment
        environment["CREDENTIALS_DIRECTORY"] = nil
        environment["LOG_LEVEL"] = "info"
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var exitCode: Int32 { process.isRunning ? -1 : process.terminationStatus }

    /// Lines of the log holding `text`.
    func logLines(containing text: String) -> Int {
        guard let data = FileManager.default.contents(atPath: logPath) else { return 0 }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").count { $0.contains(text) }
    }

    /// Resident and peak resident memory in MB (`VmRSS`, `VmHWM` of `/proc/PID/status`).
    func memory() throws -> (rss: Double, peak: Double) {
        guard let memory = MemoryReturn.resident(process: process.processIdentifier) else {
            throw BenchError("no /proc/\(process.processIdentifier)/status: the daemon is gone; see \(logPath)")
        }
        return (memory.rss ?? .nan, memory.peak ?? .nan)
    }

    /// SIGTERM, then the seconds until it exited (SIGKILL after `limit`).
    func stop(within limit: Double) throws -> Double {
        guard process.isRunning else { return 0 }
        let start = Date()
        process.terminate()
        while process.isRunning, Date().timeIntervalSince(start) < limit { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return Date().timeIntervalSince(start)
    }
}
