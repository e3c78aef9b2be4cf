import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
@testable import LeadRelayCRM
import Synchronization
import LeadRelayHTTP

/// Records requested sleeps instead of sleeping, so retry and rate-limit waits are asserted without waiting.
final class SleepRecorder: Sendable {
    private let slept = Mutex<[Double]>([])
    var seconds: [Double] { slept.withLock { $0 } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { duration in
            let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            self.slept.withLock { $0.append(value) }
        }
    }
}

struct Connectors: Sendable {
    var hubspot: HubSpotConnector
    var salesforce: SalesforceConnector
    var hubspotSleeps: SleepRecorder
    var hubspotGateSleeps: SleepRecorder
    var salesforceSleeps: SleepRecorder
}

/// Starts a simulator, seeds it, and builds both connectors against it over loopback.
func withConnectors<T: Sendable>(people: Int = 0, seed: UInt64 = 3,
                                 _ body: @escaping @Sendable (CRMSimulator, Connectors) async throws -> T) async throws -> T {
    let simulator = CRMSimulator()
    if people > 0 { _ = try await SeedGenerator(options: .init(seed: seed, people: people)).populate(simulator.state) }
    return try await simulator.withRunningInSlot { endpoints in
        let credentials = simulator.state.credentials
        let transport = AsyncHTTPClientTransport()
        let hubspotSleeps = SleepRecorder(), gateSleeps = SleepRecorder(), salesforceSleeps = SleepRecorder()
        let hubspot = HubSpotConnector(client: APIClient(
            system: .hubspot, transport: transport,
            auth: StaticTokenProvider(token: Secret(credentials.hubspotToken), baseURL: endpoints.hubspotBaseURL),
            gate: RateLimitGate(sleep: gateSleeps.sleep), sleep: hubspotSleeps.sleep, jitter: { 0.5 }))
        let salesforce = SalesforceConnector(client: APIClient(
            system: .salesforce, transport: transport,
            auth: SalesforceClientCredentials(loginURL: endpoints.salesforceLoginURL, clientID: Secret(credentials.salesforceClientID),
                                              clientSecret: Secret(credentials.salesforceClientSecret), transport: transport),
            sleep: salesforceSleeps.sleep, jitter: { 0.5 }), apiVersion: "v62.0")
        return try await body(simulator, Connectors(hubspot: hubspot, salesforce: salesforce, hubspotSleeps: hubspotSleeps,
                                                    hubspotGateSleeps: gateSleeps, salesforceSleeps: salesforceSleeps))
    }
}

let leadFields = ["email", "firstname", "lastname", "company", "jobtitle", "state", "industry", "numemployees"]
let salesforceLeadFields = ["Email", "FirstName", "LastName", "Company", "Title", "State", "Industry", "NumberOfEmployees"]

/// Passes requests through and calls `after` with the number of responses served so far (a seam for interleaving).
final class HookedTransport: HTTPTransport {
    let inner: any HTTPTransport
    let counter = Mutex(0)
    let after: @Sendable (Int) async -> Void

    init(inner: any HTTPTransport, after: @escaping @Sendable (Int) async -> Void) {
        self.inner = inner
        self.after = after
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let response = try await inner.send(request)
        let count = counter.withLock { value -> Int in
            value += 1
            return value
        }
        await after(count)
        return response
    }
}
