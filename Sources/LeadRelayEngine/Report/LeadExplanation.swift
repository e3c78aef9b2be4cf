import Foundation
import LeadRelayCore

/// Why a lead has its score and is or is not an MQL, from what the store holds: every rule hit with its points, decay
/// and caps, the MQL line, and what LeadRelay did with it. `leadrelay explain lead` prints it.
///
/// The score is recomputed by the same pipeline a cycle runs, over the person's stored records and activities; with
/// `at`, as it stood then (only activities up to that instant, decayed to it). Fit is taken from the records as
/// LeadRelay last read them: the store keeps no history of field values.
public struct LeadExplanation: Sendable, Encodable {
    public struct Verdict: Sendable, Encodable {
        public var mql: Bool
        public var threshold: Double
        public var minimumFit: Double?
        public var why: String
    }

    public struct Stored: Sendable, Encodable {
        /// The total the last cycle stored.
        public var score: Double?
        public var assignedTo: String?
        public var assignedAt: Date?
    }

    public var person: String
    public var name: String?
    public var email: String?
    public var records: [String]
    /// Record → its page in its CRM (when `hubspot.portalId` / `salesforce.instanceURL` are configured).
    public var links: [String: String]
    public var at: Date
    public var score: ScoreBreakdown
    public var fit: Double
    public var interest: Double
    public var total: Double
    public var verdict: Verdict
    public var stored: Stored
    public var activitiesCounted: Int
    /// The MQL gate (hysteresis and recycle) as it stood at the instant.
    public var gate: String
    public var note: String

    public enum Failure: Error, CustomStringConvertible {
        case unknownReference(String)
        case notSeen(String)

        public var description: String {
            switch self {
            case .unknownReference(let ref):
                "'\(ref)' is not an email address, a person key (email:…, ref:…) or a record (hubspot/contacts/101, salesforce/Lead/00Q…)"
            case .notSeen(let ref): "LeadRelay has not seen \(ref) (no stored record of it)"
            }
        }
    }

    /// The person `reference` names: an email address, a person key, or a record LeadRelay linked to a person.
    public static func person(_ reference: String, store: any StateStore) async throws -> PersonKey {
        let text = reference.trimmingCharacters(in: .whitespaces)
        if let key = PersonKey(rawValue: text) { return key }
        if let ref = RecordRef(rawValue: text.replacingOccurrences(of: ":", with: "/")) {
            guard let person = try await store.links(for: [ref])[ref]?.person else { throw Failure.notSeen(text) }
            return person
        }
        if text.contains("@"), EmailAddress.normalise(text) != nil { return IdentityResolver.personKey(email: text) }
        throw Failure.unknownReference(text)
    }

    /// Explains `reference`'s score at `at` (default: now) under `configuration`'s mapping, scoring and routing.
    public static func explain(_ reference: String, configuration: LoadedConfiguration, store: any StateStore,
                               at: Date? = nil, now: Date = Date()) async throws -> LeadExplanation {
        let key = try await person(reference, store: store)
        let people = try await store.people([key])
        let records = people.records.filter { people.links[$0.ref] == key }
        guard !records.isEmpty else { throw Failure.notSeen(reference) }
        let instant = at ?? now
        let activities = people.activities.filter { activity in
            records.contains { $0.ref == activity.subject } && (at == nil || activity.occurredAt <= instant)
        }
        let pipeline = Pipeline(mapping: configuration.mapping, scoring: configuration.scoring, routing: configuration.routing, reps: [],
                                enrichment: configuration.enrichment)
        // The cycle's own plan over this one person; nothing is routed (no reps) and nothing is written.
        var input = PipelineInput(records: records, activities: activities, links: people.links, assignments: people.assignments,
                                  now: instant)
        input.enriched = people.enriched
        input.synced = people.synced
        // The gate as it stood at the instant: a recycle after it did not reset the interest counted then.
        var gate = people.gates[key] ?? MQLGate(latched: people.assignments[key] != nil)
        if let since = gate.interestSince, since > instant { gate.interestSince = nil }
        input.gates = [key: gate]
        let plan = pipeline.plan(input)
        let score = plan.changes.lazy.compactMap { change -> ScoreBreakdown? in
            if case .score(let score) = change.action, change.person == key { score } else { nil }
        }.first ?? ScoreBreakdown(fit: [], interest: [])
        let lead = pipeline.assemble(personKey: key, records: records, assigned: people.assignments[key] != nil)
        let assignment = try await store.allAssignments()[key]
        let mql = configuration.scoring.mql
        return LeadExplanation(
            person: key.rawValue, name: [lead.fields["firstName"], lead.fields["lastName"]].compactMap { $0 }.joined(separator: " ").nonEmpty,
            email: lead.email, records: records.map(\.ref.description).sorted(),
            links: Dictionary(records.compactMap { record in configuration.recordLinks.url(record.ref).map { (record.ref.description, $0) } },
                              uniquingKeysWith: { first, _ in first }),
            at: instant, score: score,
            fit: score.fitScore, interest: score.interestScore, total: score.total,
            verdict: verdict(score, mql: mql, qualifies: Scorer(config: configuration.scoring).qualifies(score)),
            stored: Stored(score: people.scores[key], assignedTo: assignment?.repID, assignedAt: assignment?.at),
            activitiesCounted: activities.count,
            gate: gateText(gate, mql: mql),
            note: "fit uses the records as LeadRelay last read them; interest counts the stored activities"
                + (at == nil ? "" : " up to \(ISOTimestamp.format(instant))") + ", decayed to that instant")
    }

    /// The MQL gate in words: whether the lead may cross the line again, and since when interest counts.
    static func gateText(_ gate: MQLGate, mql: ScoringConfig.MQL) -> String {
        let line = Condition.format(MQLGate.rearmLine(mql))
        var text = gate.latched
            ? (gate.recycled ? "recycled, latched: it is an MQL again only after its score is seen below \(line)"
                             : "already an MQL (one MQL per pass through the funnel; after a recycle it re-arms below \(line))")
            : "open: it becomes an MQL when it qualifies"
        if let since = gate.interestSince { text += "; interest counts evidence after the recycle at \(ISOTimestamp.format(since))" }
        return text
    }

    static func verdict(_ score: ScoreBreakdown, mql: ScoringConfig.MQL, qualifies: Bool) -> Verdict {
        var reasons: [String] = []
        let threshold = Condition.format(mql.threshold)
        if score.total >= mql.threshold {
            reasons.append("total \(Condition.format(score.total)) ≥ threshold \(threshold)")
        } else {
            reasons.append("total \(Condition.format(score.total)) < threshold \(threshold) (\(Condition.format(ScoreBreakdown.round(mql.threshold - score.total))) short)")
        }
        if let minimum = mql.minimumFit {
            let relation = score.fitScore >= minimum ? "≥" : "<"
            reasons.append("fit \(Condition.format(score.fitScore)) \(relation) minimum \(Condition.format(minimum))")
        }
        return Verdict(mql: qualifies, threshold: mql.threshold, minimumFit: mql.minimumFit,
                       why: (qualifies ? "an MQL: " : "not an MQL: ") + reasons.joined(separator: " and "))
    }

    /// One rule hit or adjustment of a breakdown: which score it counts in, its points, and what it says
    /// (`senior-title — seniority is vp`, `fit capped at 80`; a total's adjustment by its detail alone).
    struct Entry {
        var scope: ScoreBreakdown.Adjustment.Scope
        var points: Double
        var label: String
    }

    /// The breakdown's entries in the order it is read: fit rules and adjustments, interest's, then the total's.
    static func entries(_ score: ScoreBreakdown) -> [Entry] {
        var entries: [Entry] = []
        for (scope, lines) in [(ScoreBreakdown.Adjustment.Scope.fit, score.fit), (.interest, score.interest)] {
            entries += lines.map { Entry(scope: scope, points: $0.points, label: "\($0.rule) — \($0.detail)") }
            entries += score.adjustments.filter { $0.scope == scope }.map { Entry(scope: scope, points: $0.points, label: "\($0.name) \($0.detail)") }
        }
        entries += score.adjustments.filter { $0.scope == .total }.map { Entry(scope: .total, points: $0.points, label: $0.detail) }
        return entries
    }

    /// A breakdown in words, one line per rule hit and adjustment, each with its part of the score:
    /// `fit +25 senior-title — VP`, `interest −20 cap — …`, `total …`. Reports print these.
    static func lines(_ score: ScoreBreakdown) -> [String] {
        entries(score).map { "\($0.scope.rawValue) \(ScoreBreakdown.signed($0.points)) \($0.label)" }
    }

    /// The explanation as a RevOps reader wants it on a terminal.
    public func text() -> String {
        let signed = ScoreBreakdown.signed
        var lines: [String] = []
        lines.append([name, email.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " ").nonEmpty.map { "\($0)  (\(person))" } ?? person)
        lines.append("  records:  " + records.map { ref in links[ref].map { "\(ref) \($0)" } ?? ref }.joined(separator: ", "))
        lines.append("  scored at \(ISOTimestamp.format(at)) from \(activitiesCounted) activities")
        let entries = Self.entries(score)
        lines.append("  fit \(Condition.format(fit))")
        for entry in entries where entry.scope == .fit { lines.append("    \(signed(entry.points))  \(entry.label)") }
        lines.append("  interest \(Condition.format(interest))")
        for entry in entries where entry.scope == .interest { lines.append("    \(signed(entry.points))  \(entry.label)") }
        for entry in entries where entry.scope == .total { lines.append("  \(signed(entry.points))  total \(entry.label)") }
        lines.append("  total \(Condition.format(total)) — \(verdict.why)")
        lines.append("  MQL gate: \(gate)")
        var done: [String] = []
        if let score = stored.score { done.append("last stored score \(Condition.format(score))") }
        if let rep = stored.assignedTo { done.append("assigned to \(rep)" + (stored.assignedAt.map { " at \(ISOTimestamp.format($0))" } ?? "")) }
        if !done.isEmpty { lines.append("  " + done.joined(separator: "; ")) }
        lines.append("  (\(note))")
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// `nil` for an empty string.
    var nonEmpty: String? { isEmpty ? nil : self }
}
