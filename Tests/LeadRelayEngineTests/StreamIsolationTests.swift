import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayEngine
import LeadRelayTestSupport
import Synchronization
import Testing

/// A real connector whose poll of one stream fails while `failing` is set (a broken object, a proxy in the way, one CRM
/// down).
final class Flaky: CRMConnector {
    enum Stream { case leads, accounts }
    let inner: any CRMConnector
    let stream: Stream
    let failing = Mutex(true)
    let attempts = Mutex(0)
    init(_ inner: any CRMConnector, failing stream: Stream) {
        self.inner = inner
        self.stream = stream
    }
    var system: CRMSystem { inner.system }
    func fail(_ which: Stream) throws(CRMError) {
        guard which == stream else { return }
        attempts.withLock { $0 += 1 }
        if failing.withLock({ $0 }) { throw .unavailable(system: system, attempts: 5, lastError: which == .leads ? "HTTP 502" : "HTTP 503") }
    }
    func pollLeads(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        try fail(.leads)
        return try await inner.pollLeads(since: since, lookback: lookback, fields: fields)
    }
    func pollDeletedLeads(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        try await inner.pollDeletedLeads(since: since, lookback: lookback, fields: fields)
    }
    func fetchLeads(ids: [String], fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> { try await inner.fetchLeads(ids: ids, fields: fields) }
    func pollAccounts(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        try fail(.accounts)
        return try await inner.pollAccounts(since: since, lookback: lookback, fields: fields)
    }
    func pollAccountMembers(_ kind: AccountMember.Kind, since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<AccountMember> {
        try await inner.pollAccountMembers(kind, since: since, lookback: lookback)
    }
    func pollActivities(since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity> {
        try await inner.pollActivities(since: since, lookback: lookback)
    }
    func pollSource(_ source: ActivitySource, since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity> {
        try await inner.pollSource(source, since: since, lookback: lookback)
    }
    func fieldSchema(object: String) async throws(CRMError) -> [CRMFieldSchema] { try await inner.fieldSchema(object: object) }
    func sampleRecords(object: String, fields: [String], limit: Int) async throws(CRMError) -> [SourceRecord] {
        try await inner.sampleRecords(object: object, fields: fields, limit: limit)
    }
    func owners() async throws(CRMError) -> [CRMOwner] { try await inner.owners() }
    func apply(_ writes: [RecordWrite]) async throws(CRMError) -> [WriteOutcome] { try await inner.apply(writes) }
}

@Suite("A stream that fails is backed off on its own")
struct StreamIsolationTests {
    @Test("a portal below Enterprise has no events API: that stream is switched off with one warning, asked once, and the rest goes on")
    func eventsNotInTier() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 8, people: 60)).populate(simulator.state)
        await simulator.state.setHubSpotTier(.professional)
        let logs = CapturedLogs()
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.configure(endpoints, credentials: simulator.state.credentials)
            let daemon = try await Daemon.start(try ConfigurationLoader(environment: [:]).load(workspace.configPath), logger: logs.logger())
            let before = await simulator.state.requests(.hubspot)
            let first = try await daemon.engine.runCycle()
            #expect(first.streams.contains { $0.stream == "hubspot.contacts" && $0.read > 0 }, "leads are read")
            #expect(first.streams.contains { $0.stream == "salesforce.Lead" && $0.read > 0 })
            let problem = try #require(first.streamProblems.first { $0.stream == "hubspot.activities" })
            #expect(problem.state == .off && problem.reason.contains("MISSING_SCOPES"))
            #expect(problem.retryAt.timeIntervalSinceNow > 3600, "asked again hours later, not every cycle")
            #expect(try await daemon.store.counts()["identity_links", default: 0] > 50, "the cycle committed its links")
            _ = try await daemon.engine.runCycle()
            _ = try await daemon.engine.runCycle()
            let warnings = logs.all.filter { $0.contains("no access to this stream") }
            #expect(warnings.count == 1, "one warning, not one per cycle: \(warnings.count)")
            #expect(logs.all.filter { $0.contains("refused the credentials") }.isEmpty, "a missing scope on an optional API is not a credential failure")
            // Three cycles, one events call: the other calls are the leads, accounts, owners and sweeps.
            #expect(await simulator.state.requests(.hubspot) - before < 30)
        }
    }

    @Test("a failing stream is backed off and reported while the others go on; once readable it is read again from its watermark")
    func backoff() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 9, people: 60)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.configure(endpoints, credentials: simulator.state.credentials)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            let real = try ConnectorFactory.connectors(configuration)
            let flaky = Flaky(real[1], failing: .accounts)
            let daemon = try await Daemon.start(configuration, connectors: [real[0], flaky])
            let first = try await daemon.engine.runCycle()
            #expect(first.streams.contains { $0.stream == "salesforce.Lead" && $0.read > 0 }, "leads go on")
            let problem = try #require(first.streamProblems.first { $0.stream == "salesforce.accounts" })
            #expect(problem.state == .backingOff && problem.reason.contains("503"))
            #expect(try await daemon.store.watermark(StreamID(.salesforce, "accounts")) == nil, "nothing of the failed stream is marked read")
            // Within the backoff the stream is not asked again.
            _ = try await daemon.engine.runCycle()
            #expect(flaky.attempts.withLock { $0 } == 1)
            flaky.failing.withLock { $0 = false }
            try await Task.sleep(for: .seconds(1.2))
            let recovered = try await daemon.engine.runCycle()
            #expect(flaky.attempts.withLock { $0 } == 2)
            #expect(!recovered.streamProblems.contains { $0.stream.hasPrefix("salesforce.") }, "\(recovered.streamProblems)")
            #expect(recovered.streams.contains { $0.stream == "salesforce.accounts" && $0.read > 0 })
            #expect(try await daemon.store.watermark(StreamID(.salesforce, "accounts")) != nil)
        }
    }
}

@Suite("One CRM's leads failing")
struct LeadStreamIsolationTests {
    @Test("HubSpot's lead poll failing: Salesforce's leads still commit, nobody is routed on half the picture; once HubSpot reads again the MQLs are routed")
    func oneSideDown() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 11, people: 150)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.configure(endpoints, credentials: simulator.state.credentials)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            let real = try ConnectorFactory.connectors(configuration)
            let flaky = Flaky(real[0], failing: .leads)
            let daemon = try await Daemon.start(configuration, connectors: [flaky, real[1]])
            let down = try await daemon.engine.runCycle()
            #expect(down.catchingUp == [.hubspot])
            #expect(down.streamProblems.contains { $0.stream == "hubspot.contacts" && $0.state == .backingOff && $0.reason.contains("502") })
            let again = try await daemon.engine.runCycle()
            #expect(again.catchingUp == [.hubspot], "a lead stream is tried again every cycle, not left for a backoff")
            #expect(down.streams.contains { $0.stream == "salesforce.Lead" && $0.read > 0 }, "Salesforce's leads are read")
            #expect(try await daemon.store.watermark(StreamID(.salesforce, "Lead")) != nil, "and committed")
            #expect(try await daemon.store.watermark(StreamID(.hubspot, "contacts")) == nil, "nothing of HubSpot's is marked read")
            #expect(down.plan.assignments.isEmpty && !down.plan.writes.contains { $0.operation == .create })
            flaky.failing.withLock { $0 = false }
            let up = try await daemon.engine.runCycle()
            #expect(up.catchingUp.isEmpty && !up.streamProblems.contains { $0.stream == "hubspot.contacts" })
            #expect(!up.plan.assignments.isEmpty, "routed once both CRMs are read")
        }
    }
}
