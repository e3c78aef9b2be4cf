import Foundation
import LeadRelayCore

/// An alert as a text message: short, plain, and within two billed segments (SLA-ALERTS-OPS.md §5.4). Typographic
/// quotes, dashes, ellipses and non-breaking spaces are written as their GSM-7 forms first, so one curly apostrophe in a
/// company name does not switch the whole message to UCS-2 (70 characters a segment instead of 160).
public enum SMSText {
    public enum Encoding: String, Sendable, Hashable {
        case gsm7 = "GSM-7"
        case ucs2 = "UCS-2"
    }

    /// GSM 03.38's basic set, and its escape table (each counts two septets).
    static let basic = Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    static let escaped = Set("^{}\\[~]|€\u{0C}")

    /// The most segments an alert may take (Twilio suggests 320 characters at most).
    public static let maxSegments = 2

    /// How a carrier counts `text`: its encoding, its length in that encoding's units, and the segments billed
    /// (GSM-7: 160 in one, 153 per part beyond; UCS-2: 70 in one, 67 per part beyond).
    public static func measure(_ text: String) -> (encoding: Encoding, units: Int, segments: Int) {
        let gsm = text.allSatisfy { basic.contains($0) || escaped.contains($0) }
        let units = gsm ? text.reduce(0) { $0 + (escaped.contains($1) ? 2 : 1) } : text.utf16.count
        let (single, part) = gsm ? (160, 153) : (70, 67)
        return (gsm ? .gsm7 : .ucs2, units, units <= single ? 1 : (units + part - 1) / part)
    }

    /// Typographic characters as their plain GSM-7 forms.
    public static func normalised(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\u{2018}", "\u{2019}", "\u{201A}", "\u{2032}": out += "'"
            case "\u{201C}", "\u{201D}", "\u{201E}", "\u{2033}": out += "\""
            case "\u{2013}", "\u{2014}", "\u{2212}": out += "-"
            case "\u{2026}": out += "..."
            case "\u{00A0}", "\u{2009}", "\u{202F}": out += " "
            case "\u{2022}", "\u{00B7}": out += "*"
            case "\t": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// The message for `note`: who, what, score, and one link; shortened (the name and company first, then the link) to
    /// fit `maxSegments`.
    public static func body(_ note: LeadRelayCore.Notification, links: RecordLinks) -> String {
        let lead = note.lead
        let who = lead.name ?? lead.email ?? lead.personKey?.rawValue ?? "a lead"
        let at = lead.company.map { " at \($0)" } ?? ""
        let score = "score \(Condition.format(lead.score))"
        let link = lead.records.lazy.compactMap { links.url($0) }.first.map { " " + $0 } ?? ""
        let head: String = switch note.kind {
        case .newMQL: "New MQL: \(who)\(at), \(score)."
        case .slaReminder: "Still waiting for a first touch: \(who)\(at), \(score)."
        case .escalation: "SLA missed: \(who)\(at) was not touched in time\(lead.owner.map { " by \($0)" } ?? "")."
        case .recycled: "Recycled to marketing: \(who)\(at)."
        case .stranded: "Nobody could take \(who)\(at); it waits in the queue."
        case .digest: "\(note.items.count) older leads are now yours; top: \(who)\(at), \(score). See Slack or your CRM."
        }
        var text = normalised("LeadRelay: " + head + (note.kind == .digest ? "" : link))
        if fits(text) { return text }
        // Without the link, then cut to fit: a text that says who is worth more than one that links.
        text = normalised("LeadRelay: " + head)
        while !fits(text), text.count > 20 { text = String(text.dropLast(max((text.count - 20) / 8, 1))) }
        return fits(text) ? text.trimmingCharacters(in: .whitespaces) + "..." : text
    }

    static func fits(_ text: String) -> Bool {
        // Room for the "..." a cut adds.
        measure(text + "...").segments <= maxSegments
    }
}
