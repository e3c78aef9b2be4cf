import CRMSimulator
import Foundation
@testable import LeadRelayCLI
import Testing

@Suite("leadrelay sla due and sla.yaml's checks")
struct SLACommandTests {
    func workspace() throws -> Workspace {
        let workspace = Workspace(directory: (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-sla-\(UUID().uuidString)"))
        let endpoints = CRMSimulator.Endpoints(port: 9, baseURL: URL(string: "http://127.0.0.1:9")!)
        try workspace.write(endpoints: endpoints, credentials: .init(hubspotToken: "pat-na1-x", salesforceClientID: "id", salesforceClientSecret: "secret"))
        return workspace
    }

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("a Saturday assignment on the shipped files is due two working hours after Monday's opening, with its reminders and calendar")
    func saturday() async throws {
        let run = try await runCLI(["sla", "due", "--config", try workspace().configPath, "--rep", "ana", "--tier", "hot", "--at", "2026-12-05T10:00"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "due: 2026-12-07T16:00:00.000Z (2026-12-07 11:00 Mon America/New_York)", "\(run.stdout)")
        #expect(lines.contains("the clock starts at the next opening: 2026-12-07T14:00:00.000Z"))
        #expect(lines.contains("reminder at 50%: 2026-12-07T15:00:00.000Z (2026-12-07 10:00 Mon America/New_York)"))
        #expect(lines.contains("calendar: America/New_York; Mon–Fri 09:00–12:00, 13:00–17:30; closed 2026-12-25, 2027-01-01"))
        #expect(lines.contains("from: sla.yaml's calendar 'office' (ana has no hours of their own)"))
    }

    @Test("a rep's own hours and time off beat the team calendar; a zoned --at is absolute; JSON carries the same instants")
    func repCalendar() async throws {
        let workspace = try workspace()
        let routing = workspace.directory + "/routing.yaml"
        try write(DefaultFiles.routing.replacingOccurrences(
            of: "- { id: ben,   name: Ben Okafor,   email: ben@example.com,   pools: [northeast],             weight: 1, capacity: 40 }",
            with: "- { id: ben, name: Ben Okafor, email: ben@example.com, pools: [northeast], timeZone: Europe/Berlin, hours: { mon-fri: [\"08:00-16:00\"] }, outOfOffice: [2026-12-08] }"),
            to: routing)
        // Monday 2026-12-07 15:00 Berlin (14:00Z) + 2h: one hour Monday, Tuesday away, one hour Wednesday from 08:00 → 09:00 CET.
        let run = try await runCLI(["sla", "due", "--config", workspace.configPath, "--rep", "ben", "--tier", "hot", "--at", "2026-12-07T14:00:00Z",
                                    "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(object?["due"] as? String == "2026-12-09T08:00:00Z", "\(run.stdout)")
        #expect(object?["dueLocal"] as? String == "2026-12-09 09:00 Wed Europe/Berlin")
        #expect((object?["calendar"] as? String)?.hasPrefix("Europe/Berlin; Mon–Fri 08:00–16:00; closed 2026-12-08") == true, "\(run.stdout)")
        #expect(object?["calendarSource"] as? String == "ben's own hours in routing.yaml")
    }

    @Test("an unknown rep, tier or instant is a usage error naming what exists")
    func unknown() async throws {
        let config = try workspace().configPath
        let rep = try await runCLI(["sla", "due", "--config", config, "--rep", "zed", "--tier", "hot"])
        #expect(rep.status == 2 && rep.stderr.contains("no rep 'zed' in routing.yaml; reps: ana, ben, chloe, dev, eli, fay"), "\(rep.stderr)")
        let tier = try await runCLI(["sla", "due", "--config", config, "--rep", "ana", "--tier", "cold"])
        #expect(tier.status == 2 && tier.stderr.contains("no tier 'cold' in sla.yaml; tiers: hot, warm"), "\(tier.stderr)")
        let at = try await runCLI(["sla", "due", "--config", config, "--rep", "ana", "--tier", "hot", "--at", "2026-12-05T25:00"])
        #expect(at.status == 2 && at.stderr.contains("'2026-12-05T25:00' is not an instant"), "\(at.stderr)")
    }

    @Test("sla.yaml's problems exit 78 with file, line and key")
    func problems() async throws {
        let workspace = try workspace()
        try write("""
        calendar: head-office
        tiers:
          - { name: hot, when: { event: demo-requets }, firstTouchWithin: 2h, remindAt: [0.5, 1.5] }
          - { name: warm, firstTouchWithin: 0s, persistence: { minimumTouches: 8, within: 1d, spacing: 4h } }
          - { name: warm, when: { colour: blue }, firstTouchWithin: 24h }
        outOfOfice: pause

        """, to: workspace.directory + "/sla.yaml")
        let run = try await runCLI(["check", "--config", workspace.configPath])
        #expect(run.status == 78)
        for expected in [
            "sla.yaml:1:1: calendar: no calendar 'head-office' in routing.yaml; calendars: office",
            "sla.yaml:3:26: tiers.0.when.event: no interest rule 'demo-requets' in scoring.yaml",
            "sla.yaml:3:87: tiers.0.remindAt.1: 1.5 is not a share of the target",
            "tiers.1.firstTouchWithin: the first-touch target must be longer than zero",
            "tiers.1.persistence.spacing: 8 touches 4h apart do not fit within 1d",
            "tiers.1.when: tier 'warm' takes every MQL, so the tiers after it never apply; put it last",
            "tiers.2.name: duplicate tier name 'warm'",
            "tiers.2.when.colour: unknown condition 'colour'",
            "sla.yaml:6:1: outOfOfice: unknown key 'outOfOfice'; did you mean 'outOfOffice'?",
        ] {
            #expect(run.stderr.contains(expected), "missing \(expected) in \(run.stderr)")
        }
        // A value outside a closed list is named with the values it may take.
        try write(DefaultFiles.sla.replacingOccurrences(of: "notify: manager", with: "notify: boss"), to: workspace.directory + "/sla.yaml")
        let value = try await runCLI(["check", "--config", workspace.configPath])
        #expect(value.status == 78 && value.stderr.contains("sla.yaml:12:3: breach.notify: unknown value 'boss'; expected one of manager, owner, none"),
                "\(value.stderr)")
        // A manager for a rep routing does not have, or one who is neither a rep nor an address.
        try write(DefaultFiles.sla.replacingOccurrences(of: "{ ana: sales-lead@example.com, ben: ana,", with: "{ zed: ana, ben: boss,"),
                  to: workspace.directory + "/sla.yaml")
        let managers = try await runCLI(["check", "--config", workspace.configPath])
        #expect(managers.status == 78, "\(managers.stderr)")
        #expect(managers.stderr.contains("breach.managers.zed: no rep 'zed' in routing.yaml"), "\(managers.stderr)")
        #expect(managers.stderr.contains("breach.managers.ben: 'boss' is neither a rep of routing.yaml nor an email address"), "\(managers.stderr)")
    }
}
