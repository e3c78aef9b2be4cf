import Foundation
import LeadRelayCore
import LeadRelayNotify

/// The plan's document rendered as Markdown, CSV and a self-contained HTML page.
extension PlanReport {
    func markdown(_ doc: Document) -> String {
        var out = "# LeadRelay reconciliation plan\(dryRun ? " (dry run: nothing was written)" : "")\n\n"
        out += "Generated \(doc.generatedAt).\n\n## Reads\n\n| stream | read | changed | rejected | API calls |\n|---|---:|---:|---:|---:|\n"
        for stream in doc.streams { out += "| \(stream.stream) | \(stream.read) | \(stream.changed) | \(stream.rejected) | \(stream.calls) |\n" }
        if let problems = doc.streamProblems {
            out += "\nStreams not read this cycle (the rest went on):\n\n| stream | state | next try | why |\n|---|---|---|---|\n"
            for p in problems { out += "| \(p.stream) | \(p.state) | \(p.retryAt) | \(cell(p.reason)) |\n" }
        }
        if let off = doc.featuresOff {
            out += "\nFeatures off: the CRM lacks the fields they need (`leadrelay setup` creates them):\n\n| feature | where | key | why |\n|---|---|---|---|\n"
            for f in off { out += "| \(f.feature) | \(f.place) | \(f.key) | \(cell(f.why)) |\n" }
        }
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
        - Fields enriched: \(s.fieldsEnriched)
        - Duplicates flagged: \(s.duplicatesFlagged)

        """
        if !doc.assignments.isEmpty {
            out += "\n## Assignments\n\n| person | rep | rule | why |\n|---|---|---|---|\n"
            for a in doc.assignments { out += "| \(cell(names.lead(a.person))) | \(cell(a.rep.map(names.rep) ?? "—")) | \(a.rule) | \(cell(a.reason)) |\n" }
        }
        if !doc.lifecycle.isEmpty {
            out += "\n## Lifecycle\n\n| person | from | to | why |\n|---|---|---|---|\n"
            for m in doc.lifecycle { out += "| \(cell(names.lead(m.person))) | \(m.from) | \(m.to) | \(cell(m.why)) |\n" }
        }
        if !doc.scores.isEmpty {
            out += "\n## Scores\n\n| person | total | fit | interest | MQL | why | breakdown |\n|---|---:|---:|---:|---|---|---|\n"
            for sc in doc.scores {
                out += "| \(cell(names.lead(sc.person))) | \(Self.number(sc.total))\(sc.previous.map { " (was \(Self.number($0)))" } ?? "") | \(Self.number(sc.fit)) | "
                    + "\(Self.number(sc.interest)) | \(sc.mql.map { $0 ? "yes" : "no" } ?? "—") | \(cell(sc.why)) | \(cell(sc.lines.joined(separator: "; "))) |\n"
            }
        }
        if !doc.writes.isEmpty {
            out += "\n## Writes\n\n| record | operation | fields | why |\n|---|---|---|---|\n"
            for w in doc.writes {
                let fields = Self.fieldList(w.fields, separator: ", ")
                out += "| \(w.record) | \(w.operation) | \(cell(fields)) | \(cell(w.reason)) |\n"
            }
        }
        if !doc.fields.isEmpty {
            out += "\n## Field reconciliation\n\n| person | field | HubSpot | Salesforce | result | rule | written to |\n|---|---|---|---|---|---|---|\n"
            for f in doc.fields {
                let result = (f.conflict ? "conflict → " : "") + (f.value.map { "'\($0)'" } ?? "blank") + (f.held.map { " (held: \($0))" } ?? "")
                out += "| \(cell(names.lead(f.person))) | \(f.field) | \(cell(f.hubspot ?? "—")) | \(cell(f.salesforce ?? "—")) | \(cell(result)) | \(f.rule) | \(f.writeTo.isEmpty ? "—" : f.writeTo.joined(separator: ", ")) |\n"
            }
        }
        if !doc.enriched.isEmpty {
            out += "\n## Enrichment\n\n| person | field | value | source | since | replaced |\n|---|---|---|---|---|---|\n"
            for e in doc.enriched {
                out += "| \(cell(names.lead(e.person))) | \(e.field) | \(cell(e.value)) | \(e.source) | \(e.since) | \(cell(e.replaced ?? "—")) |\n"
            }
        }
        if !doc.duplicates.isEmpty {
            out += "\n## Duplicates within one CRM\n\n| person | survivor | duplicate | action | evidence |\n|---|---|---|---|---|\n"
            for d in doc.duplicates { out += "| \(cell(names.lead(d.person))) | \(d.survivor) | \(d.duplicate) | \(d.action) | \(cell(d.evidence)) |\n" }
        }
        if let people = doc.people {
            out += "\n## People\n\n| person | key | records |\n|---|---|---|\n"
            for (key, lead) in people.sorted(by: { $0.key < $1.key }) {
                let records = lead.records.map { record in record.url.map { "[\(record.ref)](\($0))" } ?? record.ref }.joined(separator: ", ")
                out += "| \(cell(lead.person.label)) | \(cell(key)) | \(cell(records)) |\n"
            }
        }
        if !doc.drift.isEmpty {
            out += "\n## Drift: where HubSpot and Salesforce disagree now\n\n| field | people |\n|---|---:|\n"
            for (field, count) in doc.drift.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) { out += "| \(field) | \(count) |\n" }
        }
        if !doc.notifications.isEmpty {
            out += "\n## Notifications\n\n| rep | message |\n|---|---|\n"
            for n in doc.notifications { out += "| \(cell(names.rep(n.rep))) | \(cell(n.text)) |\n" }
        }
        if !doc.rejected.isEmpty {
            out += "\n## Records skipped\n\n| record | reason |\n|---|---|\n"
            for r in doc.rejected { out += "| \(r.system.rawValue)/\(r.object)/\(r.id ?? "?") | \(cell(r.reason)) |\n" }
        }
        if !doc.quarantined.isEmpty {
            out += "\n## Quarantined writes (refused by the CRM; not retried)\n\n| record | fields | CRM error | since |\n|---|---|---|---|\n"
            for q in doc.quarantined {
                let fields = Self.fieldList(q.fields, separator: ", ")
                out += "| \(q.record) | \(cell(fields)) | \(cell(q.error)) | \(q.since) |\n"
            }
        }
        if !doc.missingReps.isEmpty {
            out += "\n## Reps unknown to a CRM (their writes there are skipped)\n\n"
            for (rep, systems) in doc.missingReps.sorted(by: { $0.key < $1.key }) { out += "- \(rep): \(systems.joined(separator: ", "))\n" }
        }
        return out
    }

    /// One row per item (assignment, write, field, notification, skipped record), for spreadsheets. RFC 4180 quoting.
    func csv(_ doc: Document) -> String {
        var rows: [[String]] = [["kind", "person", "record", "field", "hubspot", "salesforce", "value", "rule", "detail"]]
        for p in doc.streamProblems ?? [] { rows.append(["stream-" + p.state, "", p.stream, "", "", "", "", "", "\(p.reason); next try \(p.retryAt)"]) }
        for f in doc.featuresOff ?? [] { rows.append(["feature-off", "", "", f.key, "", "", f.feature, "", "\(f.place): \(f.why)"]) }
        for a in doc.assignments { rows.append(["assignment", names.lead(a.person), "", "", "", "", a.rep.map(names.rep) ?? "", a.rule, a.reason]) }
        for m in doc.lifecycle { rows.append(["lifecycle", names.lead(m.person), "", "", "", "", "\(m.from) → \(m.to)", m.reasonCode, m.why]) }
        for sc in doc.scores {
            rows.append(["score", names.lead(sc.person), "", "", "", "", Self.number(sc.total), sc.mql.map { $0 ? "mql" : "not-mql" } ?? "",
                         ([sc.why] + sc.lines).filter { !$0.isEmpty }.joined(separator: "; ")])
        }
        for w in doc.writes {
            let fields = Self.fieldList(w.fields, separator: "; ")
            rows.append(["write", names.lead(w.person), w.record, fields, "", "", w.operation, "", w.reason])
        }
        for f in doc.fields {
            rows.append([f.conflict ? "conflict" : "field", names.lead(f.person), "", f.field, f.hubspot ?? "", f.salesforce ?? "", f.value ?? "", f.rule,
                         f.held ?? (f.writeTo.isEmpty ? "" : "write to " + f.writeTo.joined(separator: ", "))])
        }
        for e in doc.enriched { rows.append(["enriched", names.lead(e.person), "", e.field, "", "", e.value, e.source, e.replaced.map { "replaced '\($0)'" } ?? "since \(e.since)"]) }
        for d in doc.duplicates { rows.append(["duplicate", names.lead(d.person), d.duplicate, "", "", "", d.survivor, d.action, d.evidence]) }
        for n in doc.notifications { rows.append(["notification", names.lead(n.person), "", "", "", "", names.rep(n.rep), "", n.text]) }
        for r in doc.rejected { rows.append(["skipped", "", "\(r.system.rawValue)/\(r.object)/\(r.id ?? "?")", "", "", "", "", "", r.reason]) }
        for q in doc.quarantined {
            let fields = Self.fieldList(q.fields, separator: "; ")
            rows.append(["quarantined", names.lead(q.person), q.record, fields, "", "", "", "", q.error])
        }
        return rows.map(CSV.row).joined(separator: "\r\n") + "\r\n"
    }

    /// A self-contained page (no scripts, no external files): summary counts, then each section as a table.
    func html(_ doc: Document) -> String {
        let esc = HTMLText.escape
        func table(_ title: String, _ head: [String], _ rows: [[String]]) -> String {
            guard !rows.isEmpty else { return "" }
            var out = "<h2>\(esc(title))</h2>\n<table>\n<tr>" + head.map { "<th>\(esc($0))</th>" }.joined() + "</tr>\n"
            for row in rows { out += "<tr>" + row.map { "<td>\(esc($0))</td>" }.joined() + "</tr>\n" }
            return out + "</table>\n"
        }
        let s = doc.summary
        var out = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>LeadRelay reconciliation plan</title>
        <style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
        th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}
        .counts td:last-child{text-align:right}</style></head><body>
        <h1>LeadRelay reconciliation plan\(dryRun ? " (dry run: nothing was written)" : "")</h1>
        <p>Generated \(esc(doc.generatedAt)).</p>

        """
        out += table("Summary", ["", "count"], [
            ["People touched", "\(s.peopleTouched)"], ["New identity links", "\(s.newLinks)"], ["Scores changed", "\(s.scoresChanged)"],
            ["MQLs routed", "\(s.mqlsRouted)"], ["Could not be placed", "\(s.unrouted)"],
            ["Writes", s.writes.isEmpty ? "0" : s.writes.sorted { $0.key < $1.key }.map { "\($0.value) to \($0.key)" }.joined(separator: ", ")],
            ["Notifications", "\(s.notifications)"], ["Rejected records", "\(s.rejectedRecords)"],
            ["Mapped fields reconciled", "\(s.fieldsReconciled)"], ["Conflicts", "\(s.conflicts)"], ["Own writes read back", "\(s.echoesSuppressed)"],
            ["Fields enriched", "\(s.fieldsEnriched)"], ["Duplicates flagged", "\(s.duplicatesFlagged)"],
        ]).replacingOccurrences(of: "<table>", with: "<table class=\"counts\">")
        out += table("Reads", ["stream", "read", "changed", "rejected", "API calls"],
                     doc.streams.map { [$0.stream, "\($0.read)", "\($0.changed)", "\($0.rejected)", "\($0.calls)"] })
        out += table("Streams not read this cycle", ["stream", "state", "next try", "why"],
                     (doc.streamProblems ?? []).map { [$0.stream, $0.state, $0.retryAt, $0.reason] })
        out += table("Features off (leadrelay setup creates their fields)", ["feature", "where", "key", "why"],
                     (doc.featuresOff ?? []).map { [$0.feature, $0.place, $0.key, $0.why] })
        out += table("Assignments", ["person", "rep", "rule", "why"], doc.assignments.map { [names.lead($0.person), $0.rep.map(names.rep) ?? "—", $0.rule, $0.reason] })
        out += table("Lifecycle", ["person", "from", "to", "why"], doc.lifecycle.map { [names.lead($0.person), $0.from, $0.to, $0.why] })
        out += table("Scores", ["person", "total", "fit", "interest", "MQL", "why", "breakdown"], doc.scores.map { sc in
            [names.lead(sc.person), Self.number(sc.total) + (sc.previous.map { " (was \(Self.number($0)))" } ?? ""), Self.number(sc.fit),
             Self.number(sc.interest), sc.mql.map { $0 ? "yes" : "no" } ?? "—", sc.why, sc.lines.joined(separator: "\n")]
        })
        out += table("Writes", ["record", "operation", "fields", "why"], doc.writes.map { w in
            [w.record, w.operation, Self.fieldList(w.fields, separator: ", "), w.reason]
        })
        out += table("Field reconciliation", ["person", "field", "HubSpot", "Salesforce", "result", "rule", "written to"], doc.fields.map { f in
            [names.lead(f.person), f.field, f.hubspot ?? "—", f.salesforce ?? "—",
             (f.conflict ? "conflict → " : "") + (f.value.map { "'\($0)'" } ?? "blank") + (f.held.map { " (held: \($0))" } ?? ""),
             f.rule, f.writeTo.isEmpty ? "—" : f.writeTo.joined(separator: ", ")]
        })
        out += table("Enrichment", ["person", "field", "value", "source", "since", "replaced"], doc.enriched.map { e in
            [names.lead(e.person), e.field, e.value, e.source, e.since, e.replaced ?? "—"]
        })
        out += table("Duplicates within one CRM", ["person", "survivor", "duplicate", "action", "evidence"], doc.duplicates.map { d in
            [names.lead(d.person), d.survivor, d.duplicate, d.action, d.evidence]
        })
        if let people = doc.people {
            out += "<h2>People</h2>\n<table>\n<tr><th>person</th><th>key</th><th>records</th></tr>\n"
            for (key, lead) in people.sorted(by: { $0.key < $1.key }) {
                let records = lead.records.map { record in
                    record.url.map { "<a href=\"\(esc($0))\">\(esc(record.ref))</a>" } ?? esc(record.ref)
                }.joined(separator: ", ")
                out += "<tr><td>\(esc(lead.person.label))</td><td>\(esc(key))</td><td>\(records)</td></tr>\n"
            }
            out += "</table>\n"
        }
        out += table("Drift: where HubSpot and Salesforce disagree now", ["field", "people"],
                     doc.drift.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { [$0.key, "\($0.value)"] })
        out += table("Notifications", ["rep", "message"], doc.notifications.map { [names.rep($0.rep), $0.text] })
        out += table("Records skipped", ["record", "reason"], doc.rejected.map { ["\($0.system.rawValue)/\($0.object)/\($0.id ?? "?")", $0.reason] })
        out += table("Quarantined writes (refused by the CRM; not retried)", ["record", "fields", "CRM error", "since"], doc.quarantined.map { q in
            [q.record, Self.fieldList(q.fields, separator: ", "), q.error, q.since]
        })
        return out + "</body></html>\n"
    }

    /// A score as people read it (`42.5`, `100`).
    static func number(_ value: Double) -> String { Condition.format(value) }

    /// `name=value` pairs in name order.
    static func fieldList(_ fields: [String: String], separator: String) -> String {
        fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: separator)
    }

    func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
