import Foundation
import LeadRelayCore

extension Replay {
    public enum Format: String, Sendable, CaseIterable {
        case markdown, json, html
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .markdown: markdown()
        case .json: json()
        case .html: html()
        }
    }

    static func when(_ date: Date?) -> String { date.map(ISOTimestamp.format) ?? "—" }

    static func owner(_ outcome: Outcome) -> String {
        guard outcome.mqlAt != nil else { return "not an MQL" }
        guard let rep = outcome.rep else { return "nobody (\(outcome.rule ?? "none"))" }
        return "\(rep.label) (\(outcome.rule ?? ""))"
    }

    /// Rows of the changed leads: person, MQL before → after, owner before → after, why (the new decision's reason).
    var rows: [[String]] {
        changed.map { lead in
            [lead.lead.label, Self.when(lead.before.mqlAt), Self.when(lead.after.mqlAt), Self.owner(lead.before), Self.owner(lead.after),
             lead.after.reason ?? (lead.after.mqlAt == nil ? "does not qualify under the other configuration" : "")]
        }
    }

    var summaryRows: [[String]] {
        [["people scored in the window", "\(people)"], ["MQLs (current → other)", "\(mqlsBefore) → \(mqlsAfter)"],
         ["MQLs gained", "\(gained.count)"], ["MQLs lost", "\(lost.count)"],
         ["owners that would change", "\(changed.filter { $0.before.mqlAt != nil && $0.after.mqlAt != nil }.count)"],
         ["current configuration replayed = what happened", "\(fidelity.matched) of \(fidelity.assigned) assigned"]]
    }

    func markdown() -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var out = "# LeadRelay replay (nothing was written)\n\n"
        out += "Window: since \(window). Current configuration \(currentConfig.prefix(12)), other \(otherConfig.prefix(12)).\n\n"
        out += "| | |\n|---|---|\n" + summaryRows.map { "| \($0[0]) | \($0[1]) |" }.joined(separator: "\n") + "\n\n"
        out += "## Workload per rep (MQLs in the window)\n\n| rep | current | other | change |\n|---|---:|---:|---:|\n"
        for line in workload {
            out += "| \(cell(line.rep.label)) | \(line.before) | \(line.after) | \(line.after - line.before >= 0 ? "+" : "")\(line.after - line.before) |\n"
        }
        out += "\n## Leads that would change\n\n"
        if changed.isEmpty {
            out += "None: the other configuration decides every lead in the window as the current one does.\n"
        } else {
            out += "| lead | MQL (current) | MQL (other) | owner (current) | owner (other) | why |\n|---|---|---|---|---|---|\n"
            for row in rows { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
        }
        return out
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISOTimestamp.format(date))
        }
        struct Document: Encodable {
            var replay: Replay
            var gained: [String]
            var lost: [String]
        }
        let data = (try? encoder.encode(Document(replay: self, gained: gained.map(\.person), lost: lost.map(\.person)))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func html() -> String {
        let esc = HTMLText.escape
        func table(_ head: [String], _ rows: [[String]]) -> String {
            "<table>\n<tr>" + head.map { "<th>\(esc($0))</th>" }.joined() + "</tr>\n"
                + rows.map { "<tr>" + $0.map { "<td>\(esc($0))</td>" }.joined() + "</tr>\n" }.joined() + "</table>\n"
        }
        var out = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>LeadRelay replay</title>
        <style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
        th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}</style></head><body>
        <h1>LeadRelay replay (nothing was written)</h1>
        <p>Window: since \(esc(window)). Current configuration \(esc(String(currentConfig.prefix(12)))), other \(esc(String(otherConfig.prefix(12)))).</p>

        """
        out += table(["", ""], summaryRows)
        out += "<h2>Workload per rep (MQLs in the window)</h2>\n"
        out += table(["rep", "current", "other", "change"], workload.map { [$0.rep.label, "\($0.before)", "\($0.after)", "\($0.after - $0.before)"] })
        out += "<h2>Leads that would change</h2>\n"
        if changed.isEmpty {
            out += "<p>None: the other configuration decides every lead in the window as the current one does.</p>\n"
        } else {
            out += "<table>\n<tr><th>lead</th><th>records</th><th>MQL (current)</th><th>MQL (other)</th><th>owner (current)</th><th>owner (other)</th><th>why</th></tr>\n"
            for (lead, row) in zip(changed, rows) {
                let records = lead.records.map { record in
                    record.url.map { "<a href=\"\(esc($0))\">\(esc(record.ref))</a>" } ?? esc(record.ref)
                }.joined(separator: ", ")
                out += "<tr><td>\(esc(row[0]))</td><td>\(records)</td>" + row.dropFirst().map { "<td>\(esc($0))</td>" }.joined() + "</tr>\n"
            }
            out += "</table>\n"
        }
        return out + "</body></html>\n"
    }
}
