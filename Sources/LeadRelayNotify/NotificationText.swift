import Foundation
import LeadRelayCore

/// An alert as one line of plain text (Slack's `text`, an SMS, a report cell).
public enum NotificationText {
    public static func plain(_ note: LeadRelayCore.Notification) -> String {
        let lead = note.lead
        if let legacy = lead.legacyText { return legacy }
        let who = (lead.name ?? lead.email ?? lead.personKey?.rawValue ?? "a lead") + (lead.company.map { " at \($0)" } ?? "")
        let score = "score \(Condition.format(lead.score)) (fit \(Condition.format(lead.fit)), interest \(Condition.format(lead.interest)))"
        let records = lead.records.map(\.description).joined(separator: ", ")
        switch note.kind {
        case .newMQL:
            return "New MQL for \(note.repID): \(who), \(score). Routed by \(lead.routedBy). Records: \(records)."
        case .slaReminder:
            return "Reminder for \(note.repID): \(who) is waiting for a first touch, \(score). Records: \(records)."
        case .escalation:
            return "Escalation: \(who) was not touched in time by \(lead.owner.map { "\($0), its owner" } ?? "its owner"); \(score). Records: \(records)."
        case .stranded:
            return "Stranded MQL: nobody could take \(who), \(score); it waits in the queue. Records: \(records)."
        case .recycled:
            return "Recycled to marketing: \(who), \(score). Records: \(records)."
        case .digest:
            let items = note.items.isEmpty ? [lead] : note.items
            let top = items.prefix(5).map { item in
                (item.name ?? item.email ?? item.personKey?.rawValue ?? "a lead") + (item.company.map { " at \($0)" } ?? "")
                    + " (\(Condition.format(item.score)))"
            }.joined(separator: "; ")
            let more = items.count > 5 ? "; and \(items.count - 5) more" : ""
            let whose = "\(items.count) \(items.count == 1 ? "lead" : "leads")"
            if StrandedTarget.isQueue(note.repID) {
                return "\(whose) nobody could take wait in the stranded queue; their last activity was a while ago: \(top)\(more)."
            }
            return "\(whose) assigned to \(note.repID) whose last activity was a while ago: \(top)\(more)."
        }
    }
}
