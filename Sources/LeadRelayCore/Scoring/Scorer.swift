import Foundation

/// Scores leads on fit (who they are) and interest (what they did), with decay.
public struct Scorer: Sendable {
    public var config: ScoringConfig

    public init(config: ScoringConfig) { self.config = config }

    /// Scores one lead at `now` from its activities (any order; duplicates by id count once).
    public func score(_ lead: Lead, activities: [Activity], now: Date) -> ScoreBreakdown {
        var fit: [ScoreBreakdown.Line] = []
        for rule in config.fit where LeadAttributes.matches(rule.when, lead) {
            fit.append(.init(rule: rule.name, points: rule.points, detail: LeadAttributes.describe(rule.when)))
        }
        return ScoreBreakdown(fit: fit, interest: interest(activities, now: now))
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
            var perDay: [Int: Int] = [:]
            var total = 0.0
            var counted = 0
            for activity in ordered where Self.matches(rule, activity) {
                let day = Int(activity.occurredAt.timeIntervalSince1970 / 86_400)
                if let max = rule.maxPerDay {
                    guard perDay[day, default: 0] < max else { continue }
                    perDay[day, default: 0] += 1
                }
                total += rule.points * decay(age: now.timeIntervalSince(activity.occurredAt))
                counted += 1
            }
            if counted > 0 {
                lines.append(.init(rule: rule.name, points: ScoreBreakdown.round(total),
                                   detail: "\(counted) × \(rule.type.rawValue)"))
            }
        }
        return lines
    }

    /// The share of points left after `age` seconds: 0.5^(age / halfLife).
    public func decay(age: TimeInterval) -> Double {
        guard let halfLife = config.interest.halfLife?.seconds, halfLife > 0, age > 0 else { return 1 }
        return pow(0.5, age / halfLife)
    }

    static func matches(_ rule: ScoringConfig.EventRule, _ activity: Activity) -> Bool {
        guard rule.type == activity.kind else { return false }
        if let form = rule.form, form.caseInsensitiveCompare(activity.form ?? "") != .orderedSame { return false }
        if let pattern = rule.url, !Glob.matches(pattern, activity.url ?? "") { return false }
        return true
    }
}
