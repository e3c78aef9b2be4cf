/// Activity beyond each CRM's main activity stream — the person's interest and sales' touches — each read as a stream of
/// its own and switched off (with one warning) where the account lacks the API.
public enum ActivitySource: String, Sendable, Hashable, CaseIterable {
    /// HubSpot's Forms API: every submission of every form, on every tier. Read on its own slower cadence
    /// (`poll.formsEvery`: it costs a call per form), and only where the events API is off (that one has them already);
    /// a submission shows at once through the contact's own conversion properties, under the same activity id.
    case forms = "form-submissions"
    /// HubSpot's marketing-email events API: opens and clicks (the events API never has them).
    case emailEvents = "email-events"
    /// Salesforce campaign members who responded (a webinar attended, a campaign form filled).
    case campaigns = "campaign-members"
    /// HubSpot calls: outbound calls placed are sales touches.
    case calls
    /// HubSpot emails: sent by a rep (a touch) or the person's reply.
    case emails
    /// HubSpot meetings booked or held.
    case meetings
    /// Salesforce Events: meetings with a lead.
    case events

    public var system: CRMSystem {
        switch self {
        case .forms, .emailEvents, .calls, .emails, .meetings: .hubspot
        case .campaigns, .events: .salesforce
        }
    }

    /// Whether the source is sales' touches (read only when an SLA needs them) rather than the person's interest.
    public var isTouches: Bool {
        switch self {
        case .calls, .emails, .meetings, .events: true
        case .forms, .emailEvents, .campaigns: false
        }
    }

    /// The sources one CRM is read for; sales touches only with `touches` (an SLA is configured).
    public static func sources(for system: CRMSystem, touches: Bool = true) -> [ActivitySource] {
        allCases.filter { $0.system == system && (touches || !$0.isTouches) }
    }

    /// The stream its watermark belongs to: `hubspot.form-submissions`, `salesforce.campaign-members`.
    public var stream: StreamID { StreamID(system, rawValue) }
}
