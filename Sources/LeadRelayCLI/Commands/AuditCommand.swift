import ArgumentParser
import Foundation
import LeadRelayCRM
import LeadRelayEngine
import Logging

/// `leadrelay audit`: lints the field mapping against both live schemas; exit 1 on errors (for CI pipelines).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the field mapping against the live HubSpot and Salesforce schemas; exit 1 when it has errors.")

    @Option(name: .long, help: "Path of leadrelay.yaml.")
    var config: String = "leadrelay.yaml"

    @Option(name: .long, help: "Output format: markdown, json or text (file:line:column: severity: key: message).")
    var format: String = "markdown"

    @Option(name: .long, help: "Recent records to sample per system, to find unmapped fields holding data (0 skips).")
    var sample: Int = 100

    func validate() throws {
        guard ["markdown", "json", "text"].contains(format) else { throw ValidationError("--format must be markdown, json or text") }
        guard (0...2000).contains(sample) else { throw ValidationError("--sample must be between 0 and 2000") }
    }

    func run() async throws {
        let loaded = try loadOrExit(config)
        var logger = Logger(label: "leadrelay.audit")
        logger.logLevel = .warning
        let connectors = try ConnectorFactory.connectors(loaded, logger: logger)
        let sample = self.sample
        let report = try await failingOnBadCredentials {
            try await MappingAuditReport.run(configuration: loaded, connectors: connectors, sample: sample)
        }
        let text: String
        switch format {
        case "json": text = try report.json()
        case "text":
            text = (report.findings.map(\.located)
                + ["\(report.errors) errors, \(report.warnings) warnings, \(report.findings.count - report.errors - report.warnings) notes."])
                .joined(separator: "\n")
        default: text = report.markdown()
        }
        // Written straight to the descriptor: an exit code ends the process before buffered output would be flushed.
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
        if report.errors > 0 { throw ExitCodes.failuresFound }
    }
}
