import Foundation

/// Scores leads on fit (who they are) and interest (what they did): per-rule decay or time window, negative points,
/// caps and floors per rule, per group, per score and on the total.
public struct Scorer: Sendable {
    public var config: ScoringConfig {
        didSet { fitDetails = config.fit.map { LeadAttributes.describe($0.when) } }
    }
    /// Each fit rule's `when` in words, as its score lines say it (made once, not per lead).
    private var fitDetails: [String]

    public init(config: ScoringConfig) {
        self.config = config
        self.fitDetails = config.fit.map { LeadAttributes.describe($0.when) }
    }

    /// Scores one lead at `now` from its activities (any order; duplicates by id count once).
    public func score(_ lead: Lead, activities: [Activity], now: Date) -> ScoreBreakdown {
        var fit: [ScoreBreakdown.Line] = []
        for (index, rule) in config.fit.enumerated() where LeadAttributes.matches(rule.when, lead) {
            fit.append(.init(rule: rule.name, points: rule.points, detail: fitDetails[index]))
        }
        let interest = interest(activities, now: now)
        var breakdown = ScoreBreakdown(fit: fit, interest: interest)
        breakdown.adjustments += groupAdjustments(fit, rules: config.fit.map { ($0.name, $0.group) }, scope: .fit)
        breakdown.adjustments += groupAdjustments(interest, rules: config.interest.events.map { ($0.name, $0.group) }, scope: .interest)
        if let adjustment = Self.bound(breakdown.fitScore, config.limits?.fit, scope: .fit, name: "fit") { breakdown.adjustments.append(adjustment) }
        if let adjustment = Self.bound(breakdown.interestScore, config.limits?.interest, scope: .interest, name: "interest") {
            breakdown.adjustments.append(adjustment)
        }
        if let adjustment = Self.bound(breakdown.total, config.limits?.total, scope: .total, name: "total") { breakdown.adjustments.append(adjustment) }
        return breakdown
    }

    /// True when the breakdown crosses the MQL line (total and minimum fit).
    public func qualifies(_ score: ScoreBreakdown) -> Bool {
        score.total >= config.mql.threshold && score.fitScore >= (config.mql.minimumFit ?? -.infinity)
    }

    /// How far ahead of our clock an event may be stamped and still count (at full value): the CRM's clock, or an
    /// event that landed while the cycle ran. Anything later is bad data and does not count.
    public static let clockSkew: TimeInterval = 300

    func interest(_ activities: [Activity], now: Date) -> [ScoreBreakdown.Line] {
        var seen: Set<String> = []
        let latest = now.addingTimeInterval(Self.clockSkew)
        let ordered = activities
            .filter { $0.occurredAt <= latest && seen.insert($0.id).inserted }
            .sorted { ($0.occurredAt, $0.id) < ($1.occurredAt, $1.id) }
        var lines: [ScoreBreakdown.Line] = []
        for rule in config.interest.events {
            let (decay, window) = config.fading(of: rule)
            var perDay: [Int: Int] = [:]
            var total = 0.0
            var counted = 0
            var expired = 0
            var sources: [String: Int] = [:]
            for activity in ordered where Self.matches(rule, activity) {
                let age = now.timeIntervalSince(activity.occurredAt)
                if let window, age > window.seconds {
                    expired += 1
                    continue
                }
                let day = Int(activity.occurredAt.timeIntervalSince1970 / 86_400)
                if let max = rule.maxPerDay {
                    guard perDay[day, default: 0] < max else { continue }
                    perDay[day, default: 0] += 1
                }
                total += rule.points * decay.factor(age: age)
                counted += 1
                if let evidence = activity.evidence { sources[evidence, default: 0] += 1 }
            }
            guard counted > 0 else { continue }
            var detail = "\(counted) × \(rule.type.rawValue)"
            // Which evidence the points came from: one source by name, several with their counts.
            if sources.count == 1, let only = sources.first, only.value == counted {
                detail += " from \(only.key)"
            } else if !sources.isEmpty {
                detail += " from " + sources.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            }
            if decay != .none { detail += ", \(decay)" }
            if let window { detail += ", last \(window)" + (expired > 0 ? " (\(expired) older not counted)" : "") }
            if let cap = rule.cap, abs(total) > cap {
                detail += ", capped at \(Condition.format(cap)) from \(Condition.format(ScoreBreakdown.round(abs(total))))"
                total = total < 0 ? -cap : cap
            }
            lines.append(.init(rule: rule.name, points: ScoreBreakdown.round(total), detail: detail))
        }
        return lines
    }

    /// Each group's cap and floor over the lines of its rules (`rules`: rule name → its group); nothing to do without groups.
    func groupAdjustments(_ lines: [ScoreBreakdown.Line], rules: [(String, String?)], scope: ScoreBreakdown.Adjustment.Scope)
        -> [ScoreBreakdown.Adjustment] {
        guard let defined = config.groups, !defined.isEmpty, !lines.isEmpty else { return [] }
        let groups = Dictionary(rules, uniquingKeysWith: { a, _ in a })
        var sums: [String: Double] = [:]
        for line in lines { if let group = groups[line.rule] ?? nil { sums[group, default: 0] += line.points } }
        return sums.keys.sorted().compactMap { name in
            Self.bound(ScoreBreakdown.round(sums[name] ?? 0), defined[name]?.limits, scope: scope, name: "group \(name)")
        }
    }

    /// The adjustment that brings `value` within `limits`, if it is outside them.
    static func bound(_ value: Double, _ limits: ScoringConfig.Limits?, scope: ScoreBreakdown.Adjustment.Scope, name: String)
        -> ScoreBreakdown.Adjustment? {
        guard let limits else { return nil }
        let bounded = ScoreBreakdown.round(limits.clamp(value))
        guard bounded != value else { return nil }
        let detail = bounded < value ? "capped at \(Condition.format(bounded))" : "floor \(Condition.format(bounded))"
        return .init(scope: scope, name: name, points: ScoreBreakdown.round(bounded - value), detail: detail)
    }

    static func matches(_ rule: ScoringConfig.EventRule, _ activity: Activity) -> Bool {
        guard rule.type == activity.kind else { return false }
        if let form = rule.form, !form.equalsIgnoringCase(activity.form ?? "") { return false }
        if let pattern = rule.url, !Glob.matches(pattern, activity.url ?? "") { return false }
        return true
    }
}
