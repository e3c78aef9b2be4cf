/// `scoring.yaml`: fit rules on firmographics, interest points for behaviour, and the MQL line.
public struct ScoringConfig: Sendable, Hashable, Decodable {
    public struct MQL: Sendable, Hashable, Decodable {
        /// Total score (fit + interest) a lead must reach.
        public var threshold: Double
        /// Fit score a lead must also reach, so clicks alone never make an MQL.
        public var minimumFit: Double?
    }

    public struct FitRule: Sendable, Hashable, Decodable {
        public var name: String
        public var when: [String: Condition]
        public var points: Double
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
    }

    public struct Interest: Sendable, Hashable, Decodable {
        /// Interest points halve every `halfLife`; absent means no decay.
        public var halfLife: ConfigDuration?
        public var events: [EventRule]
    }

    public var mql: MQL
    public var fit: [FitRule]
    public var interest: Interest

    public init(mql: MQL, fit: [FitRule], interest: Interest) {
        self.mql = mql
        self.fit = fit
        self.interest = interest
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
        if mql.threshold <= 0 {
            issues.append(ConfigIssue(path: ["mql", "threshold"], "the MQL threshold must be above 0"))
        }
        return issues
    }
}
