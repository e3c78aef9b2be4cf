import ArgumentParser
import Foundation
import Logging

/// `leadrelay demo`: simulator and daemon together on a fresh machine, then a summary of the handoff.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the CRM simulator with seeded data, run the daemon against it, and print what happened.")

    @Option(name: .long, help: "Seed of the generated data.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "People to generate.")
    var leads: Int = 300

    @Option(name: .long, help: "Folder for configuration and state (default: a new temporary folder).")
    var dir: String?

    @Flag(name: .long, help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        guard leads > 0, leads <= 100_000 else { throw ValidationError("--leads must be between 1 and 100000") }
    }

    func run() async throws {
        var options = DemoRunner.Options()
        options.seed = seed
        options.people = leads
        options.directory = dir
        var logger = Logger(label: "leadrelay.demo")
        logger.logLevel = .warning
        let summary = try await DemoRunner(options: options).run(logger: logger)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(Self.render(summary))
        }
    }

    static func render(_ s: DemoRunner.Summary) -> String {
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.2f s", $0) } ?? "not reached" }
        let enriched = s.enrichedFields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let reps = s.assignmentsPerRep.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return """
        LeadRelay demo (seed \(s.seed)) — configuration and state in \(s.directory)

        Records seen:        HubSpot \(s.recordsSeen["hubspot"] ?? 0), Salesforce \(s.recordsSeen["salesforce"] ?? 0)
        Linked across CRMs:  \(s.peopleLinkedAcrossSystems) people
        MQLs routed:         \(s.mqls)
        Assignments per rep: \(reps.isEmpty ? "none" : reps)
        Notifications sent:  \(s.notifications) (\(s.digests) digests carrying \(s.alertsInDigests) leads idle for over a day; \(s.messagesInFirstMinute) in the first minute)
        CRM write calls:     HubSpot \(s.writeCalls["hubspot"] ?? 0), Salesforce \(s.writeCalls["salesforce"] ?? 0)
        Failed writes:       \(s.failedOutboxEntries)
        Backlog cycles:      \(s.backlogCycles)
        Fields enriched:     \(enriched.isEmpty ? "none" : enriched) (\(s.providerLookups) provider lookups)
        Linked by evidence:  \(s.linkedByEvidence) records; duplicates flagged in their CRM: \(s.duplicatesFlagged)

        New demo request (\(s.newDemoRequest.email)) → \(s.newDemoRequest.rep ?? "unassigned"):
          owner written in HubSpot    \(seconds(s.newDemoRequest.secondsToHubSpotOwner)) after creation
          owner written in Salesforce \(seconds(s.newDemoRequest.secondsToSalesforceOwner)) after creation
          rep notified                \(seconds(s.newDemoRequest.secondsToNotification)) after creation
        """
    }
}
