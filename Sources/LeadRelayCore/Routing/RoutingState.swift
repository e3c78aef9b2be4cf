/// What routing needs to remember between leads: how many each rep got and holds.
public struct RoutingState: Sendable, Hashable, Codable {
    /// Assignments ever made per rep (drives weighted round robin).
    public var assigned: [String: Int]
    /// Leads each rep holds open now (drives capacity and least-loaded).
    public var open: [String: Int]

    public init(assigned: [String: Int] = [:], open: [String: Int] = [:]) {
        self.assigned = assigned
        self.open = open
    }

    public mutating func record(_ repID: String) {
        assigned[repID, default: 0] += 1
        open[repID, default: 0] += 1
    }
}
