import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("routing.yaml: calendars, caps, skills, territories as written")
struct RoutingConfigLoadTests {
    let environment = ["PATH": "/usr/bin"]

    /// The README's `routing.yaml` example, read from the README itself so the two cannot drift apart.
    static func documented() throws -> String {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../README.md").standardized, encoding: .utf8)
        let section = try #require(readme.range(of: "### `routing.yaml`"))
        let rest = readme[section.upperBound...]
        let open = try #require(rest.range(of: "```yaml\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        return String(rest[open.upperBound..<close.lowerBound])
    }

    /// An sla.yaml for routing files other than the shipped one.
    static func slaFor(calendar: String?, managers: String) -> String {
        """
        \(calendar.map { "calendar: \($0)" } ?? "")
        tiers:
          - { name: hot, when: { event: demo-request }, firstTouchWithin: 2h, businessHours: true }
          - { name: warm, firstTouchWithin: 24h }
        breach: { notify: manager, managers: \(managers), reassignAfter: 4h }

        """
    }

    @Test("the documented example loads: a named calendar, a rep's own hours, caps, skills, territories and the return policy")
    func documentedExample() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        try workspace.write("routing.yaml", try Self.documented())
        // The shipped sla.yaml names the shipped routing's calendar and reps; this routing has others.
        try workspace.write("sla.yaml", Self.slaFor(calendar: "us-east", managers: "{ ana: ben }"))
        let loaded = try ConfigurationLoader(environment: environment).load(workspace.configPath)
        let routing = loaded.routing
        #expect(loaded.notices.map(\.key) == ["sla"])
        let ana = routing.rep(routing.reps[0], email: routing.reps[0].email)
        #expect(ana.calendar?.timeZone.identifier == "America/New_York" && ana.dailyCap == 10 && ana.weeklyCap == 40)
        #expect(ana.calendar?.closedDays.contains(LocalDate("2026-12-25")!) == true && ana.outOfOffice.count == 4)
        #expect(ana.skills == ["Healthcare"] && ana.territories == ["new-england"])
        let lee = routing.rep(routing.reps[1], email: routing.reps[1].email)
        #expect(lee.timeZone.identifier == "America/Los_Angeles" && lee.calendar?.week[2]?.first == .init(start: 480, end: 960))
        #expect(routing.returnPolicy(of: "northeast") == .bounded(2) && routing.returnPolicy(of: "west") == FairnessLedger.ReturnPolicy.none)
        #expect(routing.rules.map(\.assign).contains(.existingOwner) && routing.rules.contains { $0.skill == "industry" })
    }

    @Test("lint problems are located by file, line and key")
    func located() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        try workspace.write("routing.yaml", """
            reps:
              - { id: ana, email: ana@example.com, caps: { daily: 0 } }
              - { id: ben, email: ben@example.com, calendar: office }
              - { id: cy,  email: cy@example.com, timeZone: America/New_York, hours: { mon-fri: ["09:00-12:00", "11:00-17:00"] } }
            rules: []
            fallback: { pool: everyone }
            reassignment: { excludeLast: 3 }
            """)
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("expected a configuration error")
        } catch {
            let problems = error.problems.filter { $0.file == "routing.yaml" }
            func line(_ key: String) -> Int? { problems.first { $0.key == key }?.line }
            #expect(line("reps.0.caps.daily") == 2, "\(problems)")
            #expect(line("reps.1.calendar") == 3)
            #expect(line("reps.2.hours") == 4)
            #expect(line("reassignment.excludeLast") == 7)
            #expect(problems.first { $0.key == "reassignment.excludeLast" }?.message.contains("leaves nobody in pool everyone") == true)
        }
    }

    @Test("a date that does not exist and an unknown return policy are refused where they are written")
    func badValues() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        for (yaml, key, words) in [("outOfOffice: [2026-02-30]", "reps.0.outOfOffice.0", "write YYYY-MM-DD"),
                                   ("caps: { daily: 3 } }\nreturnFromAbsence: generous #", "returnFromAbsence", "bounded(K)")] {
            try workspace.write("routing.yaml", """
                reps:
                  - { id: ana, email: ana@example.com, \(yaml) }
                rules: []
                fallback: { pool: everyone }
                """)
            do {
                _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
                Issue.record("expected a configuration error for \(yaml)")
            } catch {
                let problem = error.problems.first { $0.file == "routing.yaml" }
                #expect(problem?.key == key && problem?.message.contains(words) == true && problem?.line != nil, "\(error.description)")
            }
        }
    }

    @Test("stranded is a rep or a queue, located where it is written; a queue loads by API name, label or id")
    func strandedForms() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        // These routing files have no calendars (the SLA clock of reps without hours runs around the clock) and one rep.
        try workspace.write("sla.yaml", Self.slaFor(calendar: nil, managers: "{ ana: lead@example.com }"))
        func routing(_ stranded: String) -> String {
            """
            reps:
              - { id: ana, email: ana@example.com }
            rules: []
            fallback: { pool: everyone }
            \(stranded)
            """
        }
        for stranded in ["stranded: { queue: { salesforce: Unassigned_Leads, hubspot: clear, alert: ops@example.com } }",
                         "stranded: { queue: { name: Overflow, salesforce: 00G5g00000000GGEAY, hubspot: \"9001\" } }",
                         "stranded: { rep: ana }"] {
            try workspace.write("routing.yaml", routing(stranded))
            let loaded = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            #expect(loaded.routing.stranded != nil, "\(stranded)")
        }
        for (stranded, key, words) in [("stranded: { pool: everyone }", "stranded.pool", "unknown key"),
                                       ("stranded: { rep: ana, queue: { salesforce: Unassigned_Leads } }", "stranded", "exactly one of"),
                                       ("stranded: { queue: { salesforce: 005000000000001 } }", "stranded.queue.salesforce", "not a Salesforce queue id"),
                                       ("stranded: { queue: { salesforce: Unassigned_Leads, hubspot: ops } }", "stranded.queue.hubspot", "digits"),
                                       ("stranded: { queue: { salesforce: Unassigned_Leads, owner: x } }", "stranded.queue.owner", "unknown key")] {
            try workspace.write("routing.yaml", routing(stranded))
            do {
                _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
                Issue.record("expected a configuration error for \(stranded)")
            } catch {
                #expect(error.problems.contains { $0.file == "routing.yaml" && $0.key == key && $0.line == 5 && $0.message.contains(words) },
                        "\(error.description)")
            }
        }
    }
}

@Suite("notify.reps: each rep's own Slack channel")
struct RepChannelConfigTests {
    @Test("a rep's webhook loads as a secret; an unknown rep, a webhook named twice or not a URL is refused where it is written")
    func repChannels() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil, notify: "")
        let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        func with(_ reps: String) throws -> String {
            let changed = text.replacingOccurrences(of: "  slack: { webhookURLFile: credentials/slack }",
                                                    with: "  slack: { webhookURLFile: credentials/slack }\n  reps:\n\(reps)")
            #expect(changed != text)
            try workspace.write("leadrelay.yaml", changed)
            return changed
        }
        try workspace.write("credentials/slack-ana", "https://hooks.slack.com/services/T1/B1/ana\n")
        try workspace.write("credentials/not-a-url", "ana's channel\n")
        _ = try with("    ana: { slack: { webhookURLFile: credentials/slack-ana } }")
        let loaded = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
        #expect(loaded.repSlackWebhooks["ana"]?.value == "https://hooks.slack.com/services/T1/B1/ana" && "\(loaded.repSlackWebhooks["ana"]!)" == "***")
        for (reps, key, words) in [("    zed: { slack: { webhookURLFile: credentials/slack-ana } }", "notify.reps.zed", "no rep 'zed'"),
                                   ("    ana: { slack: { webhookURLFile: credentials/slack-ana, webhookURLEnv: ANA } }", "notify.reps.ana.slack", "exactly one"),
                                   ("    ana: { slack: { webhookURLFile: credentials/not-a-url } }", "notify.reps.ana.slack", "not an http(s) URL"),
                                   ("    ana: { email: { webhookURLFile: credentials/slack-ana } }", "notify.reps.ana.email", "unknown key")] {
            _ = try with(reps)
            do {
                _ = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
                Issue.record("expected a configuration error for \(reps)")
            } catch {
                #expect(error.problems.contains { $0.file.hasSuffix("leadrelay.yaml") && $0.key == key && $0.line != nil && $0.message.contains(words) },
                        "\(error.description)")
                #expect(!error.description.contains("hooks.slack.com"), "a webhook is never printed")
            }
        }
    }
}
