import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// An alert as a Slack Block Kit message: the plain text (the notification and fallback text Slack requires beside
/// blocks), a header, who the lead is with a link to their CRM page, score, rule and holder, the top behaviours and the
/// fit that scored, and a link to each record in its CRM (SLA-ALERTS-OPS.md §4).
///
/// Every value from a CRM is escaped for mrkdwn (`&`, `<`, `>`), so a name cannot inject a link or a mention, and
/// every text is kept within Slack's limits (header 150, section 3,000, field 2,000 characters). Links are plain
/// mrkdwn links, not URL buttons: a webhook-only app cannot acknowledge button clicks.
public enum SlackMessage {
    /// The webhook body: `text` and `blocks`.
    public static func payload(_ note: LeadRelayCore.Notification, links: RecordLinks) -> JSONValue {
        // The text is mrkdwn too (and what notifications show): escaped like every other value.
        let text = clip(escape(NotificationText.plain(note)), 3_900)
        // An alert queued before alerts were values has only its text.
        guard note.lead.legacyText == nil else { return ["text": .string(text), "username": "LeadRelay"] }
        let blocks = note.kind == .digest ? digestBlocks(note, links: links) : blocks(note, links: links)
        return ["text": .string(text), "username": "LeadRelay", "blocks": .array(blocks)]
    }

    static func blocks(_ note: LeadRelayCore.Notification, links: RecordLinks) -> [JSONValue] {
        let lead = note.lead
        let who = lead.name ?? lead.email ?? lead.personKey?.rawValue ?? "a lead"
        let header: String = switch note.kind {
        case .newMQL: "New MQL: \(who)"
        case .slaReminder: "Waiting for a first touch: \(who)"
        case .escalation: "SLA missed\(lead.owner.map { " by \($0)" } ?? ""): \(who)"
        case .recycled: "Recycled to marketing: \(who)"
        case .stranded: "Nobody could take this MQL: \(who)"
        case .digest: "Leads assigned to you: \(who)"
        }
        let page = lead.records.lazy.compactMap { links.url($0) }.first
        var line = page.map { "*<\(safeURL($0))|\(escape(who))>*" } ?? "*\(escape(who))*"
        let role = [lead.title, lead.company].compactMap { $0 }.map(escape).joined(separator: " at ")
        if !role.isEmpty { line += " · " + role }
        if let email = lead.email, email != lead.name { line += "\n" + escape(email) }
        var fields = [field("Score", "\(format(lead.score)) (fit \(format(lead.fit)) · interest \(format(lead.interest)))"),
                      field("Routed by", escape(lead.routedBy.isEmpty ? "—" : lead.routedBy))]
        fields.append(field(note.kind == .stranded ? "Waits in" : "Owner", escape(note.kind == .stranded ? "the stranded queue" : note.repID)))
        var blocks: [JSONValue] = [
            ["type": "header", "text": ["type": "plain_text", "text": .string(clip(header, 150)), "emoji": false]],
            ["type": "section", "text": ["type": "mrkdwn", "text": .string(clip(line, 3_000))], "fields": .array(fields)],
        ]
        if let breakdown = lead.breakdown {
            let behaviours = breakdown.interest.sorted { ($0.points, $1.rule) > ($1.points, $0.rule) }.prefix(3)
            let fit = breakdown.fit.sorted { (abs($0.points), $1.rule) > (abs($1.points), $0.rule) }.prefix(4)
            var why: [JSONValue] = []
            if !behaviours.isEmpty { why.append(field("Top behaviours", bullets(Array(behaviours)))) }
            if !fit.isEmpty { why.append(field("Fit", bullets(Array(fit)))) }
            if !why.isEmpty { blocks.append(["type": "section", "fields": .array(why)]) }
        }
        let records = lead.records.prefix(10).map { ref -> JSONValue in
            let label = "\(ref.system == .hubspot ? "HubSpot" : "Salesforce") \(ref.object) \(ref.id)"
            let text = links.url(ref).map { "<\(safeURL($0))|\(escape(label))>" } ?? escape(label)
            return ["type": "mrkdwn", "text": .string(clip(text, 2_000))]
        }
        if !records.isEmpty { blocks.append(["type": "context", "elements": .array(records)]) }
        return blocks
    }

    /// Leads shown one by one in a digest; the rest are counted (Slack allows 50 blocks, and a digest is read, not scrolled).
    static let digestShown = 20

    /// A digest: a header with the count, one line per lead (linked to its first CRM page, with score and routing rule),
    /// most promising first, and how many more there are.
    static func digestBlocks(_ note: LeadRelayCore.Notification, links: RecordLinks) -> [JSONValue] {
        let items = note.items.isEmpty ? [note.lead] : note.items
        let count = items.count == 1 ? "1 lead" : "\(items.count) leads"
        var blocks: [JSONValue] = [
            ["type": "header", "text": ["type": "plain_text", "emoji": false, "text": .string(clip(
                StrandedTarget.isQueue(note.repID) ? "\(count) nobody could take, waiting in the stranded queue" : "\(count) assigned to you", 150))]],
            ["type": "context", "elements": [["type": "mrkdwn", "text": "Their last activity was a while ago (LeadRelay caught up after a start or an outage): one message for all of them, most promising first."]]],
        ]
        var lines: [String] = []
        for item in items.prefix(digestShown) {
            let who = item.name ?? item.email ?? item.personKey?.rawValue ?? "a lead"
            var line = item.records.lazy.compactMap { links.url($0) }.first.map { "<\(safeURL($0))|\(escape(who))>" } ?? escape(who)
            if let company = item.company { line += " · " + escape(company) }
            line += " · score \(format(item.score))" + (item.routedBy.isEmpty ? "" : " · " + escape(item.routedBy))
            lines.append("• " + line)
        }
        // Sections of at most 3,000 characters, whole lines each.
        var section = ""
        for line in lines {
            if !section.isEmpty, section.count + 1 + line.count > 3_000 {
                blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": .string(section)]])
                section = ""
            }
            section += (section.isEmpty ? "" : "\n") + clip(line, 3_000)
        }
        if !section.isEmpty { blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": .string(section)]]) }
        if items.count > digestShown {
            blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": .string("and \(items.count - digestShown) more: find them by owner in either CRM")]]])
        }
        return blocks
    }

    static func field(_ title: String, _ body: String) -> JSONValue {
        ["type": "mrkdwn", "text": .string(clip("*\(title)*\n\(body)", 2_000))]
    }

    static func bullets(_ lines: [ScoreBreakdown.Line]) -> String {
        lines.map { "• \(escape($0.rule)) \(ScoreBreakdown.signed($0.points)) — \(escape($0.detail))" }.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String { Condition.format(value) }

    /// Slack's mrkdwn escaping: only these three are control characters.
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A URL that cannot end the `<url|text>` link early.
    static func safeURL(_ url: String) -> String {
        url.replacingOccurrences(of: "|", with: "%7C").replacingOccurrences(of: ">", with: "%3E").replacingOccurrences(of: "<", with: "%3C")
    }

    /// `text` within `limit` characters, with an ellipsis when cut.
    static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
