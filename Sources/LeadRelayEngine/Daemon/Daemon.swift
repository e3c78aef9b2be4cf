import Foundation
import LeadRelayCore
import LeadRelayNotify
import LeadRelayCRM
import LeadRelayStore
import Logging
import ServiceLifecycle

/// The composition root: the one place that opens the store and wires connectors, engine, dispatcher and services
/// from a loaded configuration. `run`, `demo`, `reconcile`, `undo` and the tests build through it.
public struct Daemon: Sendable {
    public let configuration: LoadedConfiguration
    public let store: any StateStore
    public let connectors: [any CRMConnector]
    public let engine: SyncEngine
    public let dispatcher: OutboxDispatcher
    public let logger: Logger
    /// The wall clock the daemon stamps and plans with.
    let date: @Sendable () -> Date
    /// Features start-up switched off (fields missing in a CRM); reports list them.
    public internal(set) var disabledFeatures: [DisabledFeature] = []

    /// Opens (creating and migrating if needed) the embedded store at `path`.
    public static func openStore(at path: String) throws -> any StateStore {
        try SQLiteStateStore(path: path)
    }

    /// Wires the daemon. Tests may hand in their own store, connectors, notifier or clock; everything else comes from
    /// the configuration (the store at `storePath`, connectors and notifier as configured).
    public static func build(_ configuration: LoadedConfiguration, store: (any StateStore)? = nil, connectors: [any CRMConnector]? = nil,
                             notifier: (any Notifier)?? = nil, clock: @escaping @Sendable () -> Date = { Date() },
                             logger: Logger = Logger(label: "leadrelay"),
                             enrichmentClient: EnrichmentProviderClient? = nil) throws -> Daemon {
        let store = try store ?? openStore(at: configuration.storePath)
        let connectors = try connectors ?? ConnectorFactory.connectors(configuration, logger: logger)
        let engine = SyncEngine(configuration: configuration, connectors: connectors, store: store, clock: clock, logger: logger,
                                enrichmentClient: enrichmentClient)
        var dispatcher = OutboxDispatcher(store: store, connectors: connectors, notifier: notifier ?? ConnectorFactory.notifier(configuration),
                                          clock: clock, logger: logger)
        dispatcher.digest = configuration.digestPolicy
        return Daemon(configuration: configuration, store: store, connectors: connectors, engine: engine, dispatcher: dispatcher, logger: logger,
                      date: clock)
    }

    /// Checks the mapping against both live schemas (`Preflight`: a field that cannot work is a `ConfigurationError`
    /// with its file and line; a feature whose fields are missing is switched off with a warning), then wires the
    /// daemon with what can run. When the schemas cannot be read now, the configuration runs unchecked, with a warning.
    public static func start(_ configuration: LoadedConfiguration, store: (any StateStore)? = nil, connectors: [any CRMConnector]? = nil,
                             notifier: (any Notifier)?? = nil, clock: @escaping @Sendable () -> Date = { Date() },
                             logger: Logger = Logger(label: "leadrelay"),
                             enrichmentClient: EnrichmentProviderClient? = nil) async throws -> Daemon {
        let connectors = try connectors ?? ConnectorFactory.connectors(configuration, logger: logger)
        var checked = configuration
        var disabled: [DisabledFeature] = []
        do {
            let outcome = try await Preflight.run(configuration, connectors: connectors, logger: logger)
            checked = outcome.configuration
            disabled = outcome.disabled
            for finding in outcome.warnings where finding.code == "missing-queue" {
                logger.error("Routing's stranded queue is not in Salesforce: MQLs nobody can take will wait unassigned until it exists.",
                             metadata: ["where": "\(finding.file):\(finding.line.map(String.init) ?? "?")", "key": "\(finding.key)",
                                        "finding": "\(finding.message)"])
            }
        } catch let error as CRMError {
            if case .authentication = error { throw error }
            logger.warning("The live schemas could not be read; running the mapping unchecked.", metadata: ["error": "\(error)"])
        }
        var daemon = try build(checked, store: store, connectors: connectors, notifier: notifier, clock: clock, logger: logger,
                               enrichmentClient: enrichmentClient)
        daemon.disabledFeatures = disabled
        return daemon
    }

    /// One `Service` per loop, for one `ServiceGroup`: polling at the configured interval, and dispatch (woken by each
    /// commit, else at the same interval). Loops wait on `clock` (tests pass a manual one).
    public func services<C: Clock>(clock: C) -> [any Service] where C.Duration == Duration {
        let interval = configuration.pollInterval.duration
        let doorbell = Doorbell()
        let date = self.date
        let summary = ActivitySummary(period: configuration.summaryEvery, logger: logger)
        let memory = MemoryReturn(logger: logger)
        var services: [any Service] = [
            LoopService(name: "poll", interval: interval, clock: clock, date: date, logger: logger,
                        work: DaemonLoops.poll(engine, doorbell: doorbell, date: date, logger: logger, summary: summary, memory: memory)),
            LoopService(name: "dispatch", interval: interval, clock: clock, date: date, doorbell: doorbell, logger: logger,
                        work: DaemonLoops.dispatch(dispatcher, date: date, logger: logger, summary: summary, memory: memory)),
        ]
        // The SLA monitor: on a timer, not on CRM changes, so a breach is seen with every CRM quiet.
        if let sla = configuration.slaSettings {
            let monitor = SLAMonitor(settings: sla, routing: configuration.routing, store: store,
                                     configVersion: configuration.version.isEmpty ? nil : configuration.version, logger: logger)
            services.append(LoopService(name: "sla", interval: configuration.slaTick.duration, clock: clock, date: date, logger: logger,
                                        work: DaemonLoops.slaMonitor(monitor, doorbell: doorbell, date: date, logger: logger)))
        }
        // Text messages' later states, when the provider is told where to report them and LeadRelay where to listen.
        if let account = configuration.smsAccount, let callback = account.statusCallback,
           let listen = configuration.config.notify?.sms?.statusListen.flatMap(LeadRelayConfig.listenAddress) {
            services.append(SMSStatusReceiver(store: store, authToken: account.authToken, publicURL: callback, host: listen.host, port: listen.port,
                                              clock: date, logger: logger))
        }
        return services
    }

    /// The loops on the system's continuous clock.
    public func services() -> [any Service] { services(clock: ContinuousClock()) }
}
