import _CryptoExtras
import Foundation
import LeadRelayCore

/// Everything the simulated CRMs hold, plus what tests want to count.
///
/// An actor because the HTTP handlers of both systems and the test-side
/// control API touch it concurrently.
public actor SimulatorState {
    /// Credentials the simulator accepts.
    public struct Credentials: Sendable, Hashable {
        public var hubspotToken: String
        public var salesforceClientID: String
        public var salesforceClientSecret: String
        /// Accepted by the token endpoint's `refresh_token` grant.
        public var salesforceRefreshToken: String
        /// A HubSpot public (OAuth) app: `POST /oauth/v1/token` trades the refresh token for 30-minute access tokens.
        public var hubspotClientID: String
        public var hubspotClientSecret: String
        public var hubspotRefreshToken: String
        /// The enrichment provider's API key (`Authorization: Bearer …`).
        public var enrichmentToken: String
        /// The Slack app's bot token for the Web API (`chat.postMessage`, `Authorization: Bearer xoxb-…`).
        public var slackBotToken = "xoxb-1000000001-2000000002-simulatorbottoken"
        /// The Twilio-style account: Basic `AccountSid:AuthToken`, and the one number a new account has bought.
        public var twilioAccountSid = "AC5ef872f6da5a21de157d80997a64bd33"
        public var twilioAuthToken = "sim-twilio-auth-token-7d4f"
        public var twilioNumber = "+15017122661"

        public init(hubspotToken: String, salesforceClientID: String, salesforceClientSecret: String,
                    salesforceRefreshToken: String = "5Aep861sim.refresh",
                    hubspotClientID: String = "sim-hubspot-app", hubspotClientSecret: String = "sim-hubspot-secret",
                    hubspotRefreshToken: String = "na1-sim0-refresh", enrichmentToken: String = "enrich-sim-key") {
            self.enrichmentToken = enrichmentToken
            self.hubspotToken = hubspotToken
            self.salesforceClientID = salesforceClientID
            self.salesforceClientSecret = salesforceClientSecret
            self.salesforceRefreshToken = salesforceRefreshToken
            self.hubspotClientID = hubspotClientID
            self.hubspotClientSecret = hubspotClientSecret
            self.hubspotRefreshToken = hubspotRefreshToken
        }
    }

    /// A write the simulator applied, for tests and demo latency figures.
    public struct WriteEvent: Sendable, Hashable {
        public var at: Date
        public var system: CRMSystem
        public var object: String
        public var id: String
        public var fields: [String: String]
        public var created: Bool
    }

    /// A fault to answer the next matching request with, instead of serving it.
    public enum Fault: Sendable, Hashable {
        /// HubSpot 429 with the given policy name, `Retry-After` seconds when set.
        case hubspotRateLimit(policy: String, retryAfter: Int?)
        /// 503 with the system's error body.
        case serverError
        /// Serve the request normally, but only after this many seconds (client time-outs).
        case delay(seconds: Double)
        /// Carry the request out (a write is applied), then break the connection before the response: the client
        /// cannot tell whether it happened.
        case resetAfterApply
    }

    public nonisolated let credentials: Credentials
    let clock: @Sendable () -> Date

    // HubSpot
    /// Change only through `storeHubSpot`, which keeps `hubspotTimeOrder` true.
    private(set) var hubspotRecords: [String: [Int: HubSpotRecord]] = [:]
    /// Per type and time property: (epoch ms, id) of every record in ascending order, built on first search after a change.
    var hubspotTimeOrder: [String: [String: [(millis: Int64, id: Int)]]] = [:]
    /// Tests turn the time-ordered search off to check it against the plain scan.
    var hubspotSearchFastPath = true
    func setHubSpotSearchFastPath(_ on: Bool) { hubspotSearchFastPath = on }
    var hubspotNextID: [String: Int] = ["contacts": 101, "companies": 5001]
    var hubspotOwners: [HubSpotOwner] = []
    var hubspotProperties: [String: [HubSpotProperty]] = [:]
    /// The portal's subscription: the events API (page views, form submissions) is an Enterprise feature.
    var hubspotTier: HubSpotTier = .professional
    var hubspotScopesWithheld: Set<String> = []
    /// The org's sObject types as described now: the standard ones, plus custom fields created through the Tooling API.
    var salesforceTypes: [String: SalesforceObjectType] = SalesforceSchema.all
    var toolingCount = 0
    var hubspotEvents: [HubSpotEvent] = []
    /// `hubspotEvents` in (occurredAt, id) order, rebuilt after a change.
    var sortedEvents: [HubSpotEvent]?
    /// Live contacts by normalised email: uniqueness checks and upserts without scanning every record.
    var hubspotEmails: [String: Int] = [:]
    var apiUser: String?
    var hubspotPropertyIndex: [String: [String: HubSpotProperty]] = [:]
    /// Contact → company → association type ids (contact side: 1 primary, 279 unlabeled).
    var contactCompanies: [Int: [Int: Set<Int>]] = [:]
    /// Company → contacts, the reverse of `contactCompanies`.
    var companyContacts: [Int: Set<Int>] = [:]
    /// Engagement type (`calls`, `emails`, `meetings`) → engagement id → the contacts it is associated with.
    var engagementContacts: [String: [Int: Set<Int>]] = [:]

    // Salesforce
    var salesforceRecords: [String: [String: SalesforceRecord]] = [:]
    var salesforceNextNumber = 1000
    /// Issued Salesforce session id → when it was issued.
    var issuedTokens: [String: Date] = [:]
    /// The public key of the certificate uploaded to the connected app: JWT assertions must verify with it.
    var salesforceCertificate: _RSA.Signing.PublicKey?
    /// Seconds a Salesforce session lives (`nil`: until invalidated, as with the org's session timeout off).
    var salesforceSessionLifetime: Double?
    /// Issued HubSpot OAuth access token → when it expires.
    var hubspotAccessTokens: [String: Date] = [:]
    /// `expires_in` of HubSpot OAuth access tokens.
    var hubspotTokenLifetime: Double = 1800
    /// Open query cursors: the rendered rows and when the cursor was last read.
    var queryLocators: [String: (records: [SimJSON], touched: Date)] = [:]
    var queryLocatorCount = 0
    /// Seconds a query cursor survives unread (Salesforce: about 15 minutes).
    var queryLocatorIdle: Double = 900

    // Observations
    public private(set) var requestCount: [CRMSystem: Int] = [:]
    public private(set) var writeCallCount: [CRMSystem: Int] = [:]
    /// Responses that refused a call for pacing or quota (HubSpot 429, Salesforce 403 REQUEST_LIMIT_EXCEEDED).
    public private(set) var rateLimitedCount: [CRMSystem: Int] = [:]
    func countRateLimited(_ system: CRMSystem) { rateLimitedCount[system, default: 0] += 1 }
    public func rateLimited(_ system: CRMSystem) -> Int { rateLimitedCount[system, default: 0] }
    public private(set) var writes: [WriteEvent] = []
    public private(set) var slackMessages: [(at: Date, body: SimJSON)] = []
    var slackFaults: [SlackFault] = []
    var slackPaths: [String] = []
    var removedSlackHooks: Set<String> = []
    var slackRate: (perSecond: Double, burst: Int)?
    /// Channels the Slack app's bot is in (conversation ids `C…`/`G…`, or users `U…` it may message): none in a new workspace.
    var slackChannels: Set<String> = []
    var slackTimestamp = 0
    /// Text messages taken by the Twilio-style API, with their sid and the status they reached.
    public internal(set) var smsMessages: [SMSMessage] = []
    var smsFaults: [SlackFault] = []
    /// Numbers that replied STOP: sending to them is refused with 21610.
    var smsOptedOut: Set<String> = []
    var slackBuckets: [String: (tokens: Double, at: Date)] = [:]
    var pendingFaults: [CRMSystem: [Fault]] = [:]
    var hubspotTenSecondLimit: Int?
    var hubspotCallTimes: [Date] = []
    /// Search's own bucket (requests per second), separate from the ten-second one.
    var hubspotSearchPerSecond: Int?
    var hubspotSearchTimes: [Date] = []
    /// HubSpot's daily allowance; `nil` is unlimited.
    var hubspotDailyLimit: Int?
    var hubspotDailyUsed = 0
    /// Seconds a write takes to show up in search results.
    var hubspotIndexLag: Double = 0
    /// Merged-away contact id → surviving id.
    var hubspotMergedInto: [Int: Int] = [:]
    /// When true, a merge gives the survivor a brand-new id (recent HubSpot behaviour).
    var hubspotMergeAssignsNewID = false
    var salesforceDailyLimit = 100_000
    /// Seeded source of every random fault decision, so a failing run can be replayed.
    var faultRandom = SeededRandom(seed: 1)
    /// Per-record write failure rates by Salesforce status code (`UNABLE_TO_LOCK_ROW`: 0.1 …).
    var salesforceRecordFaults: [String: Double] = [:]
    /// Share of Salesforce writes committed "late": stamped this many seconds in the past.
    var salesforceLateCommit: (rate: Double, seconds: Double) = (0, 0)
    var faultPlans: [CRMSystem: FaultPlan] = [:]
    // Enrichment provider
    /// Domain → the provider's answer body.
    var enrichmentCompanies: [String: SimJSON] = [:]
    var enrichmentPerSecond: Int?
    var enrichmentCallTimes: [Date] = []
    var enrichmentFaults: [Fault] = []
    /// Lookups served (any status), and those answered 429.
    public internal(set) var enrichmentRequests = 0
    public internal(set) var enrichmentRateLimited = 0

    /// Batch results in an order that is not the input's (seeded, so a run replays).
    func shuffledForResponse<T>(_ items: [T]) -> [T] {
        var shuffled = items
        shuffled.shuffle(using: &faultRandom)
        return shuffled
    }

    /// Seeds every random fault decision (per-record failures, late commits) for a reproducible run.
    public func setFaultSeed(_ seed: UInt64) { faultRandom = SeededRandom(seed: seed) }

    public init(credentials: Credentials, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.credentials = credentials
        self.clock = clock
        self.hubspotProperties = HubSpotSchema.properties
    }

    /// Stores (or with `nil`, removes) a HubSpot record, and forgets the search orders of its type.
    func storeHubSpot(_ type: String, _ id: Int, _ record: HubSpotRecord?) {
        hubspotRecords[type, default: [:]][id] = record
        hubspotTimeOrder[type] = nil
    }

    /// Now, at HubSpot's millisecond precision.
    func now() -> Date {
        Self.millisecondPrecision(clock())
    }

    // MARK: Observation API for tests

    /// Write calls (POST/PATCH/PUT/DELETE that change data) per system; searches and queries do not count.
    public func writeCalls(_ system: CRMSystem) -> Int { writeCallCount[system, default: 0] }
    public func requests(_ system: CRMSystem) -> Int { requestCount[system, default: 0] }
    public func slackBodies() -> [SimJSON] { slackMessages.map(\.body) }
    public func slackTimes() -> [Date] { slackMessages.map(\.at) }
    /// Writes applied from the `index`-th on (a benchmark watching for one write need not copy them all each time).
    public func writes(from index: Int) -> ArraySlice<WriteEvent> { writes[min(max(index, 0), writes.count)...] }
    /// Slack messages received from the `index`-th on, with when each arrived.
    public func slackMessages(from index: Int) -> ArraySlice<(at: Date, body: SimJSON)> {
        slackMessages[min(max(index, 0), slackMessages.count)...]
    }

    /// Queues faults for the next requests to `system`, answered in order.
    public func inject(_ faults: [Fault], into system: CRMSystem) {
        pendingFaults[system, default: []].append(contentsOf: faults)
    }

    func takeFault(_ system: CRMSystem) -> Fault? {
        guard var queue = pendingFaults[system], !queue.isEmpty else { return nil }
        let fault = queue.removeFirst()
        pendingFaults[system] = queue
        return fault
    }

    func countRequest(_ system: CRMSystem, write: Bool) {
        requestCount[system, default: 0] += 1
        if write { writeCallCount[system, default: 0] += 1 }
    }

    /// A Slack fault to answer with: an HTTP status (429, 500) and, for 429, the `Retry-After` seconds.
    public struct SlackFault: Sendable, Hashable {
        public var status: Int
        /// The `Retry-After` header as sent (a malformed one too, to test clients against it).
        public var retryAfter: String?

        public init(status: Int, retryAfter: Int? = nil) {
            self.status = status
            self.retryAfter = retryAfter.map(String.init)
        }

        public init(status: Int, retryAfterText: String) {
            self.status = status
            self.retryAfter = retryAfterText
        }
    }

    /// Queues faults: the next Slack requests get them, in order, before any is taken.
    public func failSlack(_ faults: [SlackFault]) { slackFaults += faults }

    func nextSlackFault() -> SlackFault? { slackFaults.isEmpty ? nil : slackFaults.removeFirst() }

    func recordSlack(_ body: SimJSON, path: String = "/hooks/slack") {
        slackMessages.append((now(), body))
        slackPaths.append(path)
    }

    /// Slack's posting pace per webhook (about one message a second, short bursts tolerated): once set, a webhook that
    /// has no turn left answers 429 with `Retry-After` (whole seconds, at least 1). Off until set, like every fault knob.
    public func limitSlackRate(perSecond: Double, burst: Int) { slackRate = (perSecond, max(burst, 1)) }

    /// How many Slack requests the pace refused with 429.
    public private(set) var slackRateLimited = 0

    /// The wait before `path` may post again, taking a turn when it may post now (`nil`).
    func slackTurn(_ path: String) -> Int? {
        guard let rate = slackRate else { return nil }
        let instant = now()
        var bucket = slackBuckets[path] ?? (Double(rate.burst), instant)
        bucket.tokens = min(Double(rate.burst), bucket.tokens + max(instant.timeIntervalSince(bucket.at), 0) * rate.perSecond)
        bucket.at = instant
        defer { slackBuckets[path] = bucket }
        guard bucket.tokens >= 1 else {
            slackRateLimited += 1
            return max(Int(((1 - bucket.tokens) / rate.perSecond).rounded(.up)), 1)
        }
        bucket.tokens -= 1
        return nil
    }

    /// Removes a webhook (`/hooks/slack/…`): it answers 404 `no_service` from now on.
    public func removeSlackHook(_ path: String) { removedSlackHooks.insert(path) }

    func isSlackHookRemoved(_ path: String) -> Bool { removedSlackHooks.contains(path) }

    /// The webhook path each Slack message was posted to, in order.
    public func slackHookPaths() -> [String] { slackPaths }

    func dropWrites(after count: Int) {
        writes.removeSubrange(min(count, writes.count)...)
    }

    func logWrite(_ system: CRMSystem, _ object: String, _ id: String, _ fields: [String: String], created: Bool) {
        writes.append(WriteEvent(at: now(), system: system, object: object, id: id, fields: fields, created: created))
    }
}

extension SimulatorState {
    /// Outcome of taking one call from HubSpot's rolling ten-second bucket.
    struct Budget {
        /// The policy that refused the call (`TEN_SECONDLY_ROLLING`), `nil` when allowed.
        var limitedBy: String?
        /// The bucket size, `nil` when limits are off.
        var max: Int?
        var remaining: Int
        /// The daily allowance and what is left of it, when one is set.
        var daily: (max: Int, remaining: Int)?
        /// Search's per-second bucket, when one is set.
        var secondly: (max: Int, remaining: Int)?
    }

    /// Turns HubSpot's ten-second rolling limit on (`nil` turns it off).
    public func setHubSpotTenSecondLimit(_ limit: Int?) {
        hubspotTenSecondLimit = limit
    }

    func takeHubSpotBudget(search: Bool) -> Budget {
        let now = clock()
        if let daily = hubspotDailyLimit {
            guard hubspotDailyUsed < daily else { return Budget(limitedBy: "DAILY", max: nil, remaining: 0) }
        }
        var budget = Budget(limitedBy: nil, max: nil, remaining: 0)
        if search {
            // Search is exempt from the ten-second bucket and has its own per-second one.
            if let perSecond = hubspotSearchPerSecond {
                hubspotSearchTimes.removeAll { now.timeIntervalSince($0) >= 1 }
                guard hubspotSearchTimes.count < perSecond else { return Budget(limitedBy: "SECONDLY", max: nil, remaining: 0) }
                hubspotSearchTimes.append(now)
                budget.secondly = (perSecond, perSecond - hubspotSearchTimes.count)
            }
        } else if let limit = hubspotTenSecondLimit {
            hubspotCallTimes.removeAll { now.timeIntervalSince($0) >= 10 }
            guard hubspotCallTimes.count < limit else {
                return Budget(limitedBy: "TEN_SECONDLY_ROLLING", max: limit, remaining: 0)
            }
            hubspotCallTimes.append(now)
            budget.max = limit
            budget.remaining = limit - hubspotCallTimes.count
        }
        hubspotDailyUsed += 1
        if let daily = hubspotDailyLimit { budget.daily = (daily, daily - hubspotDailyUsed) }
        return budget
    }

    /// Search's per-second bucket (`nil` turns it off).
    public func setHubSpotSearchPerSecond(_ limit: Int?) { hubspotSearchPerSecond = limit }

    /// The portal's tier; below Enterprise `GET /events/v3/events` answers 403 `MISSING_SCOPES`, as HubSpot does.
    public func setHubSpotTier(_ tier: HubSpotTier) { hubspotTier = tier }

    /// Scopes the app was not granted (`forms`, `content`): the APIs behind them answer `403 MISSING_SCOPES`.
    public func withholdHubSpotScopes(_ scopes: Set<String>) { hubspotScopesWithheld = scopes }
    public func isHubSpotScopeWithheld(_ scope: String) -> Bool { hubspotScopesWithheld.contains(scope) }
    public func currentHubSpotTier() -> HubSpotTier { hubspotTier }

    /// HubSpot's daily allowance (`nil` is unlimited); past it every call gets `429` with policy `DAILY`.
    public func setHubSpotDailyLimit(_ limit: Int?) { hubspotDailyLimit = limit }

    /// Seconds before a created or updated record shows in search results.
    public func setHubSpotIndexLag(_ seconds: Double) { hubspotIndexLag = seconds }

    /// Whether a contact merge gives the survivor a new id.
    public func setHubSpotMergeAssignsNewID(_ flag: Bool) { hubspotMergeAssignsNewID = flag }
}
