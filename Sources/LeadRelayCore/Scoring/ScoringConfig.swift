import Foundation

/// `scoring.yaml`: fit rules on firmographics, interest points for behaviour, and the MQL line.
public struct ScoringConfig: Sendable, Hashable, Decodable {
    public struct MQL: Sendable, Hashable, Decodable {
        /// Total score (fit + interest) a lead must reach.
        public var threshold: Double
        /// Fit score a lead must also reach, so clicks alone never make an MQL.
        public var minimumFit: Double?
        /// A lead that was an MQL is one again only after its score fell below `threshold − hysteresis`: a lead
        /// hovering at the line crosses it once.
        public var hysteresis: Double?
    }

    public struct FitRule: Sendable, Hashable, Decodable {
        public var name: String
        public var when: [String: Condition]
        public var points: Double
        /// The group whose cap and floor the rule's points count toward (`groups:`).
        public var group: String?
    }

    /// How interest points fade with age. Fit never decays.
    public enum Decay: Sendable, Hashable, Decodable, CustomStringConvertible {
        /// Full points for ever.
        case none
        /// Points halve every `halfLife`.
        case halfLife(ConfigDuration)
        /// `percent` of the points are taken off for each whole `every` that passed (HubSpot's decay), to nothing.
        case linear(percent: Double, every: ConfigDuration)

        enum Keys: String, CodingKey { case halfLife, percent, every }

        public init(from decoder: any Decoder) throws {
            if let word = try? decoder.singleValueContainer().decode(String.self) {
                guard word == "none" else {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                            debugDescription: "decay is none, { halfLife: 30d } or { percent: 25, every: 30d }"))
                }
                self = .none
                return
            }
            let keyed = try decoder.container(keyedBy: Keys.self)
            if let halfLife = try keyed.decodeIfPresent(ConfigDuration.self, forKey: .halfLife) {
                self = .halfLife(halfLife)
            } else {
                self = .linear(percent: try keyed.decode(Double.self, forKey: .percent), every: try keyed.decode(ConfigDuration.self, forKey: .every))
            }
        }

        /// The share of points left after `age` seconds.
        public func factor(age: TimeInterval) -> Double {
            guard age > 0 else { return 1 }
            switch self {
            case .none:
                return 1
            case .halfLife(let halfLife):
                return halfLife.seconds > 0 ? pow(0.5, age / halfLife.seconds) : 1
            case .linear(let percent, let every):
                guard every.seconds > 0 else { return 1 }
                return max(0, 1 - percent / 100 * (age / every.seconds).rounded(.down))
            }
        }

        public var description: String {
            switch self {
            case .none: "no decay"
            case .halfLife(let halfLife): "half-life \(halfLife)"
            case .linear(let percent, let every): "−\(Condition.format(percent))% per \(every)"
            }
        }
    }

    /// Bounds on a sum of points; either may be absent.
    public struct Limits: Sendable, Hashable, Decodable {
        public var cap: Double?
        public var floor: Double?

        public init(cap: Double? = nil, floor: Double? = nil) {
            self.cap = cap
            self.floor = floor
        }

        /// `value` within the bounds.
        public func clamp(_ value: Double) -> Double {
            var result = value
            if let cap { result = min(result, cap) }
            if let floor { result = max(result, floor) }
            return result
        }
    }

    /// A set of rules with a shared cap and floor; for interest rules also a shared decay or time window.
    public struct Group: Sendable, Hashable, Decodable {
        public var cap: Double?
        public var floor: Double?
        public var decay: Decay?
        /// Only events of the last `window` count (then they drop off); not with `decay`.
        public var window: ConfigDuration?

        public var limits: Limits { Limits(cap: cap, floor: floor) }
    }

    /// Bounds on the fit score, the interest score and the total.
    public struct ScoreLimits: Sendable, Hashable, Decodable {
        public var fit: Limits?
        public var interest: Limits?
        public var total: Limits?
    }

    public struct EventRule: Sendable, Hashable, Decodable {
        public var name: String
        public var type: Activity.Kind
        /// For form submissions: the form name that must match.
        public var form: String?
        /// For page views: a glob (`*` any text) matched against the URL.
        public var url: String?
        public var points: Double
        /// At most this many matching events count per UTC day.
        public var maxPerDay: Int?
        /// At most this many points (after decay) from this rule, however often it matches (for a negative rule: at
        /// most this many taken off).
        public var cap: Double?
        /// This rule's own decay, over its group's and `interest.halfLife`.
        public var decay: Decay?
        /// Only events of the last `window` count; not with `decay`.
        public var window: ConfigDuration?
        public var group: String?
    }

    public struct Interest: Sendable, Hashable, Decodable {
        /// Interest points halve every `halfLife`; absent means no decay. Rules and groups may set their own.
        public var halfLife: ConfigDuration?
        public var events: [EventRule]
    }

    public var mql: MQL
    public var fit: [FitRule]
    public var interest: Interest
    /// Named groups rules count toward (`group:` on a rule).
    public var groups: [String: Group]?
    public var limits: ScoreLimits?

    public init(mql: MQL, fit: [FitRule], interest: Interest, groups: [String: Group]? = nil, limits: ScoreLimits? = nil) {
        self.mql = mql
        self.fit = fit
        self.interest = interest
        self.groups = groups
        self.limits = limits
    }

    /// Semantic checks the decoder cannot make; returns every problem found.
    public func validate(knownAttributes: Set<String>) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        var names: Set<String> = []
        for (index, rule) in fit.enumerated() {
            if !names.insert(rule.name).inserted {
                issues.append(ConfigIssue(path: ["fit", "\(index)", "name"], "duplicate rule name '\(rule.name)'"))
            }
            for key in rule.when.keys.sorted() where !knownAttributes.contains(key) {
                issues.append(ConfigIssue(path: ["fit", "\(index)", "when", key], "unknown attribute '\(key)'; expected a mapped field or one of \(LeadAttributes.derived.sorted().joined(separator: ", "))"))
            }
        }
        for (index, rule) in interest.events.enumerated() {
            if !names.insert(rule.name).inserted {
                issues.append(ConfigIssue(path: ["interest", "events", "\(index)", "name"], "duplicate rule name '\(rule.name)'"))
            }
            if rule.url != nil && rule.type != .pageView {
                issues.append(ConfigIssue(path: ["interest", "events", "\(index)", "url"], "'url' applies to page-view events only"))
            }
            if rule.form != nil && rule.type != .formSubmission {
                issues.append(ConfigIssue(path: ["interest", "events", "\(index)", "form"], "'form' applies to form-submission events only"))
            }
            if let max = rule.maxPerDay, max < 1 {
                issues.append(ConfigIssue(path: ["interest", "events", "\(index)", "maxPerDay"], "maxPerDay must be at least 1"))
            }
        }
        issues += validateModel()
        if mql.threshold <= 0 {
            issues.append(ConfigIssue(path: ["mql", "threshold"], "the MQL threshold must be above 0"))
        }
        return issues
    }
}
