import Foundation

/// Whether a person may become an MQL again: the hysteresis of the MQL line, kept per person.
///
/// Crossing the line latches the gate: one MQL, however the score wobbles around the threshold after. The gate opens
/// again only once the score has fallen below `threshold − hysteresis` — seen when the person is next read, including
/// a fall by decay alone in between (`valley`). A recycle back to marketing resets interest (only evidence after it
/// counts) and keeps fit; the gate opens as soon as that reset score is below the re-arm line.
public struct MQLGate: Sendable, Hashable, Codable {
    /// Crossed the line, and not yet fallen below the re-arm line since: no new MQL.
    public var latched: Bool
    /// Recycled back to marketing since the last MQL: the old assignment no longer holds the person, so they may
    /// re-arm and be an MQL (and routed) again.
    public var recycled: Bool
    /// Interest counts evidence after this instant only: the last recycle. `nil`: all evidence.
    public var interestSince: Date?
    /// When the gate was last looked at while latched (the decay valley is measured from here).
    public var checkedAt: Date?

    public init(latched: Bool = false, recycled: Bool = false, interestSince: Date? = nil, checkedAt: Date? = nil) {
        self.latched = latched
        self.recycled = recycled
        self.interestSince = interestSince
        self.checkedAt = checkedAt
    }

    /// The line below which a latched gate opens again.
    public static func rearmLine(_ mql: ScoringConfig.MQL) -> Double { mql.threshold - (mql.hysteresis ?? 0) }

    /// The activities that count toward interest under this gate.
    public func counting(_ activities: [Activity]) -> [Activity] {
        guard let interestSince else { return activities }
        return activities.filter { $0.occurredAt > interestSince }
    }

    /// What the gate does this cycle for a person scoring `score` now, whose evidence seen at the last check alone
    /// scores `valley` now (the lowest the score fell by decay before the new evidence): re-armed when either is below
    /// the line. `nil` when the gate stays as it is.
    public func rearms(score: Double, valley: Double?, line: Double) -> Double? {
        guard latched else { return nil }
        let lowest = min(score, valley ?? score)
        return lowest < line ? lowest : nil
    }

    /// Back to marketing at `instant`: interest restarts from zero, fit stays; still latched until the score is seen
    /// below the re-arm line (usually at once: fit alone is below it).
    public mutating func recycle(at instant: Date) {
        recycled = true
        interestSince = instant
        checkedAt = instant
    }

    /// The MQL was emitted at `instant` (and the lead routed): latched until it falls below the line after a recycle.
    public mutating func crossed(at instant: Date) {
        latched = true
        recycled = false
        checkedAt = instant
    }
}
