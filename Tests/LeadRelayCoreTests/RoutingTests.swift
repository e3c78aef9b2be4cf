import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Routing")
struct RoutingTests {
    let router = Router(config: Fixtures.routing, reps: Fixtures.reps)
    let acme = Account(ref: RecordRef(system: .salesforce, object: "Account", id: "001A"), name: "Acme", domain: "acme.io", ownerID: "005B")

    @Test("a lead at an existing account goes to the account owner")
    func accountOwner() {
        var state = RoutingState()
        let decision = router.route(Fixtures.plainLead(["email": "x@acme.io", "state": "NY"]), accounts: [acme], state: &state, context: .init(now: Fixtures.now))
        #expect(decision.repID == "ben")
        #expect(decision.rule == "existing-account")
        #expect(decision.candidates.first { $0.repID == "ana" }?.rejected == "not the account owner")
        #expect(state.assigned["ben"] == 1)
    }

    @Test("a Salesforce account without a website is found by name: the lead's company, or the name of the company holding its domain")
    func accountWithoutWebsite() {
        let bare = Account(ref: RecordRef(system: .salesforce, object: "Account", id: "001N"), name: "Northwind Health, Inc.", domain: nil, ownerID: "005B")
        let company = Account(ref: RecordRef(system: .hubspot, object: "companies", id: "77"), name: "Northwind Health", domain: "northwind.io", ownerID: "1")
        #expect(router.matchingAccount(Fixtures.plainLead(["email": "x@northwind.io", "company": "northwind health"]), [bare])?.ref == bare.ref)
        #expect(router.matchingAccount(Fixtures.plainLead(["email": "x@northwind.io"]), [bare, company])?.ref == bare.ref,
                "the HubSpot company's name leads to the Salesforce account, which owns the relationship")
        #expect(router.matchingAccount(Fixtures.plainLead(["email": "x@northwind.io"]), [bare])?.ref == nil, "no name to go by")
        let twin = Account(ref: RecordRef(system: .salesforce, object: "Account", id: "001M"), name: "Northwind Health LLC", domain: nil, ownerID: "005C")
        #expect(router.matchingAccount(Fixtures.plainLead(["email": "x@northwind.io", "company": "Northwind Health"]), [bare, twin, company])?.ref == company.ref,
                "two website-less accounts of one name are ambiguous; the company found by domain stands")
        #expect(router.matchingAccount(Fixtures.plainLead(["email": "x@gmail.com"]), [bare, company]) == nil,
                "free mail identifies no company by itself")
        #expect(router.matchingAccount(Fixtures.plainLead(["email": "x@gmail.com", "company": "Northwind Health"]), [bare])?.ref == bare.ref,
                "a free-mail lead still names its company")
        var state = RoutingState()
        let decision = router.route(Fixtures.plainLead(["email": "x@northwind.io", "company": "Northwind Health", "state": "NY"]), accounts: [bare], state: &state, context: .init(now: Fixtures.now))
        #expect(decision.repID == "ben" && decision.rule == "existing-account")
    }

    @Test("free-mail leads never match an account by domain")
    func freeMail() {
        var state = RoutingState()
        let gmail = Account(ref: acme.ref, name: "Gmail", domain: "gmail.com", ownerID: "005B")
        let decision = router.route(Fixtures.plainLead(["email": "x@gmail.com", "state": "NY"]), accounts: [gmail], state: &state, context: .init(now: Fixtures.now))
        #expect(decision.rule == "northeast")
    }

    @Test("Salesforce accounts win over HubSpot companies with the same domain")
    func salesforceAccountWins() {
        var state = RoutingState()
        let company = Account(ref: RecordRef(system: .hubspot, object: "companies", id: "5"), name: "Acme", domain: "acme.io", ownerID: "701")
        let decision = router.route(Fixtures.plainLead(["email": "x@acme.io"]), accounts: [company, acme], state: &state, context: .init(now: Fixtures.now))
        #expect(decision.repID == "ben")
    }

    @Test("weighted round robin gives a weight-2 rep twice the leads")
    func weightedRoundRobin() {
        var state = RoutingState()
        var counts: [String: Int] = [:]
        for index in 0..<30 {
            let decision = router.route(Fixtures.plainLead(["email": "p\(index)@x\(index).io", "state": "MA"]), accounts: [], state: &state, context: .init(now: Fixtures.now))
            counts[decision.repID ?? "none", default: 0] += 1
        }
        #expect(counts == ["ana": 20, "ben": 10])
    }

    @Test("reps at capacity are skipped, with the reason recorded")
    func capacity() {
        var state = RoutingState(assigned: ["chloe": 1], open: ["chloe": 1, "ana": 5])
        let decision = router.route(Fixtures.plainLead(["email": "x@h.io", "industry": "Healthcare"]), accounts: [], state: &state, context: .init(now: Fixtures.now))
        #expect(decision.repID == "ana")
        #expect(decision.candidates.first { $0.repID == "chloe" }?.rejected?.hasPrefix("at capacity") == true)
    }

    @Test("least-loaded picks the rep with the fewest open leads per weight")
    func leastLoaded() {
        var state = RoutingState(assigned: [:], open: ["ana": 3, "chloe": 0])
        let decision = router.route(Fixtures.plainLead(["email": "x@h.io", "industry": "Healthcare"]), accounts: [], state: &state, context: .init(now: Fixtures.now))
        #expect(decision.repID == "chloe")
    }

    @Test("least-loaded counts the CRMs' open leads too — leads assigned outside LeadRelay — plus what it gave since they were counted")
    func leastLoadedByCRM() {
        // The event log says chloe holds nothing; the CRMs say she owns 5 open leads somebody gave her by hand.
        var state = RoutingState(open: ["ana": 3, "chloe": 0])
        state.openInCRM = ["ana": 1, "chloe": 5]
        let lead = Fixtures.plainLead(["email": "x@h.io", "industry": "Healthcare"])
        #expect(state.load(of: "ana") == 3 && state.load(of: "chloe") == 5, "the larger of the two counts")
        let roomy = Router(config: Fixtures.routing, reps: Fixtures.reps.map { rep in
            var rep = rep
            rep.capacity = 40
            return rep
        })
        let decision = roomy.route(lead, accounts: [], state: &state, context: .init(now: Fixtures.now))
        #expect(decision.repID == "ana")
        #expect(decision.candidates.first { $0.repID == "chloe" }?.rejected == "more loaded (5 open, weight 1)", "\(decision.candidates)")
        // Leads given this cycle count on top of the CRMs' count (their owner is not read back yet).
        #expect(state.load(of: "ana") == 4)
        for _ in 0..<3 { _ = roomy.route(lead, accounts: [], state: &state, context: .init(now: Fixtures.now)) }
        #expect(state.load(of: "ana") == 7 && state.load(of: "chloe") == 5, "each lead given counts once, on top of either count")
        // Capacity sees the CRMs' count as well: both healthcare reps are full, so the fallback places it.
        var full = RoutingState(open: [:])
        full.openInCRM = ["chloe": 40, "ana": 40]
        let spilled = roomy.route(lead, accounts: [], state: &full, context: .init(now: Fixtures.now))
        #expect(spilled.repID == "ben", "\(spilled.reason)")
        #expect(spilled.candidates.filter { $0.code == .capacity }.map(\.repID).sorted() == ["ana", "chloe"], "\(spilled.candidates)")
    }

    @Test("leads no rule matches fall back to everyone")
    func fallback() {
        var state = RoutingState()
        let decision = router.route(Fixtures.plainLead(["email": "x@t.io", "state": "TX"]), accounts: [], state: &state, context: .init(now: Fixtures.now))
        #expect(decision.rule == "fallback")
        #expect(decision.repID != nil)
    }

    @Test("nobody with room means no rep, and the reason says so")
    func nobody() {
        let full = Router(config: Fixtures.routing, reps: [Rep(id: "chloe", email: "c@x.io", pools: ["healthcare"], capacity: 0)])
        var state = RoutingState()
        let decision = full.route(Fixtures.plainLead(["email": "x@t.io"]), accounts: [], state: &state, context: .init(now: Fixtures.now))
        #expect(decision.repID == nil)
        #expect(decision.reason.contains("no rule placed the lead"))
    }

    @Test("an MQL nobody can take goes to the stranded owner, whatever their capacity, with the reason; never left unowned")
    func stranded() {
        var config = Fixtures.routing
        config.stranded = .rep("mia")
        let reps = [Rep(id: "chloe", email: "c@x.io", pools: ["healthcare"], capacity: 0), Rep(id: "mia", email: "m@x.io", pools: [], capacity: 0)]
        let router = Router(config: config, reps: reps)
        var state = RoutingState(open: ["chloe": 3, "mia": 12])
        let decision = router.route(Fixtures.plainLead(["email": "x@t.io", "industry": "Healthcare"]), accounts: [], state: &state, context: .init(now: Fixtures.now))
        #expect(decision.repID == "mia" && decision.rule == Router.strandedRule)
        #expect(decision.reason.contains("given to mia, who takes what nobody else can"), "\(decision.reason)")
        #expect(state.open["mia"] == 13, "it counts against the stranded owner's load like any assignment")
        // A rep with room still wins over the stranded owner.
        let roomy = Router(config: config, reps: [Rep(id: "chloe", email: "c@x.io", pools: ["healthcare"], capacity: 40)] + [reps[1]])
        var fresh = RoutingState()
        #expect(roomy.route(Fixtures.plainLead(["email": "x@t.io", "industry": "Healthcare"]), accounts: [], state: &fresh, context: .init(now: Fixtures.now)).repID == "chloe")
    }

    @Test("a stranded lead is counted by why nobody could take it: the exclusion most reps had, ties by the code list, never by rep order")
    func strandedReason() {
        var config = Fixtures.routing
        config.stranded = .rep("mia")
        let full = [Rep(id: "chloe", email: "c@x.io", pools: ["healthcare"], capacity: 0), Rep(id: "dan", email: "d@x.io", pools: ["healthcare"], capacity: 0),
                    Rep(id: "eve", email: "e@x.io", pools: ["healthcare"], capacity: 9, active: false), Rep(id: "mia", email: "m@x.io", pools: [], capacity: 0)]
        var state = RoutingState(open: ["chloe": 3, "dan": 1])
        let lead = Fixtures.plainLead(["email": "x@t.io", "industry": "Healthcare"])
        let decision = Router(config: config, reps: full).route(lead, accounts: [], state: &state, context: .init(now: Fixtures.now))
        #expect(decision.rule == Router.strandedRule && decision.strandedReason == "capacity", "two full, one inactive: \(decision.candidates)")
        // One full and one inactive: a tie, settled by the order of the codes (capacity before inactive), in any rep order.
        for reps in [[full[0], full[2], full[3]], [full[2], full[0], full[3]]] {
            var fresh = RoutingState(open: ["chloe": 3])
            let tied = Router(config: config, reps: reps).route(lead, accounts: [], state: &fresh, context: .init(now: Fixtures.now))
            #expect(tied.strandedReason == "capacity", "\(tied.candidates)")
        }
        // Without a stranded owner the lead stays unowned and is counted the same way.
        config.stranded = nil
        var again = RoutingState(open: ["chloe": 3, "dan": 1])
        let unowned = Router(config: config, reps: full).route(lead, accounts: [], state: &again, context: .init(now: Fixtures.now))
        #expect(unowned.repID == nil && unowned.strandedReason == "capacity")
        // A lead placed normally is not stranded; one no rule reaches, with everyone free, is unreachable.
        var roomy = RoutingState()
        #expect(Router(config: config, reps: [Rep(id: "chloe", email: "c@x.io", pools: ["healthcare"], capacity: 40)])
            .route(lead, accounts: [], state: &roomy, context: .init(now: Fixtures.now)).strandedReason == nil)
        #expect(RouteDecision(repID: nil, rule: "none", reason: "", candidates: [.init(repID: "a", rejected: "could not take it", code: .eligible)])
            .strandedReason == "unreachable")
    }

    @Test("stranded names one known rep")
    func strandedValidation() {
        var config = Fixtures.routing
        config.stranded = .rep("zed")
        #expect(config.validate(knownAttributes: ["industry", "state"]).map(\.keyPath).contains("stranded.rep"))
        config.stranded = .rep("ana")
        #expect(config.validate(knownAttributes: ["industry", "state"]).isEmpty)
    }

    @Test("routing validation finds unknown pools, reps and attributes")
    func validation() {
        var config = Fixtures.routing
        config.rules.append(.init(name: "bad", match: nil, when: ["planet": .equals("Mars")], assign: .pool("mars")))
        config.rules.append(.init(name: "worse", match: nil, when: nil, assign: .rep("zed")))
        config.rules.append(.init(name: "owner", match: nil, when: nil, assign: .accountOwner))
        config.reps.append(.init(id: "ana", email: "not-an-email", pools: nil, weight: 0, capacity: -1))
        let paths = config.validate(knownAttributes: ["industry", "state"]).map(\.keyPath)
        for path in ["rules.3.when.planet", "rules.3.assign.pool", "rules.4.assign.rep", "rules.5.assign",
                     "reps.3.id", "reps.3.email", "reps.3.weight", "reps.3.capacity"] {
            #expect(paths.contains(path), "missing \(path) in \(paths)")
        }
    }
}
