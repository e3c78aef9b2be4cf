/// `routing.yaml`: the reps, their pools, and the rules in order (first match wins).
public struct RoutingConfig: Sendable, Hashable, Decodable {
    public struct RepEntry: Sendable, Hashable, Decodable {
        public var id: String
        /// The rep's name as reports print it ("Ana Silva <ana@acme.io>"); optional.
        public var name: String?
        public var email: String
        public var pools: [String]?
        public var weight: Int?
        public var capacity: Int?
        /// A calendar of `calendars:` by name, or one of the rep's own (`timeZone` + `hours`).
        public var calendar: String?
        public var timeZone: String?
        public var hours: [String: [String]]?
        public var outOfOffice: [DateRange]?
        public var caps: Caps?
        public var skills: [String]?
        public var territories: [String]?
    }

    /// Most leads a rep takes a day and a week, in their own time zone.
    public struct Caps: Sendable, Hashable, Decodable {
        public var daily: Int?
        public var weekly: Int?
    }

    /// Days from `from` to `to`, both included; a bare date is one day.
    public struct DateRange: Sendable, Hashable, Decodable {
        public var from: LocalDate
        public var to: LocalDate

        private enum Keys: String, CodingKey { case from, to }

        public init(from: LocalDate, to: LocalDate) {
            self.from = from
            self.to = to
        }

        public init(from decoder: any Decoder) throws {
            if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
                guard let day = LocalDate(text) else {
                    throw DecodingError.dataCorruptedError(in: single, debugDescription: "'\(text)' is not \(LocalDate.expectedText), or { from: DATE, to: DATE }")
                }
                self.init(from: day, to: day)
                return
            }
            let container = try decoder.container(keyedBy: Keys.self)
            self.init(from: try container.decode(LocalDate.self, forKey: .from), to: try container.decode(LocalDate.self, forKey: .to))
        }
    }

    /// A row of the territory table: a lead is in it when it matches every key given (country ISO code, ISO 3166-2
    /// region such as `US-MA`, postal code prefix). The most specific row wins: postal prefix, then region, then country.
    public struct Territory: Sendable, Hashable, Decodable {
        public var name: String
        public var countries: [String]?
        public var regions: [String]?
        public var postalPrefixes: [String]?
    }

    public enum Strategy: String, Sendable, Hashable, ConfigEnum {
        case weightedRoundRobin = "weighted-round-robin"
        case leastLoaded = "least-loaded"
    }

    public struct Pool: Sendable, Hashable, Decodable {
        public var strategy: Strategy
        /// Overrides `returnFromAbsence` for this pool.
        public var returnFromAbsence: FairnessLedger.ReturnPolicy?

        public init(strategy: Strategy, returnFromAbsence: FairnessLedger.ReturnPolicy? = nil) {
            self.strategy = strategy
            self.returnFromAbsence = returnFromAbsence
        }
    }

    /// What a matching rule does.
    public enum Assignment: Sendable, Hashable, Decodable {
        /// The owner of the account whose domain matches the lead's email domain.
        case accountOwner
        /// The rep who already owns the person in a CRM, else the rep who owns the most people of the same company.
        case existingOwner
        case pool(String)
        case rep(String)

        private struct Target: Decodable {
            var pool: String?
            var rep: String?
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let word = try? container.decode(String.self) {
                switch word {
                case "account-owner": self = .accountOwner
                case "existing-owner": self = .existingOwner
                default:
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown assignment '\(word)'; expected account-owner, existing-owner, { pool: NAME } or { rep: ID }")
                }
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
        /// Only reps whose `skills` hold the lead's value of this attribute (e.g. `industry`) may take it.
        public var skill: String? = nil
        /// `true`: only reps covering the lead's territory may take it; a lead in no territory passes the rule by.
        public var territory: Bool? = nil
    }

    public var reps: [RepEntry]
    public var pools: [String: Pool]?
    public var rules: [Rule]
    public var fallback: Assignment?
    /// Who takes an MQL nobody else can (every rep at capacity or away, no rule placing it): `{ rep: ID }`, whatever
    /// their own capacity, or a queue (`{ queue: { salesforce: 00G…, … } }`), so no MQL is ever left unowned. Without
    /// it such a lead stays unassigned, counted and logged.
    public var stranded: StrandedTarget?
    /// Named calendars reps refer to (`calendar: NAME`).
    public var calendars: [String: CalendarSpec]?
    public var territories: [Territory]?
    /// How reps back from absence catch up (`none`, `bounded(k)`, `full`); default `bounded(2)`.
    public var returnFromAbsence: FairnessLedger.ReturnPolicy?
    /// On reassignment, the last K owners of a lead are not chosen again (`prior-assignee`).
    public var reassignment: Reassignment?

    public struct Reassignment: Sendable, Hashable, Decodable {
        public var excludeLast: Int?
    }

    /// The pool every rep belongs to without saying so.
    public static let everyone = "everyone"

    public init(reps: [RepEntry], pools: [String: Pool]?, rules: [Rule], fallback: Assignment?, stranded: StrandedTarget? = nil,
                calendars: [String: CalendarSpec]? = nil, territories: [Territory]? = nil,
                returnFromAbsence: FairnessLedger.ReturnPolicy? = nil, reassignment: Reassignment? = nil) {
        self.calendars = calendars
        self.territories = territories
        self.returnFromAbsence = returnFromAbsence
        self.reassignment = reassignment
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
            if rep.id.isEmpty || rep.id.hasPrefix("@") {
                issues.append(ConfigIssue(path: ["reps", "\(index)", "id"], "a rep id is not empty and does not begin with '@' (LeadRelay's own holders, such as @queue, do)"))
            }
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
            case .accountOwner, .existingOwner:
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
            if let skill = rule.skill, !knownAttributes.contains(skill) {
                issues.append(ConfigIssue(path: path + ["skill"], "unknown attribute '\(skill)'; expected a mapped field or one of \(LeadAttributes.derived.sorted().joined(separator: ", "))"))
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
            if fallback == .accountOwner || fallback == .existingOwner {
                issues.append(ConfigIssue(path: ["fallback"], "the fallback cannot be account-owner or existing-owner"))
            }
            check(fallback, at: ["fallback"])
        }
        issues += lintAvailability()
        switch stranded {
        case .rep(let id)?: check(.rep(id), at: ["stranded"])
        case .queue?: issues += stranded?.validate(at: ["stranded"]) ?? []
        case nil: break
        }
        return issues
    }

    /// The strategy of a pool; pools not declared use weighted round robin.
    public func strategy(of pool: String) -> Strategy {
        pools?[pool]?.strategy ?? .weightedRoundRobin
    }
}
