import Foundation
import LeadRelayCore
import Metrics

/// The request budget of one CRM, as configured (`hubspot.rateLimit`, `salesforce.rateLimit`).
public struct QuotaPolicy: Sendable, Hashable {
    /// Requests allowed per `window` seconds (HubSpot's rolling ten-second bucket); `nil`: no local pacing.
    public var perWindow: Int?
    public var window: TimeInterval
    /// Search requests per second (HubSpot search's own bucket); `nil`: no local pacing.
    public var searchPerSecond: Int?
    /// Requests allowed per day; `nil`: no daily accounting.
    public var dailyBudget: Int?
    /// Share of the daily budget left for people and other integrations (0.2 keeps 20%).
    public var keepFree: Double
    /// How the daily count resets: HubSpot at midnight (UTC here), Salesforce on a rolling 24 hours.
    public var dailyReset: DailyReset

    public enum DailyReset: Sendable, Hashable {
        case midnightUTC
        case rolling24Hours
    }

    public init(perWindow: Int? = nil, window: TimeInterval = 10, searchPerSecond: Int? = nil, dailyBudget: Int? = nil,
                keepFree: Double = 0, dailyReset: DailyReset = .midnightUTC) {
        self.perWindow = perWindow
        self.window = window
        self.searchPerSecond = searchPerSecond
        self.dailyBudget = dailyBudget
        self.keepFree = keepFree
        self.dailyReset = dailyReset
    }

    /// No pacing and no daily accounting: only the server's 429s hold calls.
    public static let unlimited = QuotaPolicy()

    /// The share of the daily budget LeadRelay may spend.
    public var dailyAllowance: Int? {
        dailyBudget.map { Int((Double($0) * (1 - min(max(keepFree, 0), 1))).rounded(.down)) }
    }
}

/// The one quota scheduler of a CRM: paces calls to the configured buckets, honours the server's
/// `429` holds, keeps the daily budget's headroom free, and corrects its counts from response headers.
///
/// An actor because all concurrent requests to one CRM share it. Time and sleep are injected so
/// tests run a day of pacing in no time.
public actor RateLimitGate {
    private var policy: QuotaPolicy
    private var notBefore: TimeInterval
    /// Start times of the calls in the current pacing windows.
    private var recent: [TimeInterval] = []
    private var recentSearches: [TimeInterval] = []
    /// Calls counted against the day; the server's own count replaces it whenever a response carries one.
    private var usedToday = 0
    private var dayStarted: Date
    private let now: @Sendable () -> TimeInterval
    private let wallClock: @Sendable () -> Date
    private let sleep: @Sendable (Duration) async throws -> Void
    private let system: String

    /// - Parameters:
    ///   - now: a monotonic time in seconds (pacing windows); `wallClock`: the date (daily resets).
    public init(policy: QuotaPolicy = .unlimited, system: CRMSystem? = nil,
                now: (@Sendable () -> TimeInterval)? = nil,
                wallClock: @escaping @Sendable () -> Date = { Date() },
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        let start = ContinuousClock.now
        let monotonic = now ?? {
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        self.policy = policy
        self.now = monotonic
        self.notBefore = monotonic()
        self.wallClock = wallClock
        self.dayStarted = wallClock()
        self.sleep = sleep
        self.system = system?.rawValue ?? "crm"
    }

    /// Waits until a call is allowed: past any server hold and within the pacing buckets.
    ///
    /// - Throws: `QuotaPause` when LeadRelay's share of the daily budget is spent (the caller checkpoints
    ///   and resumes at `resumeAt`); `CancellationError` when the task is cancelled while waiting.
    @discardableResult
    public func admit(search: Bool = false) async throws -> Ticket {
        rollDay()
        if let allowance = policy.dailyAllowance, usedToday >= allowance {
            Gauge(label: "leadrelay_crm_budget_paused", dimensions: [("system", system)]).record(1)
            throw QuotaPause(used: usedToday, allowance: allowance, budget: policy.dailyBudget ?? allowance, resumeAt: nextReset())
        }
        // Reserve the slot before sleeping: callers waiting concurrently each get their own, so a
        // bucket is never overrun, and one sleep covers the server's hold and the pacing together.
        let current = now()
        let hold = notBefore
        var start = max(current, hold)
        var paced = false
        if !search, let limit = policy.perWindow { start = reserve(&recent, limit: limit, window: policy.window, earliest: start); paced = true }
        if search, let limit = policy.searchPerSecond { start = reserve(&recentSearches, limit: limit, window: 1, earliest: start); paced = true }
        usedToday += 1
        Gauge(label: "leadrelay_crm_budget_paused", dimensions: [("system", system)]).record(0)
        Gauge(label: "leadrelay_crm_daily_calls", dimensions: [("system", system)]).record(usedToday)
        let wait = start - current
        if wait > 0 {
            try await sleep(.clamped(seconds: wait))
            try Task.checkCancellation()
            // The hold has been waited out (even if an injected clock did not move); a newer hold still stands.
            if hold > current, notBefore == hold { notBefore = min(notBefore, now()) }
        }
        return Ticket(slot: paced ? start : nil, search: search)
    }

    /// A reserved pacing slot, handed back when the response has arrived.
    public struct Ticket: Sendable {
        var slot: TimeInterval?
        var search: Bool
    }

    /// Marks a call answered: its slot counts from now, not from when it left. The server counted the call
    /// somewhere between the two, so this keeps the next window clear of it even when the request was slow
    /// to arrive (a new connection, a busy network).
    public func completed(_ ticket: Ticket) {
        guard let slot = ticket.slot else { return }
        let finished = max(slot, now())
        func update(_ starts: inout [TimeInterval]) {
            guard let index = starts.firstIndex(of: slot) else { return }
            starts[index] = finished
            starts.sort()
        }
        if ticket.search { update(&recentSearches) } else { update(&recent) }
    }

    /// The earliest start at or after `earliest` that keeps `limit` calls per `window` seconds; recorded as taken.
    private func reserve(_ starts: inout [TimeInterval], limit: Int, window: TimeInterval, earliest: TimeInterval) -> TimeInterval {
        let current = now()
        // Requests reach the server a little later (or sooner) than they leave here: keep a small margin
        // so the server's own window never sees one call too many.
        let span = window + max(0.025, window * 0.01)
        starts.removeAll { current - $0 >= span }
        var slot = max(earliest, starts.last ?? earliest)
        if starts.count >= limit { slot = max(slot, starts[starts.count - limit] + span) }
        starts.append(slot)
        return slot
    }

    /// Blocks further calls for `seconds` from now (keeps the later of two holds).
    public func hold(for seconds: TimeInterval) {
        guard seconds.isFinite, seconds > 0 else { return }
        let until = now() + min(seconds, 86_400)
        if until > notBefore { notBefore = until }
    }

    /// Reads the server's view of the budget from a response's headers and adopts it.
    ///
    /// HubSpot: `X-HubSpot-RateLimit-Remaining` of the ten-second bucket (empty → hold for its interval; a
    /// smaller `-Max` than configured shrinks the local bucket, as another app shares it) and
    /// `-Daily`/`-Daily-Remaining`. Salesforce: `Sforce-Limit-Info: api-usage=used/max`.
    public func observe(headers: [String: String]) {
        if let remaining = headers["x-hubspot-ratelimit-remaining"].flatMap(Int.init) {
            let millis = headers["x-hubspot-ratelimit-interval-milliseconds"].flatMap(FailureClassifier.serverWait).flatMap { $0 > 0 ? $0 : nil }
            let interval = min(millis ?? 10_000, 3_600_000) / 1000
            if remaining <= 0 { hold(for: interval) }
            // A bucket of no calls is no bucket (a mangled header): the configured one stands.
            if let max = headers["x-hubspot-ratelimit-max"].flatMap(Int.init), max > 0, let configured = policy.perWindow, max < configured {
                policy.perWindow = max
                policy.window = interval
            }
        }
        if let daily = headers["x-hubspot-ratelimit-daily"].flatMap(Int.init), daily > 0,
           let remaining = headers["x-hubspot-ratelimit-daily-remaining"].flatMap(Int.init), remaining >= 0, remaining <= daily {
            usedToday = max(0, daily - remaining)
            if policy.dailyBudget.map({ daily < $0 }) ?? false { policy.dailyBudget = daily }
        }
        if let info = headers["sforce-limit-info"], let usage = Self.salesforceUsage(info), usage.max > 0, usage.used >= 0 {
            usedToday = usage.used
            if policy.dailyBudget.map({ usage.max < $0 }) ?? false { policy.dailyBudget = usage.max }
        }
    }

    /// `api-usage=123/100000` → (123, 100000).
    static func salesforceUsage(_ header: String) -> (used: Int, max: Int)? {
        guard let range = header.range(of: "api-usage=") else { return nil }
        let parts = header[range.upperBound...].prefix { $0 != "," && $0 != ";" }.split(separator: "/")
        guard parts.count == 2, let used = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let max = Int(parts[1].trimmingCharacters(in: .whitespaces)) else { return nil }
        return (used, max)
    }

    /// Calls counted against today, and the share LeadRelay may spend (for logs, metrics and tests).
    public func dailyUsage() -> (used: Int, allowance: Int?) {
        rollDay()
        return (usedToday, policy.dailyAllowance)
    }

    public func currentPolicy() -> QuotaPolicy { policy }

    private func rollDay() {
        let today = wallClock()
        switch policy.dailyReset {
        case .midnightUTC:
            let day = { (date: Date) in Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) }
            if day(today) != day(dayStarted) { usedToday = 0; dayStarted = today }
        case .rolling24Hours:
            // The server's rolling count arrives with every response; without calls, assume it drains within a day.
            if today.timeIntervalSince(dayStarted) >= 86_400 { usedToday = 0; dayStarted = today }
        }
    }

    private func nextReset() -> Date {
        let today = wallClock()
        switch policy.dailyReset {
        case .midnightUTC:
            return Date(timeIntervalSince1970: ((today.timeIntervalSince1970 / 86_400).rounded(.down) + 1) * 86_400)
        case .rolling24Hours:
            // Look again in fifteen minutes: one call then tells the real rolling usage.
            return today.addingTimeInterval(15 * 60)
        }
    }
}

/// LeadRelay's share of a CRM's daily budget is spent; the rest is kept for people and other integrations.
public struct QuotaPause: Error, Sendable, Hashable, CustomStringConvertible {
    public var used: Int
    public var allowance: Int
    public var budget: Int
    public var resumeAt: Date

    public var description: String {
        "used \(used) of the \(allowance) calls LeadRelay may make today (budget \(budget), the rest kept free); resuming at \(CRMTimestamps.hubspot(resumeAt))"
    }
}
