import Foundation
import LeadRelayCore
import LeadRelayCRM
import Logging
import Metrics

/// One cycle: collect changes from both CRMs since their watermarks, load what the store knows of the people touched
/// (one read transaction), plan (pure), and (unless dry) commit snapshots, watermarks and plan in one transaction.
public struct SyncEngine: Sendable {
    public let configuration: LoadedConfiguration
    let connectors: [any CRMConnector]
    let store: any CycleReadSide & CycleCommitting & TimerQueue
    let clock: @Sendable () -> Date
    let logger: Logger
    let owners: OwnerCache
    let provider: ProviderLookup?
    /// Optional streams that failed or that the account cannot use, backed off on their own.
    let health: StreamHealth

    /// - Parameter enrichmentClient: the provider client (default: built from `enrichment.provider` over AsyncHTTPClient).
    public init(configuration: LoadedConfiguration, connectors: [any CRMConnector], store: any CycleReadSide & CycleCommitting & ProviderCache & TimerQueue,
                clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "leadrelay.sync"),
                ownerCacheSeconds: TimeInterval = 600, enrichmentClient: EnrichmentProviderClient? = nil) {
        provider = configuration.enrichmentProvider.map { settings in
            ProviderLookup(client: enrichmentClient ?? ConnectorFactory.enrichmentClient(settings), settings: settings,
                           mapping: configuration.mapping, store: store, logger: logger)
        }
        self.configuration = configuration
        self.connectors = connectors
        self.store = store
        self.clock = clock
        self.logger = logger
        self.owners = OwnerCache(ttl: ownerCacheSeconds)
        self.health = StreamHealth(firstBackoff: configuration.pollInterval.seconds)
    }

    /// Polls and plans without changing anything (the store is only read).
    /// The enrichment provider is not asked: its cached answers serve.
    public func plan(source: ChangeSource = .poll) async throws -> CycleResult {
        try await pass(askProvider: false, source: source)
    }

    /// Polls, plans and commits. In observe-only mode (`mode.writes: false`) routing decisions are reported but not recorded.
    @discardableResult
    public func runCycle(source: ChangeSource = .poll) async throws -> CycleResult {
        let started = ContinuousClock.now
        var result = try await pass(askProvider: true, source: source)
        if !configuration.writesEnabled {
            result.commit.plan.changes.removeAll {
                switch $0.action {
                // Reconciled values are remembered only once they are written; observing must not pretend they were.
                case .assign, .write, .notify, .lifecycle, .reconcile, .duplicates: true
                case .link, .score, .enrich: false
                }
            }
            result.commit.plan.events.removeAll {
                switch $0.kind {
                case .scoreChanged, .ownerChangedByPerson: false
                default: true
                }
            }
            // Nobody was assigned, so no clock runs.
            result.commit.plan.timers.removeAll()
        }
        try await store.commit(result.commit, at: clock())
        let elapsed = started.duration(to: .now)
        Timer(label: "leadrelay_cycle_duration_seconds").recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        Counter(label: "leadrelay_assignments_total").increment(by: result.commit.plan.assignments.count)
        Counter(label: "leadrelay_echoes_suppressed_total").increment(by: result.echoesSuppressed)
        // 1 while routing names a stranded queue Salesforce does not have (alert on it: such leads wait unowned).
        if case .queue? = configuration.routing.stranded {
            Gauge(label: "leadrelay_stranded_queue_missing").record(result.strandedQueueProblem == nil ? 0 : 1)
        }
        for change in result.plan.changes {
            guard case .assign(let decision) = change.action else { continue }
            guard let reason = decision.strandedReason else { continue }
            if decision.repID == nil {
                // Routed again next cycle; each time it is counted and said, never silent.
                Counter(label: "leadrelay_stranded_total", dimensions: [("reason", reason), ("outcome", "unowned")]).increment()
                if let problem = result.strandedQueueProblem {
                    logger.error("An MQL could not be assigned: nobody can take it and the stranded queue is not in Salesforce.",
                                 metadata: ["lead": "\(change.subject)", "reason": "\(reason)", "problem": "\(problem)"])
                } else {
                    logger.warning("An MQL could not be assigned: nobody can take it and routing names no stranded owner.",
                                   metadata: ["lead": "\(change.subject)", "reason": "\(reason)", "why": "\(decision.reason)"])
                }
            } else if StrandedTarget.isQueue(decision.repID) {
                Counter(label: "leadrelay_stranded_total", dimensions: [("reason", reason), ("outcome", "queue")]).increment()
                logger.warning("An MQL nobody could take waits in the stranded queue.",
                               metadata: ["lead": "\(change.subject)", "reason": "\(reason)", "why": "\(decision.reason)"])
            } else {
                Counter(label: "leadrelay_stranded_total", dimensions: [("reason", reason), ("outcome", "stranded-owner")]).increment()
                logger.notice("An MQL nobody could take went to the stranded owner.",
                              metadata: ["lead": "\(change.subject)", "rep": "\(decision.repID ?? "")", "reason": "\(reason)"])
            }
        }
        if !result.rejected.isEmpty {
            logger.warning("Some CRM records could not be read and were skipped.", metadata: ["sync.rejected": "\(result.rejected.count)"])
        }
        // A cycle that changed nothing is not news: at a 1 s interval info would carry 86,400 such lines a day.
        let level: Logger.Level = result.changedRecords == 0 && result.commit.plan.changes.isEmpty && result.commit.plan.events.isEmpty ? .debug : .info
        var metadata: Logger.Metadata = [
            "sync.changed": "\(result.changedRecords)", "sync.assignments": "\(result.commit.plan.assignments.count)",
            "sync.changes": "\(result.commit.plan.changes.count)", "sync.echoes_suppressed": "\(result.echoesSuppressed)",
        ]
        if !result.catchingUp.isEmpty {
            metadata["sync.backlog"] = "\(result.catchingUp.map(\.rawValue).joined(separator: ","))"
            metadata["sync.held"] = "\(result.commit.plan.heldForBacklog.count)"
        }
        if !result.commit.released.isEmpty { metadata["sync.released"] = "\(result.commit.released.count)" }
        logger.log(level: level, result.catchingUp.isEmpty ? "Cycle committed." : "Cycle committed; not every lead is read yet, so routing waits.",
                   metadata: metadata)
        return result
    }

    /// One cycle's seams: collect (poll the declared streams), load (one read transaction), ask the enrichment
    /// provider (its own cache), then the pure plan.
    func pass(askProvider: Bool, source: ChangeSource) async throws -> CycleResult {
        let collected = try await collect(now: clock(), source: source)
        let loaded = try await load(collected)
        var providerCompanies: [String: [String: String]] = [:]
        if let provider, configuration.enrichment.order.contains(.provider) {
            providerCompanies = try await provider.answers(for: ProviderLookup.domains(of: Array(loaded.records.values),
                                                                                       mapping: configuration.mapping),
                                                           now: collected.now, ask: askProvider)
        }
        var result = Self.plan(collected, loaded, providerCompanies: providerCompanies, configuration: configuration)
        result.streamProblems = await health.problems()
        return result
    }

    /// A blocking key shared by more records than this is too common to compare on (a switchboard number).
    static let matchKeyLimit = 50

}
