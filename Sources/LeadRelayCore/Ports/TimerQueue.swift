import Foundation

/// Something LeadRelay must look at again at a given time, whether or not a CRM changes (an SLA reminder, a breach,
/// a recycle), set and cancelled by plans like any other state.
public struct LeadTimer: Sendable, Hashable, Codable {
    /// Unique per purpose and person (`sla.first-touch:email:ana@acme.io`): scheduling the same key again moves it.
    public var key: String
    public var personKey: PersonKey
    /// What is due (`sla.reminder`, `sla.breach`, …); the monitor that set it knows what to do.
    public var kind: String
    public var dueAt: Date
    public var facts: [String: String]

    public init(key: String, personKey: PersonKey, kind: String, dueAt: Date, facts: [String: String] = [:]) {
        self.key = key
        self.personKey = personKey
        self.kind = kind
        self.dueAt = dueAt
        self.facts = facts
    }
}

/// A change a plan makes to the timers (applied by the commit, with everything else).
public enum TimerChange: Sendable, Hashable, Codable {
    case schedule(LeadTimer)
    case cancel(key: String)
}

/// The timers: the commit sets and cancels them (`Plan.timers`); a monitor asks which fell due.
public protocol TimerQueue: Sendable {
    /// Timers of `kinds` (every kind: `nil`) due at or before `now`, earliest first, at most `limit`. Each reader asks
    /// for its own kinds, so timers another one leaves waiting never crowd its out.
    func dueTimers(at now: Date, limit: Int, kinds: Set<String>?) async throws -> [LeadTimer]
    /// When the earliest timer of `kinds` (every kind: `nil`) falls due (`nil`: none set), so a monitor sleeps exactly
    /// until then.
    func nextDue(kinds: Set<String>?) async throws -> Date?
}

extension TimerQueue {
    public func dueTimers(at now: Date, limit: Int) async throws -> [LeadTimer] { try await dueTimers(at: now, limit: limit, kinds: nil) }
    public func nextDue() async throws -> Date? { try await nextDue(kinds: nil) }
}
