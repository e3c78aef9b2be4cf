/// Where a lead went and why, with every rep considered and why each lost.
public struct RouteDecision: Sendable, Hashable, Codable {
    /// Why a rep could or could not take the lead: one code per rep per decision.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        case eligible
        case ooo
        case outsideHours = "outside-hours"
        case capDaily = "cap-daily"
        case capWeekly = "cap-weekly"
        case capacity
        case territory
        case skill
        case priorAssignee = "prior-assignee"
        case inactive
        /// Not a member of the pool the rule draws from.
        case notInPool = "not-in-pool"
        /// The rule names someone else (the account's or the person's owner, or one rep).
        case notNamed = "not-named"
    }

    public struct Candidate: Sendable, Hashable, Codable {
        public var repID: String
        /// `nil` for the winner; otherwise why this rep was not chosen.
        public var rejected: String?
        /// `eligible` for the winner and for eligible reps who lost on fairness or load.
        public var code: Code?

        public init(repID: String, rejected: String?, code: Code? = nil) {
            self.repID = repID
            self.rejected = rejected
            self.code = code
        }
    }

    /// A pool's smooth round-robin credit (rep → credit in weight units) before and after the decision.
    public struct Fairness: Sendable, Hashable, Codable {
        public var pool: String
        public var before: [String: Int]
        public var after: [String: Int]
        public var policy: String

        public init(pool: String, before: [String: Int], after: [String: Int], policy: String) {
            self.pool = pool
            self.before = before
            self.after = after
            self.policy = policy
        }
    }

    /// The chosen rep, `nil` when no rule could place the lead.
    public var repID: String?
    /// The rule that placed it (`existing-account`, `fallback`, …).
    public var rule: String
    public var reason: String
    public var candidates: [Candidate]
    /// Set when a round-robin pool decided.
    public var fairness: Fairness?
    /// The routing configuration's version (a digest of the file) the decision was made under.
    public var configVersion: String?
    /// The account the lead was matched to, when an account rule looked for one and placed it.
    public var account: AccountChoice?

    /// The account behind a decision: which, on what evidence, and why over the others.
    public struct AccountChoice: Sendable, Hashable, Codable {
        public var ref: RecordRef
        public var name: String
        public var evidence: AccountMatch.Evidence
        public var explanation: String

        public init(_ match: AccountMatch) {
            ref = match.account.ref
            name = match.account.name
            evidence = match.evidence
            explanation = match.explanation
        }
    }

    public init(repID: String?, rule: String, reason: String, candidates: [Candidate], fairness: Fairness? = nil, configVersion: String? = nil) {
        self.repID = repID
        self.rule = rule
        self.reason = reason
        self.candidates = candidates
        self.fairness = fairness
        self.configVersion = configVersion
    }
}

extension RouteDecision {
    /// Why nobody could take the lead, as one code for `leadrelay_stranded_total{reason}`: the exclusion the most reps
    /// had (a tie goes to the code listed first in `Code`, so it never depends on the order of the reps), or
    /// `unreachable` when every rep was available but no rule or pool reached them. `nil` for a lead that was placed
    /// normally.
    public var strandedReason: String? {
        guard repID == nil || rule == Router.strandedRule else { return nil }
        var counts: [Code: Int] = [:]
        for candidate in candidates where candidate.repID != repID {
            if let code = candidate.code, code != .eligible { counts[code, default: 0] += 1 }
        }
        var best: (code: Code, count: Int)?
        for code in Code.allCases {
            if let count = counts[code], count > (best?.count ?? 0) { best = (code, count) }
        }
        return best?.code.rawValue ?? "unreachable"
    }
}
