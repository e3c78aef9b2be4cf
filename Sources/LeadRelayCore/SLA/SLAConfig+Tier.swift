import Foundation

extension SLAConfig {
    /// The tier an MQL falls in: the first whose `when` holds for the lead, its score at the MQL and its activity.
    public func tier(for lead: Lead, score: ScoreBreakdown, activities: [Activity]) -> Tier? {
        tiers.first { tier in Self.holds(tier.when ?? [:], lead: lead, score: score, activities: activities) }
    }

    /// Whether every condition holds. `score`, `fit` and `interest` test the score; `form` the forms the person
    /// submitted and `event` the interest rules that counted (a condition holds when one of them passes it, `notIn`
    /// when none is listed, `exists` when there is any); `source` the lead source; other keys lead attributes.
    public static func holds(_ when: [String: Condition], lead: Lead, score: ScoreBreakdown, activities: [Activity]) -> Bool {
        when.allSatisfy { key, condition in
            switch key {
            case "score": condition.matches(Condition.format(score.total))
            case "fit": condition.matches(Condition.format(score.fitScore))
            case "interest": condition.matches(Condition.format(score.interestScore))
            case "form": condition.matchesAny(activities.filter { $0.kind == .formSubmission }.compactMap(\.form))
            case "event": condition.matchesAny(score.interest.filter { $0.points != 0 }.map(\.rule))
            case "source": condition.matches(lead.fields["leadSource"] ?? lead.fields["source"])
            default: condition.matches(LeadAttributes.value(key, of: lead))
            }
        }
    }
}

extension Condition {
    /// The condition over a set of values: `exists` asks whether there are any, `notIn` whether none is listed, the
    /// others whether one of them passes.
    public func matchesAny(_ values: [String]) -> Bool {
        switch self {
        case .exists(let expected): (!values.isEmpty) == expected
        case .noneOf: values.allSatisfy { matches($0) }
        default: values.contains { matches($0) }
        }
    }
}
