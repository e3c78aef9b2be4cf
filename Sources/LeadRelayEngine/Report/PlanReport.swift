import Foundation
import LeadRelayCore
import LeadRelayNotify

/// Renders a cycle's plan for people (Markdown) and programs (JSON). Built from the plan's values, never from logs.
public struct PlanReport: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case markdown
        case json
        case csv
        case html
    }

    public struct Summary: Sendable, Codable, Hashable {
        public var peopleTouched: Int
        public var newLinks: Int
        public var scoresChanged: Int
        public var mqlsRouted: Int
        public var unrouted: Int
        public var writes: [String: Int]
        public var notifications: Int
        public var rejectedRecords: Int
        /// Mapped fields given a new value to hold in both systems.
        public var fieldsReconciled: Int
        public var conflicts: Int
        /// LeadRelay's own writes read back and recognised (never propagated again).
        public var echoesSuppressed: Int
        /// Fields enrichment filled (or filled differently) this cycle.
        public var fieldsEnriched: Int
        /// Records flagged as duplicates of a surviving record this cycle.
        public var duplicatesFlagged: Int
        /// Planned changes per reason code (`route.assigned`, `field.conflict`, …).
        public var reasons: [String: Int] = [:]
    }

    struct Document: Codable {
        var generatedAt: String
        var dryRun: Bool
        var streams: [CycleResult.StreamStats]
        /// Streams not read normally (absent when every stream was): failing and backed off, or off for want of access.
        var streamProblems: [StreamIssue]?
        /// Features start-up switched off because the fields they need are missing (absent when none is off).
        var featuresOff: [FeatureOff]?
        var summary: Summary
        var assignments: [Assignment]
        var writes: [Write]
        var notifications: [Note]
        var rejected: [RejectedRecord]
        var missingReps: [String: [String]]
        var fields: [Field]
        /// Per mapped field: how many of the people read hold different values in the two systems right now.
        var drift: [String: Int]
        /// Earlier writes the CRM refused for good, with its own error: kept for people to resolve.
        var quarantined: [Quarantined]
        /// Fields enrichment filled this cycle, with provenance.
        var enriched: [Enriched]
        /// Duplicate records within one CRM: the survivor, each duplicate and the evidence.
        var duplicates: [Duplicate]
        /// Person key → name, address and records with their CRM pages (absent when the report was not given names).
        var people: [String: ReportNames.Lead]?
        /// Rep id → name and address (absent when the report was not given names).
        var reps: [String: ReportNames.Person]?
        /// Every new score with its breakdown and why it is or is not an MQL (the breakdown `explain lead` prints).
        var scores: [Score]
        /// Every stage a person moved to: the MQL, and what sales did in either CRM (accepted, qualified, recycled, …).
        var lifecycle: [Move]
    }

    /// One person's new score: each rule hit with its points (decay and caps in the detail), and the verdict.
    struct Score: Codable {
        var person: String
        var total: Double
        var fit: Double
        var interest: Double
        var previous: Double?
        /// `nil` when the report was not given the MQL line.
        var mql: Bool?
        var why: String
        /// The breakdown in words, one line per rule hit or adjustment (`fit +25 senior-title — VP`).
        var lines: [String]
        var breakdown: ScoreBreakdown
    }

    struct Move: Codable {
        var person: String
        var from: String
        var to: String
        var why: String
        var reasonCode: String
    }

    struct Duplicate: Codable {
        var person: String
        var survivor: String
        var duplicate: String
        /// `flag` (the survivor's id written on the duplicate) or `merge` (into the survivor; `undo merge` restores it).
        var action: String
        var evidence: String
    }

    struct Enriched: Codable {
        var person: String
        var field: String
        var value: String
        var source: String
        var since: String
        /// The entered value enrichment replaced (only for fields `enrichment.overwrite` names).
        var replaced: String?
    }

    struct FeatureOff: Codable {
        var feature: String
        /// `file:line` of the mapping key.
        var place: String
        var key: String
        var why: String
    }

    struct StreamIssue: Codable {
        var stream: String
        var state: String
        var reason: String
        var retryAt: String
    }

    struct Quarantined: Codable {
        var person: String
        var record: String
        var fields: [String: String]
        var error: String
        var since: String
    }

    /// One reconciled field of one person: what each system held, which won by which rule, and what is written.
    struct Field: Codable {
        var person: String
        var field: String
        var hubspot: String?
        var salesforce: String?
        var value: String?
        var winner: String?
        var rule: String
        var conflict: Bool
        var writeTo: [String]
        var held: String?
    }

    struct Assignment: Codable {
        var person: String
        var rep: String?
        var rule: String
        var reason: String
        var reasonCode: String
        var candidates: [RouteDecision.Candidate]
    }

    struct Write: Codable {
        var person: String
        var system: String
        var operation: String
        var record: String
        var fields: [String: String]
        var reason: String
        var reasonCode: String
    }

    struct Note: Codable {
        var person: String
        var rep: String
        var text: String
    }

    public let result: CycleResult
    public let dryRun: Bool
    /// Outbox entries that failed for good (the store's, not this plan's).
    public let quarantined: [OutboxEntry]

    /// Features switched off at start-up (`Daemon.disabledFeatures`).
    public let featuresOff: [DisabledFeature]

    /// How people are named and records linked (`ReportNames.gather`); `.none` names them by key.
    public let names: ReportNames

    /// The scoring the plan was made with, to say of each score why it is or is not an MQL (`nil`: only the breakdown).
    public let scoring: ScoringConfig?

    public init(result: CycleResult, dryRun: Bool, quarantined: [OutboxEntry] = [], featuresOff: [DisabledFeature] = [],
                names: ReportNames = .none, scoring: ScoringConfig? = nil) {
        self.result = result
        self.scoring = scoring
        self.names = names
        self.dryRun = dryRun
        self.featuresOff = featuresOff
        // Refused writes, and the fields a CRM refused while taking the rest of a write.
        self.quarantined = quarantined.filter { $0.status == .failed || !$0.refusedFields.isEmpty }
    }

    public var summary: Summary {
        let changes = result.plan.changes
        var writes: [String: Int] = [:]
        for write in result.plan.writes { writes[write.system.rawValue, default: 0] += 1 }
        var reasons: [String: Int] = [:]
        for change in changes { reasons[change.reason.code.rawValue, default: 0] += 1 }
        var summary = Summary(
            peopleTouched: Set(changes.map(\.subject)).count,
            newLinks: changes.filter { if case .link = $0.action { true } else { false } }.count,
            scoresChanged: changes.filter { if case .score = $0.action { true } else { false } }.count,
            mqlsRouted: result.plan.assignments.count,
            unrouted: changes.filter { if case .assign(let d) = $0.action { d.repID == nil } else { false } }.count,
            writes: writes, notifications: result.plan.notifications.count, rejectedRecords: result.rejected.count,
            fieldsReconciled: decisions.filter { $0.from != nil }.count, conflicts: decisions.filter(\.conflict).count,
            echoesSuppressed: result.echoesSuppressed, fieldsEnriched: enriched.count, duplicatesFlagged: duplicates.count)
        summary.reasons = reasons
        return summary
    }

    /// Every duplicate flagged this cycle, beside its survivor.
    var duplicates: [Duplicate] {
        result.plan.changes.flatMap { change -> [Duplicate] in
            guard case .duplicates(let set) = change.action else { return [] }
            return set.duplicates.map { Duplicate(person: change.subject.rawValue, survivor: set.survivor.description, duplicate: $0.ref.description,
                                                  action: $0.merge ? "merge" : "flag", evidence: $0.evidence) }
        }
    }

    /// Every enriched field of the people whose enrichment changed, with provenance.
    var enriched: [Enriched] {
        result.plan.changes.flatMap { change -> [Enriched] in
            guard case .enrich(let fills) = change.action else { return [] }
            return fills.map { Enriched(person: change.subject.rawValue, field: $0.field, value: $0.value, source: $0.source,
                                        since: ISOTimestamp.format($0.filledAt), replaced: $0.replaced) }
        }
    }

    /// Every score the plan changed, with its breakdown and verdict.
    var scores: [Score] {
        let crossed = Set(result.plan.changes.compactMap { change in if case .lifecycle(_, .mql) = change.action { change.person } else { nil } })
        let scorer = scoring.map(Scorer.init(config:))
        return result.plan.changes.compactMap { change -> Score? in
            guard case .score(let score) = change.action else { return nil }
            var mql: Bool?
            var why = ""
            if let scorer {
                let verdict = LeadExplanation.verdict(score, mql: scorer.config.mql, qualifies: scorer.qualifies(score))
                mql = verdict.mql
                why = verdict.why
            }
            if let person = change.person, crossed.contains(person), mql != false {
                why += (why.isEmpty ? "" : "; ") + "crossed the MQL line in this plan"
            } else if mql == true {
                why += "; no new MQL: already past the line (one MQL per pass through the funnel), with sales, or held for the backlog"
            }
            return Score(person: change.subject.rawValue, total: score.total, fit: score.fitScore, interest: score.interestScore,
                         previous: change.reason.facts["previous"].flatMap(Double.init), mql: mql, why: why,
                         lines: LeadExplanation.lines(score), breakdown: score)
        }
    }

    /// Every stage change the plan makes or records.
    var moves: [Move] {
        result.plan.changes.compactMap { change -> Move? in
            guard case .lifecycle(let from, let to) = change.action else { return nil }
            return Move(person: change.subject.rawValue, from: from.rawValue, to: to.rawValue, why: change.reason.text,
                        reasonCode: change.reason.code.rawValue)
        }
    }

    var decisions: [FieldDecision] {
        result.plan.changes.compactMap { if case .reconcile(let decision) = $0.action { decision } else { nil } }
    }

    func document() -> Document {
        var assignments: [Assignment] = []
        var writes: [Write] = []
        var notes: [Note] = []
        var fields: [Field] = []
        for change in result.plan.changes {
            switch change.action {
            case .reconcile(let d) where d.from != nil || d.held != nil:
                fields.append(Field(person: change.subject.rawValue, field: d.field, hubspot: d.hubspotValue, salesforce: d.salesforceValue,
                                    value: d.value, winner: d.from?.rawValue, rule: d.rule.rawValue, conflict: d.conflict,
                                    writeTo: d.writeTo.map(\.rawValue), held: d.held))
            case .assign(let decision):
                assignments.append(Assignment(person: change.subject.rawValue, rep: decision.repID, rule: decision.rule, reason: change.reason.text,
                                              reasonCode: change.reason.code.rawValue, candidates: decision.candidates))
            case .write(let write):
                let record = write.id.map { "\(write.system.rawValue)/\(write.object)/\($0)" } ?? "\(write.system.rawValue)/\(write.object)/(new)"
                writes.append(Write(person: change.subject.rawValue, system: write.system.rawValue, operation: write.operation.rawValue,
                                    record: record, fields: write.fields, reason: change.reason.text, reasonCode: change.reason.code.rawValue))
            case .notify(let note):
                notes.append(Note(person: change.subject.rawValue, rep: note.repID, text: NotificationText.plain(note)))
            default:
                continue
            }
        }
        return Document(generatedAt: ISOTimestamp.format(result.plan.generatedAt), dryRun: dryRun, streams: result.streams,
                        streamProblems: result.streamProblems.isEmpty ? nil : result.streamProblems.map {
                            StreamIssue(stream: $0.stream, state: $0.state.rawValue, reason: $0.reason, retryAt: ISOTimestamp.format($0.retryAt))
                        },
                        featuresOff: featuresOff.isEmpty ? nil : featuresOff.map {
                            FeatureOff(feature: $0.feature, place: "\($0.finding.file):\($0.finding.line.map(String.init) ?? "?")", key: $0.finding.key,
                                       why: $0.finding.message)
                        },
                        summary: summary, assignments: assignments, writes: writes, notifications: notes, rejected: result.rejected,
                        missingReps: result.missingReps.mapValues { $0.map(\.rawValue) }, fields: fields, drift: drift,
                        quarantined: quarantined.compactMap { entry in
                            guard case .write(let write) = entry.payload else { return nil }
                            let record = "\(write.system.rawValue)/\(write.object)/\(write.id ?? "(new)")"
                            if entry.status != .failed {
                                return Quarantined(person: entry.subject.rawValue, record: record,
                                                   fields: write.fields.filter { entry.refusedFields[$0.key] != nil },
                                                   error: entry.refusedFields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "),
                                                   since: ISOTimestamp.format(entry.finishedAt ?? entry.createdAt))
                            }
                            return Quarantined(person: entry.subject.rawValue, record: record, fields: write.fields, error: entry.lastError ?? "",
                                               since: ISOTimestamp.format(entry.finishedAt ?? entry.createdAt))
                        }, enriched: enriched, duplicates: duplicates,
                        people: names.leads.isEmpty ? nil : Dictionary(uniqueKeysWithValues: names.leads.map { ($0.key.rawValue, $0.value) }),
                        reps: names.reps.isEmpty ? nil : names.reps, scores: scores, lifecycle: moves)
    }

    /// Fields where the two systems disagree before this plan is applied, counted per field.
    var drift: [String: Int] {
        var counts: [String: Int] = [:]
        for decision in decisions where decision.hubspotValue != decision.salesforceValue { counts[decision.field, default: 0] += 1 }
        return counts
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: (try? encoder.encode(document())) ?? Data(), as: UTF8.self) + "\n"
        case .markdown:
            return markdown(document())
        case .csv:
            return csv(document())
        case .html:
            return html(document())
        }
    }
}
