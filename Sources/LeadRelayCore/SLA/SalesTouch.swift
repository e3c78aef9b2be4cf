import Foundation

/// What counts as sales touching a lead, from either CRM's activity records (SLA-ALERTS-OPS §1.2, §1.5, §2.5).
///
/// A touch is an outbound call (whatever its outcome), an email the rep sent, or a meeting. Tasks are plans, not
/// touches; a prospect's reply is a conversation, not a touch; auto-replies, mass emails and emails that never left
/// do not count.
public enum SalesTouch {
    /// The first touch on a clock that started at `since`: the earliest touch at or after it, in whatever order the
    /// activities arrived — a call logged late with an earlier time still wins.
    public static func first(in activities: some Sequence<Activity>, since: Date) -> Activity? {
        var best: Activity?
        for activity in activities where activity.isTouch && activity.occurredAt >= since {
            if let current = best, (current.occurredAt, current.id) <= (activity.occurredAt, activity.id) { continue }
            best = activity
        }
        return best
    }

    /// Subjects that mark an automatic answer rather than a person writing (`Automatic reply: …`, `Out of Office: …`,
    /// `Auto-Reply`, `Undeliverable: …`).
    public static func isAutoReply(subject: String?) -> Bool {
        guard let subject = subject?.fastTrimmed().lowercased(), !subject.isEmpty else { return false }
        let prefixes = ["automatic reply", "auto reply", "auto-reply", "autoreply", "auto:", "out of office", "out of the office",
                        "undeliverable", "delivery status notification", "mail delivery failed", "abwesenheitsnotiz", "réponse automatique"]
        return prefixes.contains { subject.hasPrefix($0) }
    }

    /// A HubSpot call record as a touch: outbound and placed (`COMPLETED`, `BUSY`, `NO_ANSWER`, or a call logged by
    /// hand without a status); an inbound call or one still ringing, queued, failed or cancelled is not.
    public static func hubspotCall(direction: String?, status: String?) -> Activity.Kind? {
        guard direction?.uppercased() != "INBOUND" else { return nil }
        switch status?.uppercased() {
        case nil, "", "COMPLETED", "BUSY", "NO_ANSWER": return .call
        default: return nil
        }
    }

    /// A HubSpot email record: sent by the rep (`EMAIL`, status `SENT` or none) is a touch, the person's reply
    /// (`INCOMING_EMAIL`) a reply; forwarded, scheduled, failed, bounced and automatic emails are neither.
    public static func hubspotEmail(direction: String?, status: String?, subject: String?) -> Activity.Kind? {
        guard !isAutoReply(subject: subject) else { return nil }
        switch direction?.uppercased() {
        case "EMAIL":
            switch status?.uppercased() {
            case nil, "", "SENT": return .salesEmail
            default: return nil
            }
        case "INCOMING_EMAIL": return .emailReply
        default: return nil
        }
    }

    /// A HubSpot meeting: a touch unless it was cancelled or the person did not come.
    public static func hubspotMeeting(outcome: String?) -> Activity.Kind? {
        switch outcome?.uppercased() {
        case "CANCELED", "CANCELLED", "NO_SHOW": nil
        default: .meeting
        }
    }

    /// A Salesforce Task: only a completed one is anything (an open Call task is a plan); a call or a personal email is
    /// a touch, a mass email (`ListEmail`) or an automatic one is not, anything else is an other task.
    public static func salesforceTask(subtype: String?, status: String?, closed: Bool?, subject: String?) -> Activity.Kind? {
        // Closed covers an org's own closed statuses; a deferred task is closed and was never done.
        let completed = status?.caseInsensitiveCompare("Completed") == .orderedSame
            || (closed == true && status?.caseInsensitiveCompare("Deferred") != .orderedSame)
        guard completed else { return nil }
        switch subtype {
        case "Call": return .call
        case "Email": return isAutoReply(subject: subject) ? nil : .salesEmail
        case "ListEmail": return .task
        default: return .task
        }
    }

    /// When a HubSpot meeting touched the person: when it was booked or when it was held, whichever came first.
    public static func meetingTime(start: Date?, created: Date?) -> Date? {
        switch (start, created) {
        case let (start?, created?): min(start, created)
        case let (start?, nil): start
        case let (nil, created?): created
        default: nil
        }
    }
}

extension SalesTouch {
    /// The touches that count toward persistence since `since`: the same touch seen in both CRMs (a call logged in
    /// Salesforce and synced to HubSpot has two records) counts once, and touches closer together than `spacing` to
    /// the last counted one count as one (a call and a voicemail email a minute apart). Earliest first.
    public static func counted(in activities: some Sequence<Activity>, since: Date, spacing: TimeInterval) -> [Activity] {
        let touches = activities.filter { $0.isTouch && $0.occurredAt >= since }.sorted { ($0.occurredAt, $0.id) < ($1.occurredAt, $1.id) }
        var counted: [Activity] = []
        for touch in touches {
            if let last = counted.last, touch.occurredAt.timeIntervalSince(last.occurredAt) < max(spacing, 1) { continue }
            counted.append(touch)
        }
        return counted
    }
}
