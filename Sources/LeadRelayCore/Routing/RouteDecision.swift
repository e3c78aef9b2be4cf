/// Where a lead went and why, with every rep considered and why each lost.
public struct RouteDecision: Sendable, Hashable, Codable {
    public struct Candidate: Sendable, Hashable, Codable {
        public var repID: String
        /// `nil` for the winner; otherwise why this rep was not chosen.
        public var rejected: String?

        public init(repID: String, rejected: String?) {
            self.repID = repID
            self.rejected = rejected
        }
    }

    /// The chosen rep, `nil` when no rule could place the lead.
    public var repID: String?
    /// The rule that placed it (`existing-account`, `fallback`, …).
    public var rule: String
    public var reason: String
    public var candidates: [Candidate]

    public init(repID: String?, rule: String, reason: String, candidates: [Candidate]) {
        self.repID = repID
        self.rule = rule
        self.reason = reason
        self.candidates = candidates
    }
}
