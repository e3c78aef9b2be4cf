import Foundation
import LeadRelayCore
import LeadRelayCRM

/// `leadrelay audit`: the mapping linted against both live schemas and a sample of live data.
public struct MappingAuditReport: Sendable, Codable {
    public struct Finding: Sendable, Codable, Hashable {
        public var severity: AuditFinding.Severity
        public var code: String
        public var file: String
        public var line: Int?
        public var column: Int?
        public var key: String
        public var message: String

        /// `file:line:column: severity: key: message`, as compilers and editors read it.
        public var located: String {
            let place = [file, line.map(String.init), column.map(String.init)].compactMap { $0 }.joined(separator: ":")
            return "\(place): \(severity.rawValue): \(key): \(message) [\(code)]"
        }
    }

    public var mappingFile: String
    public var hubspotObject: String
    public var salesforceObject: String
    public var hubspotFields: Int
    public var salesforceFields: Int
    public var sampledRecords: Int
    public var findings: [Finding]

    public var errors: Int { findings.count { $0.severity == .error } }
    public var warnings: Int { findings.count { $0.severity == .warning } }

    /// Reads both schemas and a sample through the connectors, audits every mapping file (leads, and accounts when
    /// configured), and places each finding in its file.
    public static func run(configuration: LoadedConfiguration, connectors: [any CRMConnector], sample: Int) async throws -> MappingAuditReport {
        try await audit(configuration: configuration, connectors: connectors, sample: sample).report
    }

    /// The report, and the live schemas it read for each mapping (the lead mapping's first, then the accounts').
    static func audit(configuration: LoadedConfiguration, connectors: [any CRMConnector], sample: Int) async throws
        -> (report: MappingAuditReport, schemas: [[CRMSystem: [CRMFieldSchema]]]) {
        var read: [[CRMSystem: [CRMFieldSchema]]] = []
        var sets: [(mapping: MappingSet, file: String)] = [(configuration.mapping, configuration.config.mappings.first ?? "mapping")]
        if let accounts = configuration.accountMapping { sets.append((accounts, configuration.accountMappingFile ?? "accounts mapping")) }
        var report = MappingAuditReport(mappingFile: sets.map(\.file).joined(separator: ", "),
                                        hubspotObject: sets.map(\.mapping.hubspotObject).joined(separator: ", "),
                                        salesforceObject: sets.map(\.mapping.salesforceObject).joined(separator: ", "),
                                        hubspotFields: 0, salesforceFields: 0, sampledRecords: 0, findings: [])
        for (mapping, name) in sets {
            var schemas: [CRMSystem: [CRMFieldSchema]] = [:]
            var samples: [SourceRecord] = []
            for connector in connectors {
                let object = mapping.objectName(in: connector.system)
                let schema = try await connector.fieldSchema(object: object)
                schemas[connector.system] = schema
                if sample > 0 {
                    // Readable fields only: compound and binary fields cannot be selected by name.
                    let names = schema.filter { !["address", "location", "base64", "complexvalue"].contains($0.type) }.map(\.name)
                    samples += try await connector.sampleRecords(object: object, fields: names, limit: sample)
                }
            }
            let findings = MappingAudit(mapping: mapping, hubspot: schemas[.hubspot] ?? [], salesforce: schemas[.salesforce] ?? [],
                                        samples: samples).run()
            let document = try? YAMLDocument.load(configuration.resolve(name), displayName: name).get()
            report.findings += findings.map { finding -> Finding in
                let problem = document?.problem(ConfigIssue(path: finding.path, finding.message))
                return Finding(severity: finding.severity, code: finding.code, file: name, line: problem?.line, column: problem?.column,
                               key: finding.path.joined(separator: "."), message: finding.message)
            }
            read.append(schemas)
            report.hubspotFields += schemas[.hubspot]?.count ?? 0
            report.salesforceFields += schemas[.salesforce]?.count ?? 0
            report.sampledRecords += samples.count
        }
        report.findings.sort { ($0.severity, $0.file, $0.line ?? 0) < ($1.severity, $1.file, $1.line ?? 0) }
        return (report, read)
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public func markdown() -> String {
        var lines = [
            "# Field-mapping audit: \(mappingFile)", "",
            "HubSpot `\(hubspotObject)` (\(hubspotFields) properties) ↔ Salesforce `\(salesforceObject)` (\(salesforceFields) fields); \(sampledRecords) recent records sampled.",
            "", "**\(errors) errors, \(warnings) warnings, \(findings.count - errors - warnings) notes.**", "",
        ]
        if findings.isEmpty { lines.append("Nothing to report: every mapped field exists, fits, and can be written where the rules write it.") }
        for severity in [AuditFinding.Severity.error, .warning, .info] {
            let group = findings.filter { $0.severity == severity }
            guard !group.isEmpty else { continue }
            lines += ["## \(severity == .error ? "Errors" : severity == .warning ? "Warnings" : "Notes")", "",
                      "| where | key | finding | code |", "|---|---|---|---|"]
            for finding in group {
                let place = [finding.file, finding.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
                lines.append("| \(place) | `\(finding.key)` | \(finding.message.replacingOccurrences(of: "|", with: "\\|")) | \(finding.code) |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
