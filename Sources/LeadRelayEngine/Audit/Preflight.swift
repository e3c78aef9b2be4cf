import Foundation
import LeadRelayCore
import LeadRelayCRM
import Logging
import Metrics

/// The mapping checked against both live schemas before anything runs (`run`, `demo`, `reconcile`, `check --online`).
///
/// A mapped field that does not exist, or cannot hold its type, stops start-up with its file, line and key: every
/// cycle would otherwise fail on it (a SOQL query naming a missing field fails whole). An optional feature whose
/// fields are missing — the duplicate flags, a cross-reference field — is switched off with one located warning,
/// and the rest runs.
/// A feature start-up switched off, with the audit finding that switched it off.
public struct DisabledFeature: Sendable {
    public var feature: String
    public var finding: MappingAuditReport.Finding
}

public enum Preflight {
    public struct Outcome: Sendable {
        /// The configuration to run: the one given, less the features switched off.
        public var configuration: LoadedConfiguration
        /// Features switched off, each with the finding that switched it off.
        public var disabled: [DisabledFeature]
        /// Findings that do not stop start-up (not updateable, lossy types, …), located.
        public var warnings: [MappingAuditReport.Finding]
    }

    /// Codes that make a mapped field unusable.
    static let fatalCodes: Set<String> = ["missing-field", "type-mismatch"]

    public static func run(_ configuration: LoadedConfiguration, connectors: [any CRMConnector], logger: Logger) async throws -> Outcome {
        let (report, schemas) = try await MappingAuditReport.audit(configuration: configuration, connectors: connectors, sample: 0)
        let leadFile = configuration.config.mappings.first ?? "mapping"
        var outcome = Outcome(configuration: configuration, disabled: [], warnings: [])
        // Types follow the live schema: every value is checked against it before it is sent.
        if let lead = schemas.first {
            outcome.configuration.mapping = configuration.mapping.bound(hubspot: lead[.hubspot] ?? [], salesforce: lead[.salesforce] ?? [])
        }
        if schemas.count > 1, let accounts = configuration.accountMapping {
            outcome.configuration.accountMapping = accounts.bound(hubspot: schemas[1][.hubspot] ?? [], salesforce: schemas[1][.salesforce] ?? [])
        }
        var fatal: [ConfigurationProblem] = []
        for finding in report.findings {
            let isLeadMapping = finding.file == leadFile
            switch finding.key.split(separator: ".").first.map(String.init) {
            case "duplicates" where finding.severity == .error:
                if isLeadMapping, outcome.configuration.mapping.duplicates != nil {
                    outcome.configuration.mapping.duplicates = nil
                    outcome.disabled.append(DisabledFeature(feature: "duplicate flags", finding: finding))
                } else if !isLeadMapping, outcome.configuration.accountMapping?.duplicates != nil {
                    outcome.configuration.accountMapping?.duplicates = nil
                    outcome.disabled.append(DisabledFeature(feature: "account duplicate flags", finding: finding))
                }
            case "crossReference" where finding.severity == .error:
                let side = finding.key.split(separator: ".").dropFirst().first.flatMap { CRMSystem(rawValue: String($0)) }
                if let side, isLeadMapping, outcome.configuration.mapping.crossReference[side] != nil {
                    outcome.configuration.mapping.crossReference[side] = nil
                    outcome.disabled.append(DisabledFeature(feature: "\(side.rawValue) cross-reference", finding: finding))
                }
            case "fields" where finding.severity == .error && fatalCodes.contains(finding.code):
                fatal.append(ConfigurationProblem(file: finding.file, line: finding.line, column: finding.column, key: finding.key,
                                                  message: finding.message + " (checked against the live schema)"))
            default:
                if finding.severity != .info { outcome.warnings.append(finding) }
            }
        }
        guard fatal.isEmpty else { throw ConfigurationError(fatal) }
        if let finding = try await strandedQueueFinding(configuration, connectors: connectors) { outcome.warnings.append(finding) }
        for (feature, finding) in outcome.disabled.map({ ($0.feature, $0.finding) }) {
            logger.warning("A feature is off: the fields it needs are missing in the CRM (leadrelay setup creates them).", metadata: [
                "feature": "\(feature)", "where": "\(finding.file):\(finding.line.map(String.init) ?? "?")", "key": "\(finding.key)",
                "finding": "\(finding.message)",
            ])
            Gauge(label: "leadrelay_feature_disabled", dimensions: [("feature", feature)]).record(1)
        }
        return outcome
    }

    /// The stranded queue looked up among the org's lead queues, as every cycle looks it up: a finding, located in
    /// `routing.yaml`, when Salesforce has no such queue (MQLs nobody can take would wait unowned).
    static func strandedQueueFinding(_ configuration: LoadedConfiguration, connectors: [any CRMConnector]) async throws
        -> MappingAuditReport.Finding? {
        guard case .queue(let queue)? = configuration.routing.stranded,
              let salesforce = connectors.first(where: { $0.system == .salesforce }) else { return nil }
        guard case .failure(let problem) = RepDirectory.resolve(queue, among: try await salesforce.owners()) else { return nil }
        let name = configuration.config.routing
        let located = try? YAMLDocument.load(configuration.resolve(name), displayName: name).get().problem(ConfigIssue(path: ["stranded", "queue", "salesforce"], problem.message))
        return MappingAuditReport.Finding(severity: .error, code: "missing-queue", file: name, line: located?.line, column: located?.column,
                                          key: "stranded.queue.salesforce", message: problem.message)
    }
}
