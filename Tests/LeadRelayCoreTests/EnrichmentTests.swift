import Foundation
import Testing
@testable import LeadRelayCore

/// A source with fixed answers, to test the chain's rules apart from any real source.
struct FixedEnricher: Enricher {
    var source: String
    var values: [String: String]
    func proposals(for lead: Lead) -> [String: String] { values }
}

@Suite("Enrichment")
struct EnrichmentTests {
    let earlier = Fixtures.now.addingTimeInterval(-86_400)

    @Test("a value a person entered is kept; an empty field is filled, with its source and time")
    func keepsEntered() {
        var lead = Fixtures.plainLead(["email": "a@acme.io", "industry": "Retail"])
        let chain = EnrichmentChain(enrichers: [FixedEnricher(source: "csv", values: ["industry": "Technology", "employees": "900"])])
        let fills = chain.apply(to: &lead, now: Fixtures.now)
        #expect(lead.fields["industry"] == "Retail")
        #expect(lead.fields["employees"] == "900")
        #expect(fills == [EnrichedValue(field: "employees", value: "900", source: "csv", filledAt: Fixtures.now)])
    }

    @Test("overwrite lets enrichment replace a named entered field, and records what it replaced")
    func overwrite() {
        var lead = Fixtures.plainLead(["email": "a@acme.io", "industry": "Retail", "employees": "12"])
        let chain = EnrichmentChain(enrichers: [FixedEnricher(source: "provider", values: ["industry": "Technology", "employees": "900"])],
                                    overwrite: ["industry"])
        let fills = chain.apply(to: &lead, now: Fixtures.now)
        #expect(lead.fields["industry"] == "Technology")
        #expect(lead.fields["employees"] == "12")
        #expect(fills.map(\.field) == ["industry"])
        #expect(fills.first?.replaced == "Retail")
    }

    @Test("sources are asked in order: the first to give a field wins")
    func order() {
        var lead = Fixtures.plainLead(["email": "a@acme.io"])
        let chain = EnrichmentChain(enrichers: [FixedEnricher(source: "csv", values: ["industry": "Technology"]),
                                                FixedEnricher(source: "provider", values: ["industry": "Retail", "employees": "40"])])
        let fills = chain.apply(to: &lead, now: Fixtures.now)
        #expect(lead.fields["industry"] == "Technology")
        #expect(Dictionary(uniqueKeysWithValues: fills.map { ($0.field, $0.source) }) == ["industry": "csv", "employees": "provider"])
    }

    @Test("an unchanged fill keeps the time it was first made; a changed one is stamped now")
    func provenanceTime() {
        let chain = EnrichmentChain(enrichers: [FixedEnricher(source: "csv", values: ["industry": "Technology", "employees": "900"])])
        var lead = Fixtures.plainLead(["email": "a@acme.io"])
        let previous = ["industry": EnrichedValue(field: "industry", value: "Technology", source: "csv", filledAt: earlier),
                        "employees": EnrichedValue(field: "employees", value: "800", source: "csv", filledAt: earlier)]
        let fills = Dictionary(uniqueKeysWithValues: chain.apply(to: &lead, previous: previous, now: Fixtures.now).map { ($0.field, $0) })
        #expect(fills["industry"]?.filledAt == earlier)
        #expect(fills["employees"]?.filledAt == Fixtures.now)
    }

    @Test("rules use a later source's values on the second pass: size band from a CSV's employee count")
    func secondPass() {
        var lead = Fixtures.plainLead(["email": "pat@acme.io"])
        let chain = EnrichmentSettings(order: [.rules, .csv], csvCompanies: ["acme.io": ["employees": "1200", "state": "Massachusetts"]])
            .chain(provider: [:])
        let fills = Dictionary(uniqueKeysWithValues: chain.apply(to: &lead, now: Fixtures.now).map { ($0.field, $0) })
        #expect(fills["companyDomain"]?.value == "acme.io")
        #expect(fills["companyDomain"]?.source == "rules")
        #expect(fills["employees"]?.source == "csv")
        #expect(fills["sizeBand"]?.value == "1001-5000")
        #expect(fills["sizeBand"]?.source == "rules")
        #expect(fills["region"]?.value == "US-MA")
        #expect(fills["country"]?.value == "US")
        #expect(LeadAttributes.value("sizeBand", of: lead) == "1001-5000")
    }

    @Test("rules: company domain from a work address or website, never from free mail; territory by region before country")
    func rules() {
        let rules = RuleEnricher(territories: ["northeast": ["US-MA", "US-NY"], "north-america": ["US", "CA"], "dach": ["DE", "AT", "CH"]])
        #expect(rules.proposals(for: Fixtures.plainLead(["email": "sam@gmail.com"]))["companyDomain"] == nil)
        #expect(rules.proposals(for: Fixtures.plainLead(["email": "sam@gmail.com", "website": "https://www.Acme.io/about"]))["companyDomain"] == "acme.io")
        #expect(rules.proposals(for: Fixtures.plainLead(["email": "sam@acme.io", "state": "ma"]))["territory"] == "northeast")
        #expect(rules.proposals(for: Fixtures.plainLead(["email": "sam@acme.io", "state": "Texas"]))["territory"] == "north-america")
        #expect(rules.proposals(for: Fixtures.plainLead(["email": "sam@acme.io", "state": "Ontario"]))["territory"] == "north-america")
        #expect(rules.proposals(for: Fixtures.plainLead(["email": "sam@acme.de", "country": "Deutschland"]))["territory"] == "dach")
        #expect(rules.proposals(for: Fixtures.plainLead(["email": "sam@acme.fr", "country": "France"]))["territory"] == nil)
        // An entered country is not replaced by the one a state implies.
        var lead = Fixtures.plainLead(["email": "sam@acme.io", "country": "United States", "state": "NY"])
        let fills = EnrichmentChain(enrichers: [rules]).apply(to: &lead, now: Fixtures.now)
        #expect(!fills.contains { $0.field == "country" })
        #expect(lead.fields["country"] == "United States")
    }

    @Test("firmographics are looked up by the company domain; a free-mail lead gets nothing")
    func firmographics() {
        let table = FirmographicsEnricher(source: "csv", companies: ["acme.io": ["industry": "Technology"]])
        #expect(table.proposals(for: Fixtures.plainLead(["email": "pat@ACME.io"])) == ["industry": "Technology"])
        #expect(table.proposals(for: Fixtures.plainLead(["email": "pat@gmail.com"])) == [:])
        #expect(table.proposals(for: Fixtures.plainLead(["email": "pat@gmail.com", "website": "acme.io"])) == ["industry": "Technology"])
    }

    @Test("the pipeline scores and routes the enriched lead and plans the provenance once; a repeat cycle plans none")
    func pipeline() {
        let settings = EnrichmentSettings(order: [.rules, .csv, .provider], territories: ["northeast": ["US-MA"]],
                                          csvCompanies: ["northwind.io": ["employees": "1200"]])
        let pipeline = Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps,
                                enrichment: settings)
        let contact = Fixtures.contact("61", ["email": "morgan@northwind.io", "firstname": "Morgan", "lastname": "Reyes", "jobtitle": "VP Ops",
                                              "state": "MA", "lifecyclestage": "lead"])
        var input = PipelineInput(records: [contact], activities: [Fixtures.demoRequest("61")], now: Fixtures.now)
        input.providerCompanies = ["northwind.io": ["industry": "Healthcare", "employees": "5"]]
        let plan = pipeline.plan(input)
        let fills: [EnrichedValue] = plan.changes.compactMap { change -> [EnrichedValue]? in
            if case .enrich(let fills) = change.action { fills } else { nil }
        }.first ?? []
        let bySource = Dictionary(uniqueKeysWithValues: fills.map { ($0.field, $0.source) })
        #expect(bySource["employees"] == "csv")
        #expect(bySource["industry"] == "provider")
        #expect(bySource["territory"] == "rules")
        let score = plan.changes.compactMap { if case .score(let score) = $0.action { score } else { nil } }.first
        // target-size (20) needs the CSV's employees; target-sector (15) the provider's industry.
        #expect(score?.fit.map(\.rule).sorted() == ["senior-title", "target-sector", "target-size"])
        let routed = plan.changes.compactMap { if case .assign(let decision) = $0.action { decision } else { nil } }.first
        #expect(routed?.rule == "healthcare")

        // Next cycle with the provenance stored: nothing new to record.
        input.enriched = [PersonKey.email("morgan@northwind.io"): Dictionary(uniqueKeysWithValues: fills.map { ($0.field, $0) })]
        input.previousScores = [PersonKey.email("morgan@northwind.io"): score?.total ?? 0]
        input.assignments = [PersonKey.email("morgan@northwind.io"): "ana"]
        #expect(!pipeline.plan(input).changes.contains { if case .enrich = $0.action { true } else { false } })
    }

    @Test("without an enrichment block nothing is filled and nothing is planned")
    func disabled() {
        let pipeline = Pipeline(mapping: Fixtures.mapping, scoring: Fixtures.scoring, routing: Fixtures.routing, reps: Fixtures.reps)
        let plan = pipeline.plan(PipelineInput(records: [Fixtures.contact("61", ["email": "morgan@northwind.io", "state": "MA"])], now: Fixtures.now))
        #expect(!plan.changes.contains { if case .enrich = $0.action { true } else { false } })
    }
}
