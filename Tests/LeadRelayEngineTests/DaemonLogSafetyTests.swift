import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayEngine
import LeadRelayTestSupport
import Logging
import ServiceLifecycle
import Testing

@Suite("The daemon's own logs keep secrets")
struct DaemonLogSafetyTests {
    @Test("the daemon at trace level, through a re-authentication and alerts: no token, secret or webhook URL in any line, services named not dumped")
    func traceLevel() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 5, people: 120)).populate(simulator.state)
        let logs = CapturedLogs()
        let credentials = simulator.state.credentials
        // Slack's webhooks carry their credential in the path.
        let hookSecret = "B0" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let (sessions, webhook) = try await simulator.withRunningInSlot { endpoints -> ([String], String) in
            let workspace = try TestWorkspace()
            try workspace.configure(endpoints, credentials: credentials)
            let webhook = endpoints.slackWebhookURL.absoluteString + "/services/T0LEADRELAY/" + hookSecret
            try workspace.write("credentials/slack", webhook)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            let daemon = try await Daemon.start(configuration, logger: logs.logger("leadrelay"))
            let group = ServiceGroup(configuration: .init(services: daemon.services(), logger: logs.logger("leadrelay.services")))
            var sessions: [String] = []
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let deadline = ContinuousClock.now + .seconds(30)
                while await simulator.state.slackBodies().isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                sessions += await simulator.state.salesforceSessionTokens()
                // The Salesforce session ends: the next calls authenticate again.
                await simulator.state.expireSalesforceSessions()
                let id = try await simulator.state.createHubSpotRecord("contacts", properties: [
                    "email": "vp.ops.\(UUID().uuidString.prefix(6).lowercased())@bigco.io", "firstname": "Vera", "lastname": "Ops",
                    "jobtitle": "VP Operations", "company": "Bigco", "numemployees": "1000+", "industry": "HOSPITAL_HEALTH_CARE",
                    "state": "MA", "country": "United States"])
                await simulator.state.recordHubSpotEvent(contactID: id, eventType: "e_submitted_form", properties: ["hs_form_id": "demo-request"])
                let reauthenticated = ContinuousClock.now + .seconds(20)
                while await simulator.state.salesforceSessionTokens().isEmpty, ContinuousClock.now < reauthenticated {
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await Task.sleep(for: .seconds(2))
                sessions += await simulator.state.salesforceSessionTokens()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            return (sessions, webhook)
        }
        let lines = logs.all
        #expect(lines.contains { $0.hasPrefix("trace") || $0.hasPrefix("debug") }, "trace and debug lines were captured")
        #expect(lines.contains { $0.contains("LoopService(poll)") }, "ServiceLifecycle names the services: \(lines.filter { $0.contains("ervice") }.prefix(3))")
        #expect(sessions.count >= 2, "two Salesforce sessions, one after re-authentication")
        let secrets = sessions + [credentials.hubspotToken, credentials.salesforceClientSecret, credentials.salesforceClientID, webhook, hookSecret]
        for secret in secrets {
            #expect(!lines.contains { $0.contains(secret) }, "a credential reached the logs: \(lines.filter { $0.contains(secret) }.prefix(1).map { String($0.prefix(300)) })")
        }
        let longest = lines.map(\.count).max() ?? 0
        #expect(longest < 2_000, "no line dumps the engine or its configuration (longest \(longest) characters)")
        #expect(await !simulator.state.slackBodies().isEmpty, "alerts went out")
    }
}
