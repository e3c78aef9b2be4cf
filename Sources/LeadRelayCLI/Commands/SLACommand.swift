import ArgumentParser
import Foundation
import LeadRelayCore
import LeadRelayEngine

/// `leadrelay sla …`: questions about the SLA rules of `sla.yaml`.
struct SLACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla",
        abstract: "Answer questions about the SLA rules.",
        subcommands: [SLADueCommand.self])
}

struct SLADueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "When a lead assigned to a rep at an instant is due its first touch, its reminders, and the calendar used.")

    @Option(name: .long, help: "Path of leadrelay.yaml.")
    var config: String = "leadrelay.yaml"

    @Option(name: .long, help: "The rep's id in routing.yaml.")
    var rep: String

    @Option(name: .long, help: "The tier's name in sla.yaml.")
    var tier: String

    @Option(name: .long, help: "When the lead was assigned: ISO 8601 with a zone (2026-12-05T15:00:00Z), or a wall-clock time in the rep's zone (2026-12-05T10:00). Default now.")
    var at: String?

    @Option(name: .long, help: "text or json.")
    var format: String = "text"

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format is text or json") }
    }

    func run() async throws {
        let loaded = try loadOrExit(config)
        let answer: SLADueAnswer
        do {
            answer = try SLADueAnswer.answer(configuration: loaded, repID: rep, tierName: tier, at: at ?? ISOTimestamp.format(Date()))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw error.isConfiguration ? ExitCodes.configuration : ExitCodes.usage
        }
        if format == "json" {
            try printJSON(answer)
        } else {
            print(answer.text())
        }
    }
}

extension SLADueAnswer.Failure {
    /// A missing `sla:` is the configuration's fault; a rep, tier or instant that does not exist is the caller's.
    var isConfiguration: Bool {
        if case .noSLA = self { return true }
        return false
    }
}
