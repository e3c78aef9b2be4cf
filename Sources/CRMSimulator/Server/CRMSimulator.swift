import Foundation
import HTTPTypes
import Hummingbird
import LeadRelayCore
import Logging
import Synchronization

/// HubSpot-style and Salesforce-style APIs plus a Slack-style webhook sink, on one loopback port.
///
/// Paths do not overlap (`/crm/v3`, `/services/…`, `/hooks/slack`), so one
/// server stands in for all three hosts; the base URLs it reports differ only
/// in meaning, which keeps each connector's configuration realistic.
public struct CRMSimulator: Sendable {
    public let state: SimulatorState

    /// The URLs and secrets a client needs, known once the server listens.
    public struct Endpoints: Sendable, Hashable {
        public var port: Int
        public var baseURL: URL
        public var hubspotBaseURL: URL { baseURL }
        public var salesforceLoginURL: URL { baseURL }
        public var slackWebhookURL: URL { baseURL.appendingPathComponent("hooks/slack") }
        /// Slack's Web API (`…/chat.postMessage`).
        public var slackAPIURL: URL { baseURL.appendingPathComponent("slack/api") }
        /// The Twilio-style API root (`…/2010-04-01/Accounts/{sid}/Messages.json`).
        public var smsBaseURL: URL { baseURL.appendingPathComponent("twilio") }
        /// The enrichment provider (`GET …/v1/companies/{domain}`).
        public var enrichmentBaseURL: URL { baseURL.appendingPathComponent("enrichment") }

        public init(port: Int, baseURL: URL) {
            self.port = port
            self.baseURL = baseURL
        }
    }

    public init(state: SimulatorState) { self.state = state }

    /// A simulator with fresh random credentials.
    public init() {
        self.init(state: SimulatorState(credentials: .init(
            hubspotToken: "pat-na1-" + UUID().uuidString.lowercased(),
            salesforceClientID: "3MVG9sim" + String(UInt32.random(in: 1...UInt32.max), radix: 36),
            salesforceClientSecret: UUID().uuidString.replacingOccurrences(of: "-", with: ""))))
    }

    /// Serves until the surrounding task is cancelled.
    ///
    /// - Parameters:
    ///   - host: address to bind; keep the default loopback address.
    ///   - port: 0 picks a free port; `onReady` receives the real one.
    public func run(host: String = "127.0.0.1", port: Int = 0, logger: Logger? = nil,
                    onReady: @escaping @Sendable (Endpoints) async -> Void) async throws {
        let boundURL = BoundURL()
        let router = Hummingbird.Router()
        HubSpotRoutes(state: state).register(on: router)
        SalesforceRoutes(state: state).register(on: router) { boundURL.value }
        ControlRoutes(state: state).register(on: router)
        EnrichmentRoutes(state: state).register(on: router)
        SlackRoutes(state: state).register(on: router)
        SMSRoutes(state: state).register(on: router)
        var quiet = logger ?? Logger(label: "leadrelay.simulator")
        if logger == nil { quiet.logLevel = .critical }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "crm-simulator"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? port
                let url = URL(string: "http://\(host):\(port)")!
                boundURL.set(url.absoluteString)
                await onReady(Endpoints(port: port, baseURL: url))
            },
            logger: quiet
        )
        try await app.run()
    }

    /// Runs the simulator for the duration of `body`, then stops it.
    public func withRunning<T: Sendable>(_ body: @escaping @Sendable (Endpoints) async throws -> T) async throws -> T {
        let (stream, continuation) = AsyncStream<Endpoints>.makeStream()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await run { continuation.yield($0); continuation.finish() }
                return nil
            }
            var iterator = stream.makeAsyncIterator()
            guard let endpoints = await iterator.next() else {
                throw CancellationError()
            }
            let result = try await body(endpoints)
            group.cancelAll()
            while let _ = try await group.next() {}
            return result
        }
    }
}

/// The base URL once the server has bound, read by the token endpoint for `instance_url`.
final class BoundURL: Sendable {
    private let stored = Mutex("")

    var value: String { stored.withLock { $0 } }
    func set(_ value: String) { stored.withLock { $0 = value } }
}
