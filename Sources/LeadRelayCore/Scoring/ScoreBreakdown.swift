/// A lead's score with every rule that contributed, so reports can say why.
public struct ScoreBreakdown: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var rule: String
        /// Points after decay and the rule's own cap, rounded to two decimals.
        public var points: Double
        public var detail: String

        public init(rule: String, points: Double, detail: String) {
            self.rule = rule
            self.points = points
            self.detail = detail
        }
    }

    /// A cap or floor that changed a sum: a group's, the fit or interest score's, or the total's.
    public struct Adjustment: Sendable, Hashable, Codable {
        public enum Scope: String, Sendable, Hashable, Codable {
            case fit, interest, total
        }

        public var scope: Scope
        /// What was bounded: `group web`, `fit`, `interest`, `total`.
        public var name: String
        /// The change it made (negative for a cap, positive for a floor).
        public var points: Double
        public var detail: String

        public init(scope: Scope, name: String, points: Double, detail: String) {
            self.scope = scope
            self.name = name
            self.points = points
            self.detail = detail
        }
    }

    public var fit: [Line]
    public var interest: [Line]
    /// Caps and floors applied, in the order they were (groups, then each score, then the total).
    public var adjustments: [Adjustment]

    public init(fit: [Line], interest: [Line], adjustments: [Adjustment] = []) {
        self.fit = fit
        self.interest = interest
        self.adjustments = adjustments
    }

    enum CodingKeys: String, CodingKey { case fit, interest, adjustments }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fit = try container.decode([Line].self, forKey: .fit)
        interest = try container.decode([Line].self, forKey: .interest)
        // Breakdowns stored before caps existed have none.
        adjustments = try container.decodeIfPresent([Adjustment].self, forKey: .adjustments) ?? []
    }

    func adjusted(_ scope: Adjustment.Scope) -> Double { adjustments.filter { $0.scope == scope }.reduce(0) { $0 + $1.points } }

    public var fitScore: Double { Self.round(fit.reduce(0) { $0 + $1.points } + adjusted(.fit)) }
    public var interestScore: Double { Self.round(interest.reduce(0) { $0 + $1.points } + adjusted(.interest)) }
    public var total: Double { Self.round(fitScore + interestScore + adjusted(.total)) }

    /// One line for a report: `total 105 (fit 60: senior-title +25, …; interest 45: …)`.
    public var summary: String {
        let signed = Self.signed
        func list(_ lines: [Line], _ scope: Adjustment.Scope) -> String {
            let items = lines.map { "\($0.rule) \(signed($0.points))" }
                + adjustments.filter { $0.scope == scope }.map { "\($0.name) \($0.detail) \(signed($0.points))" }
            return items.isEmpty ? "none" : items.joined(separator: ", ")
        }
        let bounded = adjustments.filter { $0.scope == .total }.map { "; \($0.detail) \(signed($0.points))" }.joined()
        return "total \(Condition.format(total)) (fit \(Condition.format(fitScore)): \(list(fit, .fit)); interest \(Condition.format(interestScore)): \(list(interest, .interest))\(bounded))"
    }

    /// Points with their sign, as reports print them: `+25`, `-15`.
    public static func signed(_ points: Double) -> String { "\(points >= 0 ? "+" : "")\(Condition.format(points))" }

    public static func round(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
