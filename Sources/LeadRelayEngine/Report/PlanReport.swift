import Foundation
import LeadRelayCore

/// Renders a cycle's plan for people (Markdown) and programs (JSON). Built from the plan's values, never from logs.
public struct PlanReport: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case markdown
        case json
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
    }

    struct Document: Codable {
        var generatedAt: String
        var dryRun: Bool
        var streams: [CycleResult.StreamStats]
        var summary: Summary
        var assignments: [Assignment]
        var writes: [Write]
        var notifications: [Note]
        var rejected: [RejectedRecord]
        var missingReps: [String: [String]]
        var fields: [Field]
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
        var candidates: [RouteDecision.Candidate]
    }

    struct Write: Codable {
        var person: String
        var system: String
        var operation: String
        var record: String
        var fields: [String: String]
        var reason: String
    }

    struct Note: Codable {
        var person: String
        var rep: String
        var text: String
    }

    public let result: CycleResult
    public let dryRun: Bool

    public init(result: CycleResult, dryRun: Bool) {
        self.result = result
        self.dryRun = dryRun
    }

    public var summary: Summary {
        let changes = result.plan.changes
        var writes: [String: Int] = [:]
        for write in result.plan.writes { writes[write.system.rawValue, default: 0] += 1 }
        return Summary(
            peopleTouched: Set(changes.map(\.personKey)).count,
            newLinks: changes.filter { if case .link = $0.action { true } else { false } }.count,
            scoresChanged: changes.filter { if case .score = $0.action { true } else { false } }.count,
            mqlsRouted: result.plan.assignments.count,
            unrouted: changes.filter { if case .assign(let d) = $0.action { d.repID == nil } else { false } }.count,
            writes: writes, notifications: result.plan.notifications.count, rejectedRecords: result.rejected.count,
            fieldsReconciled: decisions.filter { $0.from != nil }.count, conflicts: decisions.filter(\.conflict).count,
            echoesSuppressed: result.echoesSuppressed)
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
                fields.append(Field(person: change.personKey, field: d.field, hubspot: d.hubspotValue, salesforce: d.salesforceValue,
                                    value: d.value, winner: d.from?.rawValue, rule: d.rule.rawValue, conflict: d.conflict,
                                    writeTo: d.writeTo.map(\.rawValue), held: d.held))
            case .assign(let decision):
                assignments.append(Assignment(person: change.personKey, rep: decision.repID, rule: decision.rule, reason: change.reason,
                                              candidates: decision.candidates))
            case .write(let write):
                let record = write.id.map { "\(write.system.rawValue)/\(write.object)/\($0)" } ?? "\(write.system.rawValue)/\(write.object)/(new)"
                writes.append(Write(person: change.personKey, system: write.system.rawValue, operation: write.operation.rawValue,
                                    record: record, fields: write.fields, reason: change.reason))
            case .notify(let note):
                notes.append(Note(person: change.personKey, rep: note.repID, text: note.text))
            default:
                continue
            }
        }
        return Document(generatedAt: CRMTimestamps.hubspot(result.plan.generatedAt), dryRun: dryRun, streams: result.streams,
                        summary: summary, assignments: assignments, writes: writes, notifications: notes, rejected: result.rejected,
                        missingReps: result.missingReps.mapValues { $0.map(\.rawValue) }, fields: fields)
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: (try? encoder.encode(document())) ?? Data(), as: UTF8.self) + "\n"
        case .markdown:
            return markdown(document())
        }
    }

    func markdown(_ doc: Document) -> String {
        var out = "# LeadRelay reconciliation plan\(dryRun ? " (dry run: nothing was written)" : "")\n\n"
        out += "Generated \(doc.generatedAt).\n\n## Reads\n\n| stream | read | changed | rejected | API calls |\n|---|---:|---:|---:|---:|\n"
        for stream in doc.streams { out += "| \(stream.stream) | \(stream.read) | \(stream.changed) | \(stream.rejected) | \(stream.calls) |\n" }
        let s = doc.summary
        out += """

        ## Summary

        - People touched: \(s.peopleTouched)
        - New identity links: \(s.newLinks)
        - Scores changed: \(s.scoresChanged)
        - MQLs routed: \(s.mqlsRouted)\(s.unrouted > 0 ? " (\(s.unrouted) could not be placed)" : "")
        - Writes: \(s.writes.isEmpty ? "none" : s.writes.sorted { $0.key < $1.key }.map { "\($0.value) to \($0.key)" }.joined(separator: ", "))
        - Notifications: \(s.notifications)
        - Rejected records: \(s.rejectedRecords)
        - Mapped fields reconciled: \(s.fieldsReconciled) (\(s.conflicts) conflicts); own writes read back and not propagated: \(s.echoesSuppressed)

        """
        if !doc.assignments.isEmpty {
            out += "\n## Assignments\n\n| person | rep | rule | why |\n|---|---|---|---|\n"
            for a in doc.assignments { out += "| \(cell(a.person)) | \(a.rep ?? "—") | \(a.rule) | \(cell(a.reason)) |\n" }
        }
        if !doc.writes.isEmpty {
            out += "\n## Writes\n\n| record | operation | fields | why |\n|---|---|---|---|\n"
            for w in doc.writes {
                let fields = w.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                out += "| \(w.record) | \(w.operation) | \(cell(fields)) | \(cell(w.reason)) |\n"
            }
        }
        if !doc.fields.isEmpty {
            out += "\n## Field reconciliation\n\n| person | field | HubSpot | Salesforce | result | rule | written to |\n|---|---|---|---|---|---|---|\n"
            for f in doc.fields {
                let result = (f.conflict ? "conflict → " : "") + (f.value.map { "'\($0)'" } ?? "blank") + (f.held.map { " (held: \($0))" } ?? "")
                out += "| \(cell(f.person)) | \(f.field) | \(cell(f.hubspot ?? "—")) | \(cell(f.salesforce ?? "—")) | \(cell(result)) | \(f.rule) | \(f.writeTo.isEmpty ? "—" : f.writeTo.joined(separator: ", ")) |\n"
            }
        }
        if !doc.notifications.isEmpty {
            out += "\n## Notifications\n\n| rep | message |\n|---|---|\n"
            for n in doc.notifications { out += "| \(n.rep) | \(cell(n.text)) |\n" }
        }
        if !doc.rejected.isEmpty {
            out += "\n## Records skipped\n\n| record | reason |\n|---|---|\n"
            for r in doc.rejected { out += "| \(r.system.rawValue)/\(r.object)/\(r.id ?? "?") | \(cell(r.reason)) |\n" }
        }
        if !doc.missingReps.isEmpty {
            out += "\n## Reps unknown to a CRM (their writes there are skipped)\n\n"
            for (rep, systems) in doc.missingReps.sorted(by: { $0.key < $1.key }) { out += "- \(rep): \(systems.joined(separator: ", "))\n" }
        }
        return out
    }

    func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
