import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("scoring.yaml: the scoring model as written")
struct ScoringConfigLoadTests {
    let environment = ["PATH": "/usr/bin"]

    /// The README's example, verbatim.
    static let documented = """
        mql: { threshold: 100, minimumFit: 30 }
        fit:
          - { name: senior-title,  when: { seniority: { in: [c-level, vp, director] } }, points: 25, group: person }
          - { name: target-size,   when: { employees: { between: [200, 5000] } },        points: 20 }
          - { name: free-mail,     when: { emailClass: free },                           points: -20 }
          - { name: role-address,  when: { emailClass: role },                           points: -10 }
        interest:
          halfLife: 30d                                           # the default decay of interest rules
          events:
            - { name: demo-request, type: form-submission, form: demo-request, points: 60, decay: none }
            - { name: pricing-page, type: page-view, url: "*/pricing*", points: 10, maxPerDay: 2, cap: 30, group: web }
            - { name: docs,         type: page-view, url: "*/docs*", points: 3, group: web }
            - { name: email-click,  type: email-click, points: 2, decay: { percent: 25, every: 30d } }
            - { name: careers-page, type: page-view, url: "*/careers*", points: -15, window: 90d }
        groups:                                                   # optional: shared caps and floors
          person: { cap: 40 }
          web:    { cap: 40, window: 30d }                        # interest groups may also set decay or window
        limits:                                                   # optional: bounds on each score and the total
          fit:      { cap: 80, floor: -40 }
          interest: { cap: 100 }
          total:    { floor: 0 }
        """

    @Test("the documented example loads with its groups, limits, decays and windows")
    func documentedExample() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        try workspace.write("scoring.yaml", Self.documented)
        let scoring = try ConfigurationLoader(environment: environment).load(workspace.configPath).scoring
        #expect(scoring.groups?["web"]?.cap == 40 && scoring.groups?["web"]?.window?.seconds == 30 * 86_400)
        #expect(scoring.limits?.fit == .init(cap: 80, floor: -40) && scoring.limits?.total == .init(floor: 0))
        let rules = Dictionary(uniqueKeysWithValues: scoring.interest.events.map { ($0.name, $0) })
        #expect(rules["demo-request"]?.decay == ScoringConfig.Decay.none)
        #expect(rules["email-click"]?.decay == .linear(percent: 25, every: ConfigDuration(seconds: 30 * 86_400)))
        #expect(rules["pricing-page"]?.cap == 30 && rules["pricing-page"]?.group == "web")
        #expect(scoring.fading(of: rules["docs"]!).window?.seconds == 30.0 * 86_400, "the group's window")
        #expect(scoring.fading(of: rules["email-click"]!).decay == .linear(percent: 25, every: ConfigDuration(seconds: 30 * 86_400)))
        #expect(scoring.fading(of: rules["careers-page"]!).window?.seconds == 90.0 * 86_400)
    }

    @Test("mistakes in the model are reported with file, line and key")
    func located() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        try workspace.write("scoring.yaml", """
            mql: { threshold: 100, minimumFit: 30, hysteresis: 120 }
            fit:
              - { name: senior, when: { seniority: { in: [vp] } }, points: 25, group: persn }
            interest:
              events:
                - { name: pricing, type: page-view, points: 10, window: 7d, decay: { halfLife: 7d } }
                - { name: clicks, type: email-click, points: 2, decay: { percent: 150, every: 30d } }
            groups:
              person: { cap: 10, floor: 20 }
            """)
        var problems = try scoringProblems(workspace)
        func problem(_ key: String) -> ConfigurationProblem? { problems.first { $0.key == key } }
        #expect(problem("fit.0.group")?.line == 3, "\(problems)")
        #expect(problem("fit.0.group")?.message.contains("no group 'persn'") == true)
        #expect(problem("interest.events.0.window")?.line == 6)
        #expect(problem("interest.events.1.decay.percent")?.line == 7)
        #expect(problem("groups.person.floor")?.line == 9)
        #expect(problem("mql.hysteresis")?.line == 1)
        // Misspelt keys of the model are named with the key meant.
        try workspace.write("scoring.yaml", """
            mql: { threshold: 100 }
            fit: []
            interest:
              events:
                - { name: opens, type: email-open, points: 1, decay: { halflife: 30d } }
            limits:
              total: { cap: 200, flor: 0 }
            """)
        problems = try scoringProblems(workspace)
        let halfLife = problem("interest.events.0.decay.halflife")
        #expect(halfLife?.line == 5 && halfLife?.message.contains("did you mean 'halfLife'") == true, "\(problems)")
        #expect(problem("limits.total.flor")?.message.contains("did you mean 'floor'") == true)
    }

    /// The problems loading `workspace` reports in scoring.yaml (none recorded as an issue when it loads).
    func scoringProblems(_ workspace: TestWorkspace) throws -> [ConfigurationProblem] {
        do {
            _ = try ConfigurationLoader(environment: environment).load(workspace.configPath)
            Issue.record("expected a configuration error")
            return []
        } catch {
            return error.problems.filter { $0.file == "scoring.yaml" }
        }
    }
}
