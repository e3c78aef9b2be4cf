import ArgumentParser
import Foundation
import LeadRelayCore
import LeadRelayEngine

/// `leadrelay explain lead REF`: why a lead has its score and is or is not an MQL, from the store.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain LeadRelay's decisions from its store.",
        subcommands: [ExplainLeadCommand.self, ExplainRouteCommand.self])
}

struct ExplainLeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lead",
        abstract: "Every rule hit, its points, decay and caps, and why the lead is or is not an MQL.")

    @Argument(help: "An email address, a person key (email:…), or a record (hubspot/contacts/101, salesforce/Lead/00Q…).")
    var reference: String

    @Option(name: .long, help: "Path of leadrelay.yaml.")
    var config: String = "leadrelay.yaml"

    @Option(name: .long, help: "Score as at this instant (ISO 8601, e.g. 2026-11-30T09:00:00Z); default now.")
    var at: String?

    @Option(name: .long, help: "text or json.")
    var format: String = "text"

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format is text or json") }
        if let at, ISOTimestamp.parse(at) == nil { throw ValidationError("--at '\(at)' is not an ISO 8601 instant, e.g. 2026-11-30T09:00:00Z") }
    }

    func run() async throws {
        let instant = at.flatMap(ISOTimestamp.parse)
        try await explainFromStore(config: config, json: format == "json") { loaded, store in
            let explanation = try await LeadExplanation.explain(reference, configuration: loaded, store: store, at: instant)
            return (explanation, explanation.text())
        }
    }
}

/// Opens the store `config` names, explains from it, and prints the text or the JSON; a lead the store does not know,
/// or a missing store, is a usage error with its reason.
func explainFromStore<Explanation: Encodable & Sendable>(
    config: String, json: Bool,
    _ explain: (LoadedConfiguration, any StateStore) async throws -> (Explanation, String)
) async throws {
    let loaded = try loadOrExit(config)
    guard FileManager.default.fileExists(atPath: loaded.storePath) else {
        FileHandle.standardError.write(Data("error: no state file at \(loaded.storePath); LeadRelay has seen no leads there\n".utf8))
        throw ExitCodes.usage
    }
    let store = try Daemon.openStore(at: loaded.storePath)
    let explanation: Explanation
    let text: String
    do {
        (explanation, text) = try await explain(loaded, store)
    } catch let failure as LeadExplanation.Failure {
        FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
        throw ExitCodes.usage
    }
    if json {
        try printJSON(explanation)
    } else {
        print(text)
    }
}

struct ExplainRouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Every routing decision for a lead: the rule, every rep with its exclusion code, the fairness ledger, the configuration version.")

    @Argument(help: "An email address, a person key (email:…), or a record (hubspot/contacts/101, salesforce/Lead/00Q…).")
    var reference: String

    @Option(name: .long, help: "Path of leadrelay.yaml.")
    var config: String = "leadrelay.yaml"

    @Option(name: .long, help: "text or json.")
    var format: String = "text"

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format is text or json") }
    }

    func run() async throws {
        try await explainFromStore(config: config, json: format == "json") { loaded, store in
            let explanation = try await RouteExplanation.explain(reference, configuration: loaded, store: store)
            return (explanation, explanation.text())
        }
    }
}
