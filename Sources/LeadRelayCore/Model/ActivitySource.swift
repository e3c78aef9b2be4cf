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

    public var system: CRMSystem {
        switch self {
        case .forms, .emailEvents: .hubspot
        case .campaigns: .salesforce
        }
    }

    /// The sources one CRM is read for.
    public static func sources(for system: CRMSystem) -> [ActivitySource] {
        allCases.filter { $0.system == system }
    }

    /// The stream its watermark belongs to: `hubspot.form-submissions`, `salesforce.campaign-members`.
    public var stream: StreamID { StreamID(system, rawValue) }
}
