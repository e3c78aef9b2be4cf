/// A lead's score with every rule that contributed, so reports can say why.
public struct ScoreBreakdown: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var rule: String
        /// Points after decay, rounded to two decimals.
        public var points: Double
        public var detail: String

        public init(rule: String, points: Double, detail: String) {
            self.rule = rule
            self.points = points
            self.detail = detail
        }
    }

    public var fit: [Line]
    public var interest: [Line]

    public init(fit: [Line], interest: [Line]) {
        self.fit = fit
        self.interest = interest
    }

    public var fitScore: Double { Self.round(fit.reduce(0) { $0 + $1.points }) }
    public var interestScore: Double { Self.round(interest.reduce(0) { $0 + $1.points }) }
    public var total: Double { Self.round(fitScore + interestScore) }

    /// One line for a report: `total 105 (fit 60: senior-title +25, …; interest 45: …)`.
    public var summary: String {
        func list(_ lines: [Line]) -> String {
            lines.isEmpty ? "none" : lines.map { "\($0.rule) \($0.points >= 0 ? "+" : "")\(Condition.format($0.points))" }.joined(separator: ", ")
        }
        return "total \(Condition.format(total)) (fit \(Condition.format(fitScore)): \(list(fit)); interest \(Condition.format(interestScore)): \(list(interest)))"
    }

    static func round(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
