import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
import LeadRelayCRM
@testable import LeadRelayEngine
import Synchronization
import Testing
import LeadRelayHTTP

@Suite("Enrichment configuration")
struct EnrichmentConfigurationTests {
    @Test("rules, a firmographics CSV and a provider load in order; territories and overwrite are kept")
    func loads() throws {
        let workspace = try TestWorkspace()
        try workspace.write("firmographics.csv", "domain,industry,employees,company\r\nhttps://www.Acme.io/,Technology,\"1,200\",Acme\nglobex.com,Retail,,\n")
        try workspace.write("credentials/enrich", "key-1")
        try workspace.configure(nil, credentials: nil, extra: """
enrichment:
  order: [csv, rules, provider]
  rules: { territories: { northeast: [US-MA, us-ny], dach: [DE, AT, CH] } }
  csv: { file: firmographics.csv }
  provider: { baseURL: "http://127.0.0.1:9/enrichment", tokenFile: credentials/enrich, cacheFor: 7d, perSecond: 3 }
  overwrite: [industry]
""")
        let loaded = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
        #expect(loaded.enrichment.order == [.csv, .rules, .provider])
        #expect(loaded.enrichment.territories["northeast"] == ["US-MA", "US-NY"])
        #expect(loaded.enrichment.csvCompanies["acme.io"] == ["industry": "Technology", "employees": "1200", "company": "Acme"])
        #expect(loaded.enrichment.csvCompanies["globex.com"] == ["industry": "Retail"])
        #expect(loaded.enrichment.overwrite == ["industry"])
        #expect(loaded.enrichmentProvider?.token.value == "key-1")
        #expect(loaded.enrichmentProvider?.cacheFor == TimeInterval(7 * 86_400))
        #expect(loaded.enrichmentProvider?.perSecond == 3)
    }

    @Test("without order, the configured sources run as rules, csv, provider")
    func defaultOrder() throws {
        let workspace = try TestWorkspace()
        try workspace.write("firmographics.csv", "domain,industry\nacme.io,Technology\n")
        try workspace.configure(nil, credentials: nil, extra: "enrichment: { csv: { file: firmographics.csv } }")
        #expect(try ConfigurationLoader(environment: [:]).load(workspace.configPath).enrichment.order == [.rules, .csv])
    }

    @Test("a bad firmographics file is reported by file, line and column name; every problem at once")
    func badCSV() throws {
        let workspace = try TestWorkspace()
        try workspace.write("firmographics.csv", "domain,industry,employees,revenu\nacme.io,Technology,many,\nnot a domain,,,\nACME.io,Retail,3,\nshort,row\n")
        try workspace.configure(nil, credentials: nil, extra: "enrichment: { csv: { file: firmographics.csv } }")
        do {
            _ = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            Issue.record("a bad firmographics file must fail")
        } catch {
            let text = error.description
            #expect(text.contains("firmographics.csv:1"), "unknown column, at the header")
            #expect(text.contains("'revenu' is not a field"))
            #expect(text.contains("firmographics.csv:2") && text.contains("'many' is not a number"))
            #expect(text.contains("firmographics.csv:3") && text.contains("'not a domain' is not a web domain"))
            #expect(text.contains("firmographics.csv:4") && text.contains("acme.io already has a row (line 2)"))
            #expect(text.contains("firmographics.csv:5") && text.contains("2 cells where the header has 4"))
        }
    }

    @Test("order, territories, overwrite and the provider are checked with their place in leadrelay.yaml")
    func badBlock() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil, extra: """
enrichment:
  order: [rules, magic, provider]
  rules: { territories: { east: [US-MA, XX], west: [US-CA, us-ma] } }
  provider: { baseURL: "ftp://x", perSecond: 0 }
  overwrite: [industry, shoeSize]
""")
        do {
            _ = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            Issue.record("a bad enrichment block must fail")
        } catch {
            let text = error.description
            #expect(text.contains("enrichment.order.1") && text.contains("unknown source 'magic'"))
            #expect(text.contains("'XX' is not an ISO 3166"))
            #expect(text.contains("'us-ma' is already in territory 'east'"))
            #expect(text.contains("enrichment.provider.baseURL") && text.contains("'ftp://x' is not an http(s) URL"))
            #expect(text.contains("enrichment.provider.perSecond"))
            #expect(text.contains("name exactly one of tokenEnv or tokenFile"))
            #expect(text.contains("enrichment.overwrite.1") && text.contains("'shoeSize' is not a field"))
            #expect(text.contains("leadrelay.yaml:"))
        }
    }

    @Test("a misspelt enrichment key is caught")
    func misspelt() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil, extra: "enrichment: { overwrites: [industry] }")
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: [:]).load(workspace.configPath) }
    }
}

/// A simulator with a provider and a client for it over loopback (sleeps recorded, not slept).
func withProvider<T: Sendable>(_ body: @escaping @Sendable (CRMSimulator, CRMSimulator.Endpoints) async throws -> T) async throws -> T {
    let simulator = CRMSimulator()
    await simulator.state.setEnrichmentCompany(domain: "acme.io", ["name": "Acme", "industry": "Technology", "employees": 1200, "country": "US"])
    return try await simulator.withRunningInSlot { endpoints in try await body(simulator, endpoints) }
}

@Suite("Enrichment provider over loopback")
struct EnrichmentProviderTests {
    func client(_ endpoints: CRMSimulator.Endpoints, token: String = "enrich-sim-key", perSecond: Int = 50) -> EnrichmentProviderClient {
        EnrichmentProviderClient(baseURL: endpoints.enrichmentBaseURL, token: Secret(token), transport: AsyncHTTPClientTransport(),
                                 perSecond: perSecond, timeout: 60, sleep: { _ in }, jitter: { 0 })
    }

    @Test("a known domain answers in canonical names; an unknown one is nil")
    func lookup() async throws {
        try await withProvider { simulator, endpoints in
            let found = try await client(endpoints).lookup("acme.io")
            #expect(found == ["company": "Acme", "industry": "Technology", "employees": "1200", "country": "US"])
            #expect(try await client(endpoints).lookup("nobody.example") == nil)
            #expect(await simulator.state.enrichmentRequests == 2)
        }
    }

    @Test("a refused key is an error of its own, asked once")
    func refused() async throws {
        try await withProvider { simulator, endpoints in
            await #expect(throws: EnrichmentProviderError.self) { try await client(endpoints, token: "wrong").lookup("acme.io") }
            #expect(await simulator.state.enrichmentRequests == 1)
        }
    }

    @Test("a 503 is retried; a provider that stays down is unavailable after the attempts")
    func retries() async throws {
        try await withProvider { simulator, endpoints in
            await simulator.state.injectEnrichmentFaults([.serverError])
            let recovered = try await client(endpoints).lookup("acme.io")
            #expect(recovered?["company"] == "Acme")
            await simulator.state.injectEnrichmentFaults([.serverError, .serverError, .serverError])
            do {
                _ = try await client(endpoints).lookup("acme.io")
                Issue.record("three 503s must give up")
            } catch {
                #expect(error as? EnrichmentProviderError == .unavailable("3 attempts, last: HTTP 503"))
            }
            #expect(await simulator.state.enrichmentRequests == 5)
        }
    }

    @Test("paced at its own perSecond, a burst of lookups meets no 429")
    func pacing() async throws {
        try await withProvider { simulator, endpoints in
            await simulator.state.setEnrichmentPerSecond(4)
            let paced = EnrichmentProviderClient(baseURL: endpoints.enrichmentBaseURL, token: Secret("enrich-sim-key"),
                                                 transport: AsyncHTTPClientTransport(), perSecond: 4, timeout: 60)
            for index in 0..<10 { _ = try await paced.lookup("d\(index).example") }
            #expect(await simulator.state.enrichmentRateLimited == 0)
            #expect(await simulator.state.enrichmentRequests == 10)
        }
    }

    @Test("a 429 holds the next lookups for Retry-After instead of hammering")
    func rateLimited() async throws {
        try await withProvider { simulator, endpoints in
            await simulator.state.setEnrichmentPerSecond(1)
            let eager = EnrichmentProviderClient(baseURL: endpoints.enrichmentBaseURL, token: Secret("enrich-sim-key"),
                                                 transport: AsyncHTTPClientTransport(), perSecond: 100, timeout: 60)
            let started = ContinuousClock.now
            for index in 0..<3 { _ = try await eager.lookup("d\(index).example") }
            // Each 429 held the gate ≥ 1 s: three lookups through a 1/s limit take at least two seconds, with few 429s.
            #expect(ContinuousClock.now - started >= .seconds(2))
            #expect(await simulator.state.enrichmentRateLimited <= 3)
        }
    }
}

@Suite("Enrichment in the sync cycle")
struct EnrichmentCycleTests {
    @Test("the cycle asks the provider once per domain, caches answers in the store, records provenance; a dry run only reads the cache")
    func cycle() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 11, people: 60)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.write("credentials/enrich", simulator.state.credentials.enrichmentToken)
            try workspace.configure(endpoints, credentials: simulator.state.credentials, extra: """
enrichment:
  rules: { territories: { east: [US-MA, US-NY, US-NJ, US-PA] } }
  provider: { baseURL: "\(endpoints.enrichmentBaseURL.absoluteString)", tokenFile: credentials/enrich, cacheFor: 1h, perSecond: 50 }
""")
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            let store = try Daemon.openStore(at: configuration.storePath)
            let connectors = try ConnectorFactory.connectors(configuration)
            var now = Date()
            let clock = SettableClock(now)
            let engine = try await Daemon.start(configuration, store: store, connectors: connectors, clock: { clock.now }).engine

            // A sign-up with nothing but a name and a work address, at a company the provider knows.
            await simulator.state.setEnrichmentCompany(domain: "initech.example", [
                "name": "Initech", "industry": "Technology", "employees": 4200, "country": "US", "state": "NY"])
            _ = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "pat@initech.example", "firstname": "Pat"])
            // A dry run asks nothing and writes nothing.
            _ = try await engine.plan()
            #expect(await simulator.state.enrichmentRequests == 0)

            let first = try await engine.runCycle()
            let asked = await simulator.state.enrichmentRequests
            #expect(asked > 0)
            let fills = first.plan.changes.flatMap { change -> [EnrichedValue] in
                if case .enrich(let fills) = change.action { fills } else { [] }
            }
            let pat = first.plan.changes.first { $0.person == PersonKey.email("pat@initech.example") && { if case .enrich = $0 { true } else { false } }($0.action) }
            let patFills: [String: String] = {
                guard case .enrich(let fills)? = pat?.action else { return [:] }
                return Dictionary(uniqueKeysWithValues: fills.map { ("\($0.source).\($0.field)", $0.value) })
            }()
            #expect(patFills["provider.company"] == "Initech")
            #expect(patFills["provider.industry"] == "Technology")
            #expect(patFills["provider.employees"] == "4200")
            #expect(patFills["rules.sizeBand"] == "1001-5000", "the second pass derives the band from the provider's count")
            #expect(patFills["rules.territory"] == "east", "the provider's state places the person")
            #expect(fills.contains { $0.source == "rules" && $0.field == "territory" && $0.value == "east" })
            let answers = try await store.providerAnswers(["nobody-knows-this.example"] + ProviderLookup.domains(of: first.commit.snapshots, mapping: configuration.mapping))
            #expect(answers.count == asked, "every answer is cached, unknown domains included")

            // Provenance is stored: the same people again plan no enrichment change and ask nothing.
            let person = try #require(first.plan.changes.first { if case .enrich(let f) = $0.action { !f.isEmpty } else { false } }?.person)
            let stored = try await store.people([person]).enriched[person]
            #expect(stored?.isEmpty == false)
            #expect(stored?.values.allSatisfy { abs($0.filledAt.timeIntervalSince(now)) < 0.001 } == true)

            // Touch everyone (a mapping change back-fills): cached answers serve, nothing is asked.
            now = now.addingTimeInterval(60)
            clock.now = now
            let fingerprint = configuration.mapping.fingerprint
            #expect(!fingerprint.isEmpty)
            var changed = CycleCommit(plan: Plan(generatedAt: now))
            changed.mappingFingerprint = "changed"
            try await store.commit(changed, at: now)
            let second = try await engine.runCycle()
            #expect(second.backfill)
            #expect(await simulator.state.enrichmentRequests == asked)
            #expect(!second.plan.changes.contains { if case .enrich = $0.action { true } else { false } }, "\(second.plan.changes.filter { if case .enrich = $0.action { true } else { false } }.prefix(3).map { $0.reason.text })")

            // Past cacheFor the provider is asked again.
            now = now.addingTimeInterval(7200)
            clock.now = now
            changed.mappingFingerprint = "changed-again"
            try await store.commit(changed, at: now)
            _ = try await engine.runCycle()
            #expect(await simulator.state.enrichmentRequests == asked * 2)
        }
    }

    @Test("a provider that is down leaves the cycle to finish with the other sources; nothing is cached for it")
    func providerDown() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 11, people: 30)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.write("credentials/enrich", "not-the-key")
            try workspace.configure(endpoints, credentials: simulator.state.credentials, extra: """
enrichment:
  provider: { baseURL: "\(endpoints.enrichmentBaseURL.absoluteString)", tokenFile: credentials/enrich }
""")
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            let daemon = try await Daemon.start(configuration)
            let (store, engine) = (daemon.store, daemon.engine)
            let result = try await engine.runCycle()
            #expect(result.changedRecords > 0)
            #expect(await simulator.state.enrichmentRequests == 1, "a refused key stops the lookups at once")
            #expect(try await store.providerAnswers(["acme.io"]).isEmpty)
            #expect(result.plan.changes.contains { if case .enrich(let fills) = $0.action { fills.contains { $0.source == "rules" } } else { false } })
        }
    }
}

/// A settable clock for the engine.
final class SettableClock: Sendable {
    private let value: Mutex<Date>
    init(_ date: Date) { value = Mutex(date) }
    var now: Date {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
