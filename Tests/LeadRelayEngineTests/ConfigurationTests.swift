import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("Configuration loading")
struct ConfigurationTests {
    let environment = ["PATH": "/usr/bin"]

    @Test("the shipped example files load, with secrets from credential files")
    func loads() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        let loaded = try ConfigurationLoader(environment: environment).load(workspace.configPath)
        #expect(loaded.mapping.fields.count == 11)
        #expect(loaded.routing.reps.count == 6)
        #expect(loaded.pollInterval.seconds == 1)
        #expect(loaded.lookback == 5)
        #expect(loaded.hubspotToken?.value == "pat-na1-test")
        #expect("\(loaded.hubspotToken!)" == "***")
        #expect(loaded.storePath == workspace.directory + "/state/leadrelay.sqlite")
    }

    @Test("secrets come from the environment, or from $CREDENTIALS_DIRECTORY under systemd")
    func secrets() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        var text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "tokenFile: credentials/hs", with: "tokenEnv: HS_TOKEN")
        try workspace.write("leadrelay.yaml", text)
        let fromEnv = try ConfigurationLoader(environment: ["HS_TOKEN": "pat-env"]).load(workspace.configPath)
        #expect(fromEnv.hubspotToken?.value == "pat-env")
        do {
            _ = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            Issue.record("a missing variable must fail")
        } catch {
            #expect(error.description.contains("environment variable HS_TOKEN is not set"))
            #expect(!error.description.contains("pat-"))
        }
        // Under systemd, relative credential files resolve in $CREDENTIALS_DIRECTORY, not beside the config.
        let systemdDirectory = workspace.directory + "/run-credentials"
        try FileManager.default.createDirectory(atPath: systemdDirectory + "/credentials", withIntermediateDirectories: true)
        for name in ["sf-id", "sf-secret", "slack"] {
            try FileManager.default.copyItem(atPath: workspace.directory + "/credentials/" + name, toPath: systemdDirectory + "/credentials/" + name)
        }
        try Data("from-credentials-directory\n".utf8).write(to: URL(fileURLWithPath: systemdDirectory + "/credentials/sf-id"))
        let systemd = try ConfigurationLoader(environment: ["HS_TOKEN": "x", "CREDENTIALS_DIRECTORY": systemdDirectory]).load(workspace.configPath)
        guard case .clientCredentials(let id, _) = systemd.salesforceAuth else { Issue.record("client credentials expected"); return }
        #expect(id.value == "from-credentials-directory")
    }

    @Test("every problem in every file is reported with file, line and key")
    func problems() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil, extra: "pol: { interval: 5s }")
        var text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "interval: 1s", with: "interval: 10x")
        try workspace.write("leadrelay.yaml", text)
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("expected a configuration error")
        } catch {
            let text = error.description
            #expect(text.contains("leadrelay.yaml:"), "\(text)")
            #expect(text.contains("poll.interval"), "\(text)")
            #expect(text.contains("'10x' is not a duration"), "\(text)")
        }
        try workspace.configure(nil, credentials: nil, extra: "pol: { interval: 5s }")
        try workspace.write("scoring.yaml", """
            mql: { threshold: 100, minimumFit: 30 }
            fit:
              - { name: senior-title, when: { seniorty: { in: [vp] } }, points: 25 }
              - { name: senior-title, when: { employees: { between: [5000, 200] } }, points: 20 }
            interest:
              halfLife: 30d
              events:
                - { name: demo, type: form-submission, form: demo-request, points: 60 }
            """)
        try workspace.write("routing.yaml", """
            reps:
              - { id: ana, email: ana@example.com, pools: [east], weigth: 2 }
            rules:
              - { name: x, when: { state: { in: [NY] } }, assign: { pool: west } }
            fallback: { pool: everyone }
            """)
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("expected a configuration error")
        } catch {
            let byKey = Dictionary(grouping: error.problems, by: \.key)
            let pol = try #require(byKey["pol"]?.first)
            #expect(pol.file.hasSuffix("leadrelay.yaml") && pol.line == 17 && pol.message.contains("did you mean 'poll'"), "\(pol)")
            let between = try #require(error.problems.first { $0.file == "scoring.yaml" })
            #expect(between.line == 4, "\(error.description)")
            #expect(between.message.contains("between"))
            let weight = try #require(byKey["reps.0.weigth"]?.first)
            #expect(weight.file == "routing.yaml" && weight.line == 2 && weight.message.contains("did you mean 'weight'"))
            #expect(byKey["rules.0.assign.pool"]?.first?.message == "no rep is in pool 'west'")
        }
    }

    @Test("documented keys that are not acted on yet are loaded with a located notice, not silently ignored")
    func notices() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil, extra: "admin: { listen: 127.0.0.1:9464 }")
        let loaded = try ConfigurationLoader(environment: environment).load(workspace.configPath)
        // sla.yaml's recycling and disposition are not acted on yet: that is said where `sla:` is written.
        #expect(loaded.notices.map(\.key) == ["sla", "admin"])
        #expect(loaded.notices.map(\.line) == [13, 17])
        #expect(loaded.notices.first?.message.contains("recycling and disposition are not acted on yet") == true)
        try workspace.configure(nil, credentials: nil)
        #expect(try ConfigurationLoader(environment: environment).load(workspace.configPath).notices.map(\.key) == ["sla"])
        let routing = try String(contentsOfFile: workspace.directory + "/routing.yaml", encoding: .utf8)
            .replacingOccurrences(of: "weight: 2, capacity: 40 }",
                                  with: "weight: 2, capacity: 40, timeZone: America/New_York, hours: { mon-fri: [\"09:00-17:00\"] } }")
        try workspace.write("routing.yaml", routing)
        let withHours = try ConfigurationLoader(environment: environment).load(workspace.configPath)
        #expect(withHours.notices.map(\.key) == ["sla"], "working hours are acted on now: \(withHours.notices)")
        #expect(withHours.routing.calendar(of: withHours.routing.reps[0])?.timeZone.identifier == "America/New_York")
        try workspace.write("routing.yaml", routing.replacingOccurrences(of: "America/New_York", with: "EST")
            .replacingOccurrences(of: "09:00-17:00", with: "17:00-09:00"))
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("expected a configuration error")
        } catch {
            let keys = error.problems.filter { $0.file == "routing.yaml" }.map(\.key)
            #expect(keys.contains("reps.0.timeZone") && keys.contains("reps.0.hours.mon-fri.0"), "\(error.description)")
            #expect(error.problems.allSatisfy { ($0.line ?? 0) > 0 }, "every problem is located")
        }
    }

    @Test("rate limits configure the quota scheduler; bad ones are located")
    func rateLimits() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        var text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "auth: { kind: private-app, tokenFile: credentials/hs }",
                                         with: "auth: { kind: private-app, tokenFile: credentials/hs }\n  rateLimit: { perTenSeconds: 100, searchPerSecond: 4, dailyBudget: 250000, keepFree: 0.2 }")
        try workspace.write("leadrelay.yaml", text)
        let loaded = try ConfigurationLoader(environment: environment).load(workspace.configPath)
        #expect(loaded.notices.map(\.key) == ["sla"], "rate limits are acted on now")
        let policy = ConnectorFactory.quotaPolicy(loaded.config.hubspot.rateLimit, reset: .midnightUTC)
        #expect(policy.perWindow == 100 && policy.searchPerSecond == 4 && policy.dailyAllowance == 200_000)

        try workspace.write("leadrelay.yaml", text.replacingOccurrences(of: "keepFree: 0.2", with: "keepFree: 1.5"))
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("keepFree 1.5 should be refused")
        } catch {
            let problem = try #require(error.problems.first { $0.key == "hubspot.rateLimit.keepFree" })
            #expect(problem.line == 4, "the rateLimit line")
        }
    }

    @Test("the CRM sites for record links load (a portal id written as a number included); bad ones are located")
    func recordLinkSites() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            .replacingOccurrences(of: "hubspot:\n", with: "hubspot:\n  portalId: 62515\n  appURL: https://app-eu1.hubspot.com\n")
            .replacingOccurrences(of: "salesforce:\n", with: "salesforce:\n  instanceURL: https://acme.my.salesforce.com\n")
        try workspace.write("leadrelay.yaml", text)
        let loaded = try ConfigurationLoader(environment: environment).load(workspace.configPath)
        #expect(loaded.notices.map(\.key) == ["sla"])
        #expect(loaded.recordLinks == RecordLinks(hubspotApp: URL(string: "https://app-eu1.hubspot.com")!, hubspotPortalID: "62515",
                                                  salesforceInstance: URL(string: "https://acme.my.salesforce.com")!))

        try workspace.write("leadrelay.yaml", text.replacingOccurrences(of: "portalId: 62515", with: "portalId: acme-62515")
            .replacingOccurrences(of: "instanceURL: https://acme.my.salesforce.com", with: "instanceURL: acme.my.salesforce.com"))
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("a portal id that is not a number and an instance that is not a URL are refused")
        } catch {
            let portal = try #require(error.problems.first { $0.key == "hubspot.portalId" }, "\(error.description)")
            #expect(portal.line == 2 && portal.message.contains("'acme-62515' is not a HubSpot account id"))
            let instance = try #require(error.problems.first { $0.key == "salesforce.instanceURL" }, "\(error.description)")
            #expect((instance.line ?? 0) > 4 && instance.message.contains("is not an http(s) URL"))
        }
    }

    @Test("auth kinds: HubSpot oauth and Salesforce refresh-token load; jwt-bearer and missing secrets are named")
    func authKinds() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        try workspace.write("credentials/hs-id", "app-id")
        try workspace.write("credentials/hs-secret", "app-secret")
        try workspace.write("credentials/refresh", "na1-refresh")
        let base = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        let oauth = base
            .replacingOccurrences(of: "auth: { kind: private-app, tokenFile: credentials/hs }",
                                  with: "auth: { kind: oauth, clientIdFile: credentials/hs-id, clientSecretFile: credentials/hs-secret, refreshTokenFile: credentials/refresh }")
            .replacingOccurrences(of: "auth: { kind: client-credentials,", with: "auth: { kind: refresh-token, refreshTokenFile: credentials/refresh,")
        try workspace.write("leadrelay.yaml", oauth)
        let loaded = try ConfigurationLoader(environment: environment).load(workspace.configPath)
        guard case .oauth(let id, _, let refresh) = loaded.hubspotAuth else { Issue.record("oauth expected"); return }
        #expect(id.value == "app-id" && refresh.value == "na1-refresh")
        guard case .refreshToken = loaded.salesforceAuth else { Issue.record("refresh-token expected"); return }

        try workspace.write("leadrelay.yaml", oauth
            .replacingOccurrences(of: ", refreshTokenFile: credentials/refresh }", with: " }")
            .replacingOccurrences(of: "kind: refresh-token, refreshTokenFile: credentials/refresh,", with: "kind: jwt-bearer,"))
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("expected problems")
        } catch {
            #expect(error.problems.contains { $0.key == "hubspot.auth" && $0.message.contains("refreshTokenEnv or refreshTokenFile") })
            #expect(error.problems.contains { $0.key == "salesforce.auth" && $0.message.contains("needs username") })
            #expect(error.problems.contains { $0.key == "salesforce.auth" && $0.message.contains("needs privateKeyFile") })
        }
    }

    @Test("jwt-bearer: the key is loaded and checked at load; a bad key file is named at its key; a key others can read is a notice")
    func jwtBearer() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        let base = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        let jwt = base.replacingOccurrences(of: "auth: { kind: client-credentials, clientIdFile: credentials/sf-id, clientSecretFile: credentials/sf-secret }",
                                            with: "auth: { kind: jwt-bearer, clientIdFile: credentials/sf-id, username: integration@acme.io, privateKeyFile: credentials/sf-key.pem }")
        #expect(jwt != base)
        try workspace.write("leadrelay.yaml", jwt)
        try workspace.write("credentials/sf-key.pem", TestKeys.connectedApp.privatePEM)
        let keyPath = (workspace.configPath as NSString).deletingLastPathComponent + "/credentials/sf-key.pem"
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath)
        let loaded = try ConfigurationLoader(environment: environment).load(workspace.configPath)
        guard case .jwtBearer(let signer) = loaded.salesforceAuth else { Issue.record("jwt-bearer expected"); return }
        #expect(signer.username == "integration@acme.io" && signer.audience.hasPrefix("http"))
        #expect(!loaded.notices.contains { $0.key.hasPrefix("salesforce.auth") })

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
        let loose = try ConfigurationLoader(environment: environment).load(workspace.configPath)
        #expect(loose.notices.contains { $0.key == "salesforce.auth.privateKeyFile" && $0.message.contains("chmod 600") && $0.line != nil })

        try workspace.write("credentials/sf-key.pem", "not a key")
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("a key file without a key must fail the load")
        } catch {
            #expect(error.problems.contains { $0.key == "salesforce.auth.privateKeyFile" && $0.message.contains("holds no RSA private key") && $0.line != nil })
        }
    }

    @Test("the mapping's lifecycle table: the shipped one is a fresh portal's and org's, an org's own statuses replace a stage, mistakes are located")
    func lifecycleTable() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        let shipped = try ConfigurationLoader(environment: environment).load(workspace.configPath)
        #expect(shipped.mapping.lifecycle == LifecycleMap.freshDefaults, "the shipped file says what the defaults are")
        let mapping = try String(contentsOfFile: workspace.directory + "/mapping.yaml", encoding: .utf8)
        let cut = try #require(mapping.range(of: "\nlifecycle:"))
        let base = String(mapping[..<cut.lowerBound])
        try workspace.write("mapping.yaml", base + """

            lifecycle:
              salesforce: { recycled: [Recycle to Marketing, Nurture], sql: Qualified }
              hubspot: { opportunity: [] }
            """)
        let custom = try ConfigurationLoader(environment: environment).load(workspace.configPath).mapping.lifecycle
        #expect(custom.salesforce.write(.recycled) == "Recycle to Marketing" && custom.salesforce.stage(status: "nurture") == .recycled)
        #expect(custom.salesforce.write(.sql) == "Qualified" && custom.salesforce.write(.sal) == "Working - Contacted", "stages not given keep theirs")
        #expect(custom.hubspot.write(.opportunity) == nil, "[] leaves a stage unwritten")
        let withoutSection = try { try workspace.write("mapping.yaml", base); return try ConfigurationLoader(environment: environment).load(workspace.configPath) }()
        #expect(withoutSection.mapping.lifecycle == LifecycleMap.freshDefaults)

        try workspace.write("mapping.yaml", base + """

            lifecycle:
              salesforce:
                qualified: Qualified
                sal: [Working - Contacted, Closed - Not Converted]
              hubpsot: { sal: IN_PROGRESS }
            """)
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("expected a configuration error")
        } catch {
            let problems = error.problems.filter { $0.file == "mapping.yaml" }
            #expect(problems.contains { $0.key == "lifecycle.hubpsot" && $0.message.contains("did you mean 'hubspot'") && $0.line != nil }, "\(error)")
            #expect(problems.contains { $0.key == "lifecycle.salesforce.qualified" && $0.line != nil }, "\(error)")
        }
        try workspace.write("mapping.yaml", base + """

            lifecycle:
              salesforce: { sal: [Working - Contacted, Closed - Not Converted] }
            """)
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.problems.contains { $0.file == "mapping.yaml" && $0.key == "lifecycle.salesforce" && $0.message.contains("'Closed - Not Converted' is listed under sal and disqualified") }, "\(error)")
        }
    }

    @Test("a YAML syntax error names its line")
    func syntax() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        try workspace.write("mapping.yaml", "object: lead\nfields: { email: [unclosed\n")
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("expected a configuration error")
        } catch {
            let problem = try #require(error.problems.first { $0.file == "mapping.yaml" })
            #expect(problem.line != nil)
            #expect(problem.message.contains("YAML"))
        }
    }

    @Test("missing rule files and unsupported auth kinds are named")
    func missing() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        var text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "scoring: scoring.yaml", with: "scoring: nowhere.yaml")
            .replacingOccurrences(of: "kind: private-app", with: "kind: api-key")
        try workspace.write("leadrelay.yaml", text)
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.problems.contains { $0.key == "scoring" && $0.message.contains("nowhere.yaml") && $0.line == 11 }, "\(error)")
            #expect(error.problems.contains { $0.key == "hubspot.auth.kind" && $0.message.contains("private-app") })
        }
    }
}
