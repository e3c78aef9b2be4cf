import Foundation

/// What routing needs to remember between leads: what each rep got and holds, and what each pool owes them.
public struct RoutingState: Sendable, Hashable {
    /// Assignments ever made per rep.
    public var assigned: [String: Int]
    /// Leads each rep holds open now, as LeadRelay's event log says (drives capacity and least-loaded).
    public var open: [String: Int]
    /// When each rep was given leads over the last eight days (drives daily and weekly caps in the rep's zone).
    public var recent: [String: [Date]]
    /// Pool → its fairness ledger (smooth weighted round robin credit per rep).
    public var ledgers: [String: FairnessLedger]
    /// Open leads each rep's users own in the CRMs, as the store counted them from the records it read — leads
    /// assigned outside LeadRelay included. `nil` when not counted.
    public var openInCRM: [String: Int]?
    /// Leads given to each rep since `openInCRM` was counted (not in the CRMs' records yet).
    public var givenSinceCount: [String: Int] = [:]

    public init(assigned: [String: Int] = [:], open: [String: Int] = [:], recent: [String: [Date]] = [:],
                ledgers: [String: FairnessLedger] = [:]) {
        self.assigned = assigned
        self.open = open
        self.recent = recent
        self.ledgers = ledgers
    }

    /// How far back `recent` must reach: a week and a day, whatever the rep's zone.
    public static let recentWindow: TimeInterval = 8 * 86_400

    public mutating func record(_ repID: String, at instant: Date) {
        assigned[repID, default: 0] += 1
        open[repID, default: 0] += 1
        recent[repID, default: []].append(instant)
        givenSinceCount[repID, default: 0] += 1
    }

    /// What a decision made elsewhere (a committed plan) leaves behind: the assignment and the pool's new ledger.
    public mutating func apply(_ decision: RouteDecision, at instant: Date) {
        guard let rep = decision.repID else { return }
        record(rep, at: instant)
        if let fairness = decision.fairness { ledgers[fairness.pool] = FairnessLedger(credit: fairness.after) }
    }

    /// The leads a rep holds, for capacity and least-loaded: the larger of the event log's count (what LeadRelay gave
    /// and nobody closed) and the CRMs' count plus what was given since it was taken (which sees leads given outside
    /// LeadRelay, and misses only LeadRelay's own owner writes not read back yet).
    public func load(of repID: String) -> Int {
        let logged = open[repID, default: 0]
        guard let openInCRM else { return logged }
        return max(logged, openInCRM[repID, default: 0] + givenSinceCount[repID, default: 0])
    }

    /// Leads `rep` was given since local midnight (`weekly`: since Monday 00:00) in `zone`, as of `now`.
    public func given(to repID: String, since start: Date, until now: Date) -> Int {
        recent[repID, default: []].lazy.filter { $0 >= start && $0 <= now }.count
    }
}
