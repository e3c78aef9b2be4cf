import Foundation
import LeadRelayCore
import LeadRelayCRM
import Metrics

/// A stream that could not be read this cycle, and what happens next.
public struct StreamProblem: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// Failed; tried again at `retryAt` (the wait doubles per failure).
        case backingOff = "backing-off"
        /// The account has no access to it (tier, scope): off until `retryAt`, when it is asked once more.
        case off
    }

    public var stream: String
    public var state: State
    public var reason: String
    public var retryAt: Date
}

/// The optional streams (deletion sweeps, accounts, behaviour) fail on their own: one that fails is backed off and
/// reported while the leads and the other streams go on; one the account has no access to is switched off with one
/// warning and asked again a few hours later, never retried every cycle.
actor StreamHealth {
    struct Entry {
        var failures: Int
        var retryAt: Date
        var problem: StreamProblem
    }

    private var entries: [StreamID: Entry] = [:]
    /// The first wait after a failure (doubled per failure, up to `longestBackoff`).
    let firstBackoff: TimeInterval
    let longestBackoff: TimeInterval = 30 * 60
    /// How long a stream the account cannot use stays off before it is asked again.
    let offFor: TimeInterval = 6 * 3600

    init(firstBackoff: TimeInterval) { self.firstBackoff = max(firstBackoff, 1) }

    /// Whether the stream failed and has not been read well since (backing off or off).
    func isFailing(_ stream: StreamID) -> Bool {
        entries[stream] != nil
    }

    /// Whether the account has no access to the stream (switched off, not merely backing off).
    func isOff(_ stream: StreamID) -> Bool {
        entries[stream]?.problem.state == .off
    }

    func due(_ stream: StreamID, now: Date) -> Bool {
        entries[stream].map { now >= $0.retryAt } ?? true
    }

    /// Read fine: back to normal. Returns the problem it had, if any (for a "recovered" line).
    @discardableResult
    func succeeded(_ stream: StreamID) -> StreamProblem? {
        Gauge(label: "leadrelay_stream_up", dimensions: [("stream", stream.rawValue)]).record(1)
        return entries.removeValue(forKey: stream)?.problem
    }

    /// Records a failure; returns the problem as it now stands and whether it is new (worth a warning).
    func failed(_ stream: StreamID, reason: String, off: Bool, now: Date, backsOff: Bool = true) -> (problem: StreamProblem, new: Bool) {
        let failures = (entries[stream]?.failures ?? 0) + 1
        let wait = off ? offFor : (backsOff ? min(longestBackoff, firstBackoff * pow(2, Double(min(failures - 1, 16)))) : 0)
        let problem = StreamProblem(stream: stream.rawValue, state: off ? .off : .backingOff, reason: reason, retryAt: now.addingTimeInterval(wait))
        let new = entries[stream]?.problem.state != problem.state || entries[stream]?.problem.reason != reason
        entries[stream] = Entry(failures: failures, retryAt: problem.retryAt, problem: problem)
        Gauge(label: "leadrelay_stream_up", dimensions: [("stream", stream.rawValue)]).record(0)
        return (problem, new)
    }

    /// Every stream not read normally now.
    func problems() -> [StreamProblem] {
        entries.values.map(\.problem).sorted { $0.stream < $1.stream }
    }
}

extension CRMError {
    /// The account lacks the API (a tier or a scope): asking again each cycle cannot help.
    var isNotAvailableToAccount: Bool {
        switch self {
        case .authentication(_, let message): message.hasPrefix("MISSING_SCOPES")
        case .rejected(_, let status, let code, _):
            // INVALID_TYPE: an org without the object (campaigns off) answers that it does not know it.
            status == 403 || code == "MISSING_SCOPES" || code == "API_DISABLED_FOR_ORG" || code == "INVALID_TYPE"
        default: false
        }
    }
}
