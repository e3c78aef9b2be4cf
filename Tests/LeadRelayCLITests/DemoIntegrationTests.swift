import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
@testable import LeadRelayCLI
import LeadRelayEngine
import Testing
import LeadRelayHTTP

@Suite("End to end over loopback")
struct DemoIntegrationTests {
    @Test("the demo: every MQL has exactly one owner in both systems and one notification; no non-MQL is assigned")
    func demo() async throws {
        let simulator = CRMSimulator()
        var options = DemoRunner.Options()
        options.people = 400
        options.seed = 5
        let summary = try await withTestSlot { try await DemoRunner(options: options).run(simulator: simulator) }
        let store = try Daemon.openStore(at: summary.directory + "/state/leadrelay.sqlite")
        let assignments = try await store.allAssignments()
        #expect(assignments.count == summary.mqls)
        #expect(assignments.count >= 5, "the seeded data should hold a handful of MQLs")
        #expect(summary.failedOutboxEntries == 0)
        // Hygiene output feeds the pipeline: the rules placed people in territories, the provider was asked once per domain.
        #expect((summary.enrichedFields["rules"] ?? 0) > 0)
        #expect((summary.enrichedFields["provider"] ?? 0) > 0)
        #expect(summary.providerLookups > 0)
        #expect(await simulator.state.enrichmentRateLimited == 0)
        // Identity by evidence, and duplicates within one CRM flagged with their survivor.
        #expect(summary.linkedByEvidence > 0)
        #expect(summary.duplicatesFlagged > 0)

        let state = simulator.state
        let writes = await state.writes
        let apiUser = await state.apiUserID()
        // Owner writes per record: exactly one each.
        var ownerWrites: [String: Int] = [:]
        for write in writes where write.fields["hubspot_owner_id"] != nil || write.fields["OwnerId"] != nil {
            ownerWrites["\(write.system.rawValue)/\(write.id)", default: 0] += 1
        }
        #expect(ownerWrites.values.allSatisfy { $0 == 1 }, "\(ownerWrites.filter { $0.value > 1 })")

        let people = try await store.people(Set(assignments.keys))
        var assignedRefs: Set<RecordRef> = []
        for (person, assignment) in assignments {
            let refs = people.links.filter { $0.value == person }.map(\.key)
            // A person with duplicates in one CRM is owned on the surviving record; the others carry the duplicate flag.
            let mapping = try Workspace(directory: summary.directory).load().mapping
            let snapshots = try await store.snapshots(refs)
            let hubspot = try #require(mapping.primaryRecord(in: .hubspot, of: snapshots)?.ref, "\(person) has a HubSpot contact")
            let salesforce = try #require(mapping.primaryRecord(in: .salesforce, of: snapshots)?.ref ?? refs.first { $0.system == .salesforce },
                                          "\(person) has a Salesforce lead")
            assignedRefs.formUnion(refs)
            #expect(ownerWrites["hubspot/\(hubspot.id)"] == 1)
            #expect(ownerWrites["salesforce/\(salesforce.id)"] == 1)
            let hsOwner = await state.hubspotRecord("contacts", id: Int(hubspot.id)!)?.properties["hubspot_owner_id"]
            let sfOwner = await state.salesforceRecord("Lead", id: salesforce.id)?.fields["OwnerId"]
            #expect(hsOwner != nil && sfOwner != nil && sfOwner != .string(apiUser))
            #expect(people.scores[person].map { $0 >= 100 } == true, "\(person) was assigned below the MQL line")
            _ = assignment
        }
        // Nobody else got an owner.
        let departed = Set(await state.hubspotOwnerList().filter(\.archived).map(\.id))
        for contact in await state.hubspotRecords("contacts") where contact.properties["hubspot_owner_id"].map({ !departed.contains($0) }) == true {
            #expect(assignedRefs.contains(RecordRef(system: .hubspot, object: "contacts", id: String(contact.id))))
        }
        for lead in await state.salesforceRecords("Lead") where lead.fields["OwnerId"] != .string(apiUser) {
            #expect(assignedRefs.contains(RecordRef(system: .salesforce, object: "Lead", id: lead.id)))
        }
        // Every MQL's rep is told once: on its own when the lead was active within the digest horizon, else in the
        // rep's one digest of leads idle for longer.
        let messages = await state.slackBodies().compactMap { $0["text"]?.stringValue }
        let single = messages.filter { $0.hasPrefix("New MQL for ") }
        let digests = messages.filter { $0.contains(" whose last activity was a while ago") }
        #expect(single.count + digests.count == messages.count)
        #expect(single.count + summary.alertsInDigests == assignments.count, "\(single.count) + \(summary.alertsInDigests) ≠ \(assignments.count)")
        #expect(Set(digests.compactMap { $0.components(separatedBy: " assigned to ").last?.components(separatedBy: " ").first }).count == digests.count,
                "one digest per rep")
        let alerts = try await store.outbox().filter { if case .notify = $0.payload { true } else { false } }
        #expect(alerts.count == assignments.count && alerts.allSatisfy { $0.status == .done && $0.delivery?.state == .accepted })
        for (_, assignment) in assignments {
            #expect(messages.contains { $0.hasPrefix("New MQL for \(assignment.repID):") || $0.contains(" assigned to \(assignment.repID) whose") })
        }
        // The fresh demo request went through in seconds.
        let latency = summary.newDemoRequest
        #expect(latency.rep != nil)
        #expect((latency.secondsToHubSpotOwner ?? 99) < 10)
        #expect((latency.secondsToSalesforceOwner ?? 99) < 10)
        #expect((latency.secondsToNotification ?? 99) < 10)
    }

    @Test("reconcile --dry-run prints the plan and makes zero write calls")
    func dryRun() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 8, people: 200)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-dry-\(UUID().uuidString)"))
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            let config = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
                .replacingOccurrences(of: "hubspot:\n", with: "hubspot:\n  portalId: 62515\n")
                .replacingOccurrences(of: "salesforce:\n", with: "salesforce:\n  instanceURL: https://acme.my.salesforce.com\n")
            try Data(config.utf8).write(to: URL(fileURLWithPath: workspace.configPath))
            let markdown = try await runCLI(["reconcile", "--dry-run", "--config", workspace.configPath])
            #expect(markdown.status == 0, "\(markdown.stderr)")
            #expect(markdown.stdout.contains("# LeadRelay reconciliation plan (dry run: nothing was written)"))
            #expect(markdown.stdout.contains("## Assignments"))
            #expect(markdown.stdout.contains("| hubspot.contacts |"))
            // A fresh org has no duplicate-flag fields until `leadrelay setup`: the report says which feature is off, and where.
            #expect(markdown.stdout.contains("Features off: the CRM lacks the fields they need"))
            #expect(markdown.stdout.contains("| duplicate flags | Mappings/hubspot-salesforce.yaml:"), "\(markdown.stdout.prefix(1500))")
            let json = try await runCLI(["reconcile", "--dry-run", "--config", workspace.configPath, "--format", "json"])
            #expect(json.status == 0)
            let document = try JSONValue.decode(Data(json.stdout.utf8))
            #expect(document["dryRun"] == true)
            #expect((document["summary"]?["mqlsRouted"]?.doubleValue ?? 0) > 0)
            // People are named by name and address, reps by routing.yaml's names, and every record links to its CRM page.
            let people = try #require(document["people"]?.objectValue)
            let reps = ["ana": "Ana Silva", "ben": "Ben Okafor", "chloe": "Chloe Martin", "dev": "Dev Patel", "eli": "Eli Cohen", "fay": "Fay Nguyen"]
            let assignments = try #require(document["assignments"]?.arrayValue)
            for assignment in assignments {
                let key = try #require(assignment["person"]?.stringValue)
                let lead = try #require(people[key], "every person in the plan is named: \(key)")
                let email = try #require(lead["person"]?["email"]?.stringValue)
                let name = lead["person"]?["name"]?.stringValue
                let label = name.map { "\($0) <\(email)>" } ?? email
                let rep = try #require(assignment["rep"]?.stringValue)
                #expect(markdown.stdout.contains("| \(label) | \(reps[rep] ?? "?") <\(rep)@example.com> |"), "\(label) → \(rep)")
                for record in lead["records"]?.arrayValue ?? [] {
                    let ref = try #require(record["ref"]?.stringValue)
                    let url = try #require(record["url"]?.stringValue, "\(ref) is linked")
                    let parts = ref.split(separator: "/").map(String.init)
                    #expect(url == (parts[0] == "hubspot" ? "https://app.hubspot.com/contacts/62515/record/0-1/\(parts[2])"
                        : "https://acme.my.salesforce.com/lightning/r/\(parts[1])/\(parts[2])/view"))
                    #expect(markdown.stdout.contains("[\(ref)](\(url))"))
                }
            }
            #expect(assignments.contains { people[$0["person"]?.stringValue ?? ""]?["person"]?["name"]?.stringValue != nil }, "the seed's people have names")
            #expect(document["reps"]?["ana"]?["name"] == "Ana Silva")
            // Every routed person's score is in the report with its breakdown and why it is an MQL under the shipped line.
            let scores = try #require(document["scores"]?.arrayValue)
            for assignment in assignments {
                let score = try #require(scores.first { $0["person"] == assignment["person"] }, "\(assignment["person"] ?? .null) has a score")
                #expect(score["mql"] == true && score["why"]?.stringValue?.hasPrefix("an MQL: total ") == true, "\(score)")
                #expect(score["why"]?.stringValue?.hasSuffix("crossed the MQL line in this plan") == true)
                #expect((score["lines"]?.arrayValue?.count ?? 0) > 0)
            }
            #expect(scores.contains { $0["mql"] == false && $0["why"]?.stringValue?.contains("short") == true }, "and those below the line say by how much")
            #expect(markdown.stdout.contains("\n## Scores\n") && markdown.stdout.contains("\n## Lifecycle\n"))
            #expect(markdown.stdout.contains("\n## People\n"))
            #expect(document["featuresOff"]?.arrayValue?.contains { $0["feature"] == "duplicate flags" && $0["key"]?.stringValue?.hasPrefix("duplicates.flag") == true } == true)
            #expect(await simulator.state.writeCalls(.hubspot) == 0)
            #expect(await simulator.state.writeCalls(.salesforce) == 0)
            #expect(await simulator.state.slackBodies().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: workspace.directory + "/state/leadrelay.sqlite"), "a dry run creates no state")
        }
    }

    @Test("refused credentials are a configuration error: exit 78 with the CRM's reason, no retry loop")
    func badCredentials() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-auth-\(UUID().uuidString)"))
            try workspace.write(endpoints: endpoints, credentials: .init(hubspotToken: simulator.state.credentials.hubspotToken,
                                                                         salesforceClientID: "wrong", salesforceClientSecret: "wrong"))
            let run = try await runCLI(["reconcile", "--dry-run", "--config", workspace.configPath])
            #expect(run.status == 78, "\(run.stderr)")
            #expect(run.stderr.contains("salesforce refused the credentials: invalid_client"))
            #expect(!run.stderr.contains("wrong"), "secrets never reach the logs")
            #expect(await simulator.state.requests(.salesforce) == 1, "one token request, no retries")
        }
    }

    @Test("run works the backlog, then SIGTERM stops it and it exits 0")
    func runAndStop() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 42, people: 300)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-run-\(UUID().uuidString)"))
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            let process = try startDaemon(workspace.configPath)
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, await simulator.state.slackBodies().isEmpty {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(await !simulator.state.slackBodies().isEmpty, "the daemon notified reps")
            process.terminate()
            let stopped = Date().addingTimeInterval(20)
            while process.isRunning, Date() < stopped { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!process.isRunning)
            #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        }
    }
}

/// `leadrelay run` as a child process, output discarded.
func startDaemon(_ configPath: String) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: leadrelayBinary)
    process.arguments = ["run", "--config", configPath]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

@Suite("Prompt shutdown")
struct ShutdownTests {
    @Test("SIGTERM in the middle of a backlog under latency, 429 holds, 503s and resets: exit 0 within 10 s")
    func promptUnderFaults() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 12, people: 1500)).populate(simulator.state)
        await simulator.state.setFaultSeed(12)
        for system in [CRMSystem.hubspot, .salesforce] {
            await simulator.state.setFaults(FaultPlan(serverErrorRate: 0.05, resetRate: 0.02, maxLatency: 0.4), for: system)
        }
        await simulator.state.setHubSpotTenSecondLimit(10)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-stop-\(UUID().uuidString)"))
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            #expect(try await runCLI(["setup", "--config", workspace.configPath]).status == 0)
            let process = try startDaemon(workspace.configPath)
            // Into the backlog: past the first ten-second bucket (the gate paces by HubSpot's own headers), then a 429
            // with an 8-second Retry-After, so a hold is in force when the signal comes.
            let deadline = Date().addingTimeInterval(40)
            while Date() < deadline, await simulator.state.requests(.hubspot) < 12 { try await Task.sleep(for: .milliseconds(100)) }
            #expect(await simulator.state.requests(.hubspot) >= 12, "the backlog is being read")
            await simulator.state.inject([.hubspotRateLimit(policy: "TEN_SECONDLY_ROLLING", retryAfter: 8)], into: .hubspot)
            let limited = Date().addingTimeInterval(15)
            while Date() < limited, await simulator.state.rateLimited(.hubspot) == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(await simulator.state.rateLimited(.hubspot) > 0, "a 429 hold is in force when the signal comes")
            let sent = Date()
            process.terminate()
            while process.isRunning, Date().timeIntervalSince(sent) < 30 { try await Task.sleep(for: .milliseconds(20)) }
            let took = Date().timeIntervalSince(sent)
            #expect(!process.isRunning)
            #expect(took <= 10, "stopped \(took) s after SIGTERM")
            #expect(process.terminationReason == .exit && process.terminationStatus == 0)
            if process.isRunning { process.interrupt(); kill(process.processIdentifier, SIGKILL) }
        }
    }
}

@Suite("leadrelay simulate")
struct SimulateCommandTests {
    @Test("simulate prints where it listens, writes a working configuration, and stops on SIGTERM")
    func simulate() async throws {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-sim-\(UUID().uuidString)")
        let config = directory + "/leadrelay.yaml"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: leadrelayBinary)
        process.arguments = ["simulate", "--seed", "42", "--leads", "120", "--write-config", config, "--truth-file", directory + "/truth.jsonl"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read the banner on a Dispatch thread (it blocks until the child writes).
        let banner: String = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var text = ""
                while !text.contains("Press Ctrl-C") {
                    let chunk = out.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                continuation.resume(returning: text)
            }
        }
        #expect(banner.contains("CRM simulator listening on http://127.0.0.1:"))
        #expect(banner.contains("token pat-na1-"))
        #expect(banner.contains("Configuration written:    \(config)"))
        #expect(banner.contains("Ground truth written:     \(directory)/truth.jsonl  (120 people"))
        let truth = try SeedTruth.read(from: URL(fileURLWithPath: directory + "/truth.jsonl"))
        #expect(truth.people.count == 120 && !truth.accounts.isEmpty)
        let check = try await runCLI(["check", "--config", config])
        #expect(check.status == 0, "\(check.stderr)")
        let plan = try await runCLI(["reconcile", "--dry-run", "--format", "json", "--config", config])
        #expect(plan.status == 0, "\(plan.stderr)")
        let document = try JSONValue.decode(Data(plan.stdout.utf8))
        #expect((document["streams"]?.arrayValue?.count ?? 0) >= 4)
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/credentials/hubspot-token")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        process.terminate()
        let status: Int32 = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
        #expect(status == 0)
    }
}
