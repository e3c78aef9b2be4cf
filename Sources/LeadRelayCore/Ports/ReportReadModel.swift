import Foundation

/// One assignment as reports show it.
public struct AssignmentRow: Sendable, Hashable {
    public var repID: String
    public var at: Date

    public init(repID: String, at: Date) {
        self.repID = repID
        self.at = at
    }
}

/// One routing decision as the store keeps it: every one made, placed or not, in the order made.
public struct StoredRouteDecision: Sendable, Hashable {
    public var person: PersonKey
    public var decidedAt: Date
    public var decision: RouteDecision

    public init(person: PersonKey, decidedAt: Date, decision: RouteDecision) {
        self.person = person
        self.decidedAt = decidedAt
        self.decision = decision
    }
}

/// What reports, the demo summary and commands read: whole-store views, never part of a cycle.
public protocol ReportReadModel: Sendable {
    /// Every outbox entry, oldest first.
    func outbox() async throws -> [OutboxEntry]
    /// Pending entries, oldest first, claimed or not (reading them claims nothing).
    func pendingOutbox(limit: Int) async throws -> [OutboxEntry]
    /// Person key → the rep and when.
    func allAssignments() async throws -> [PersonKey: AssignmentRow]
    /// Every routing decision made for `person`, oldest first, with its audit (codes per rep, fairness, version).
    func routeDecisions(for person: PersonKey) async throws -> [StoredRouteDecision]
    /// Rows per table (`snapshots`, `identity_links`, …), plus `people` and `people_in_both`.
    func counts() async throws -> [String: Int]
    /// Identity links per reason code (`link.evidence`, `link.email`, …; `""` for links from before codes).
    func linkCounts() async throws -> [Reason.Code: Int]
    /// Enriched fields held, per source (`rules`, `csv`, `provider`).
    func enrichmentCounts() async throws -> [String: Int]
    /// Snapshots per system (`hubspot`, `salesforce`).
    func snapshotCounts() async throws -> [String: Int]
}
