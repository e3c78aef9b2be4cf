/// `routing.yaml`: the reps, their pools, and the rules in order (first match wins).
public struct RoutingConfig: Sendable, Hashable, Decodable {
    public struct RepEntry: Sendable, Hashable, Decodable {
        public var id: String
        public var email: String
        public var pools: [String]?
        public var weight: Int?
        public var capacity: Int?
    }

    public enum Strategy: String, Sendable, Hashable, ConfigEnum {
        case weightedRoundRobin = "weighted-round-robin"
        case leastLoaded = "least-loaded"
    }

    public struct Pool: Sendable, Hashable, Decodable {
        public var strategy: Strategy
    }

    /// What a matching rule does.
    public enum Assignment: Sendable, Hashable, Decodable {
        /// The owner of the account whose domain matches the lead's email domain.
        case accountOwner
        case pool(String)
        case rep(String)

        private struct Target: Decodable {
            var pool: String?
            var rep: String?
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let word = try? container.decode(String.self) {
                guard word == "account-owner" else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown assignment '\(word)'; expected account-owner, { pool: NAME } or { rep: ID }")
                }
                self = .accountOwner
                return
            }
            let target = try container.decode(Target.self)
            switch (target.pool, target.rep) {
            case (let pool?, nil): self = .pool(pool)
            case (nil, let rep?): self = .rep(rep)
            default:
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "an assignment names exactly one of 'pool' or 'rep'")
            }
        }
    }

    /// What a rule needs the lead to match before it applies.
    public enum Match: String, Sendable, Hashable, CaseIterable {
        /// An existing account (by company domain).
        case account
    }

    public struct Rule: Sendable, Hashable, Decodable {
        public var name: String
        /// `account`: the rule applies only when the lead matches an existing account.
        public var match: String?
        /// `match` as a value; `nil` when absent or a word LeadRelay does not know (reported by `validate`).
        public var matchKind: Match? { match.flatMap(Match.init(rawValue:)) }
        public var when: [String: Condition]?
        public var assign: Assignment
    }

    public var reps: [RepEntry]
    public var pools: [String: Pool]?
    public var rules: [Rule]
    public var fallback: Assignment?
    /// Who takes an MQL nobody else can (every rep at capacity or away, no rule placing it): `{ rep: ID }`, whatever
    /// their own capacity, so no MQL is ever left unowned. Without it such a lead stays unassigned, counted and logged.
    public var stranded: Assignment?

    /// The pool every rep belongs to without saying so.
    public static let everyone = "everyone"

    public init(reps: [RepEntry], pools: [String: Pool]?, rules: [Rule], fallback: Assignment?, stranded: Assignment? = nil) {
        self.reps = reps
        self.pools = pools
        self.rules = rules
        self.fallback = fallback
        self.stranded = stranded
    }

    /// Semantic checks: unknown pools/reps, duplicate ids, bad weights. Returns every problem.
    public func validate(knownAttributes: Set<String>) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        var ids: Set<String> = []
        var usedPools: Set<String> = [Self.everyone]
        for (index, rep) in reps.enumerated() {
            if !ids.insert(rep.id).inserted {
                issues.append(ConfigIssue(path: ["reps", "\(index)", "id"], "duplicate rep id '\(rep.id)'"))
            }
            if EmailAddress.normalise(rep.email) == nil {
                issues.append(ConfigIssue(path: ["reps", "\(index)", "email"], "'\(rep.email)' is not an email address"))
            }
            if let weight = rep.weight, weight < 1 {
                issues.append(ConfigIssue(path: ["reps", "\(index)", "weight"], "weight must be a whole number of at least 1"))
            }
            if let capacity = rep.capacity, capacity < 0 {
                issues.append(ConfigIssue(path: ["reps", "\(index)", "capacity"], "capacity cannot be negative"))
            }
            usedPools.formUnion(rep.pools ?? [])
        }
        if reps.isEmpty {
            issues.append(ConfigIssue(path: ["reps"], "routing needs at least one rep"))
        }
        for name in (pools ?? [:]).keys.sorted() where !usedPools.contains(name) {
            issues.append(ConfigIssue(path: ["pools", name], "no rep is in pool '\(name)'"))
        }
        func check(_ assignment: Assignment, at path: [String]) {
            switch assignment {
            case .accountOwner:
                break
            case .pool(let pool) where !usedPools.contains(pool):
                issues.append(ConfigIssue(path: path + ["pool"], "no rep is in pool '\(pool)'"))
            case .rep(let rep) where !ids.contains(rep):
                issues.append(ConfigIssue(path: path + ["rep"], "unknown rep '\(rep)'"))
            default:
                break
            }
        }
        for (index, rule) in rules.enumerated() {
            let path = ["rules", "\(index)"]
            if let match = rule.match, rule.matchKind == nil {
                issues.append(ConfigIssue(path: path + ["match"], "unknown match '\(match)'; expected \(Match.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            if rule.assign == .accountOwner && rule.matchKind != .account {
                issues.append(ConfigIssue(path: path + ["assign"], "account-owner needs match: account"))
            }
            for key in (rule.when ?? [:]).keys.sorted() where !knownAttributes.contains(key) {
                issues.append(ConfigIssue(path: path + ["when", key], "unknown attribute '\(key)'; expected a mapped field or one of \(LeadAttributes.derived.sorted().joined(separator: ", "))"))
            }
            check(rule.assign, at: path + ["assign"])
        }
        if let fallback {
            if fallback == .accountOwner {
                issues.append(ConfigIssue(path: ["fallback"], "the fallback cannot be account-owner"))
            }
            check(fallback, at: ["fallback"])
        }
        if let stranded {
            if case .rep = stranded {
                check(stranded, at: ["stranded"])
            } else {
                issues.append(ConfigIssue(path: ["stranded"], "stranded names one rep ({ rep: ID }) who takes what nobody else can"))
            }
        }
        return issues
    }

    /// The strategy of a pool; pools not declared use weighted round robin.
    public func strategy(of pool: String) -> Strategy {
        pools?[pool]?.strategy ?? .weightedRoundRobin
    }
}
