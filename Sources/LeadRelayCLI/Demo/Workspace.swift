import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayEngine

/// A ready-to-run configuration folder pointing at a simulator: `leadrelay.yaml`, the rule files and credential files.
public struct Workspace: Sendable {
    public var directory: String
    public var configPath: String { (directory as NSString).appendingPathComponent("leadrelay.yaml") }

    public init(directory: String) { self.directory = directory }

    /// The configuration written here, loaded as the daemon loads it; secrets come from this folder's files,
    /// never from a `$CREDENTIALS_DIRECTORY` the calling process may have.
    public func load() throws(ConfigurationError) -> LoadedConfiguration {
        var environment = ProcessInfo.processInfo.environment
        environment["CREDENTIALS_DIRECTORY"] = nil
        return try ConfigurationLoader(environment: environment).load(configPath)
    }

    /// Writes every file; credentials are owner-only (0600) in a 0700 folder.
    public func write(endpoints: CRMSimulator.Endpoints, credentials: SimulatorState.Credentials,
                      pollInterval: String = "1s", lookback: String = "5s") throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let secrets = (directory as NSString).appendingPathComponent("credentials")
        try fm.createDirectory(atPath: secrets, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.createDirectory(atPath: (directory as NSString).appendingPathComponent("Mappings"), withIntermediateDirectories: true)
        func put(_ name: String, _ text: String, mode: Int = 0o644) throws {
            let path = (directory as NSString).appendingPathComponent(name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try fm.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        }
        try put("credentials/hubspot-token", credentials.hubspotToken + "\n", mode: 0o600)
        try put("credentials/salesforce-client-id", credentials.salesforceClientID + "\n", mode: 0o600)
        try put("credentials/salesforce-client-secret", credentials.salesforceClientSecret + "\n", mode: 0o600)
        try put("credentials/slack-webhook", endpoints.slackWebhookURL.absoluteString + "\n", mode: 0o600)
        try put("credentials/enrichment-token", credentials.enrichmentToken + "\n", mode: 0o600)
        try put("Mappings/hubspot-salesforce.yaml", DefaultFiles.mapping)
        try put("Mappings/hubspot-salesforce-accounts.yaml", DefaultFiles.accountMapping)
        try put("scoring.yaml", DefaultFiles.scoring)
        try put("routing.yaml", DefaultFiles.routing)
        try put("sla.yaml", DefaultFiles.sla)
        try put("leadrelay.yaml", """
            # Written by `leadrelay simulate`/`demo`: everything points at the CRM simulator on loopback.
            hubspot:
              baseURL: \(endpoints.hubspotBaseURL.absoluteString)
              auth: { kind: private-app, tokenFile: credentials/hubspot-token }
            salesforce:
              baseURL: \(endpoints.salesforceLoginURL.absoluteString)
              apiVersion: "v62.0"
              auth: { kind: client-credentials, clientIdFile: credentials/salesforce-client-id, clientSecretFile: credentials/salesforce-client-secret }
            poll: { interval: \(pollInterval), lookback: \(lookback) }
            store: { sqlite: state/leadrelay.sqlite }
            mappings: [ Mappings/hubspot-salesforce.yaml, Mappings/hubspot-salesforce-accounts.yaml ]
            scoring: scoring.yaml
            routing: routing.yaml
            sla: sla.yaml
            notify:
              slack: { webhookURLFile: credentials/slack-webhook }
              # Leads idle for over a day reach their rep in one digest, once their alerts stop arriving for `quiet`
              # (the demo's backlog is read in seconds); each webhook keeps Slack's pace of about one message a second.
              digest: { horizon: 24h, quiet: 5s, maxWait: 15m }
              pace: { slack: { perSecond: 1, burst: 3 } }
            mode: { writes: true }
            enrichment:
              rules:
                territories:
                  northeast: [US-NY, US-MA, US-CT, US-NJ, US-PA]
                  west: [US-CA, US-WA, US-OR, US-CO]
                  central: [US-IL, US-TX, US-GA]
              provider: { baseURL: \(endpoints.enrichmentBaseURL.absoluteString), tokenFile: credentials/enrichment-token, cacheFor: 30d, perSecond: 100 }

            """, mode: 0o600)
    }
}
