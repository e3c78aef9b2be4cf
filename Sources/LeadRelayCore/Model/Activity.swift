import Foundation

/// Something a person did (a page view, a form submission, an email click) or sales did to them (a call, an email).
public struct Activity: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Encodable, ConfigEnum {
        case pageView = "page-view"
        case formSubmission = "form-submission"
        case emailClick = "email-click"
        case emailOpen = "email-open"
        /// A rep's logged call (Salesforce Task of subtype Call).
        case call
        /// A rep's email (Salesforce Task of subtype Email).
        case salesEmail = "sales-email"
        /// Any other completed Salesforce Task against the lead (not a touch: only calls, emails and meetings are).
        case task
        /// A meeting with the person: a HubSpot meeting, a Salesforce Event.
        case meeting
        /// The person answered a sales email (HubSpot `INCOMING_EMAIL`): a conversation, not a touch.
        case emailReply = "email-reply"
        /// The person responded to a Salesforce campaign (`CampaignMember.HasResponded`); the campaign's name is in `form`.
        case campaignResponse = "campaign-response"
    }

    /// The event's id in its source system (for idempotence).
    public var id: String
    /// The record the event belongs to.
    public var subject: RecordRef
    public var kind: Kind
    public var occurredAt: Date
    /// Page URL for page views.
    public var url: String?
    /// Form name for form submissions; the campaign's name for campaign responses.
    public var form: String?
    /// The rep who did it (Salesforce user id), for sales touches.
    public var actor: String?

    public init(id: String, subject: RecordRef, kind: Kind, occurredAt: Date, url: String? = nil, form: String? = nil, actor: String? = nil) {
        self.id = id
        self.subject = subject
        self.kind = kind
        self.occurredAt = occurredAt
        self.url = url
        self.form = form
        self.actor = actor
    }

    /// Where the evidence came from, as score explanations name it; `nil` when its id does not say.
    public var evidence: String? {
        // The Forms and email events APIs give their items the ids the contact's own properties give the same event
        // (`HubSpotInterest.id`), so each is counted once, whichever source saw it first.
        if id.hasPrefix("hubspot-property:") { return "HubSpot contact properties" }
        if id.hasPrefix("salesforce-campaign:") { return "Salesforce campaign members" }
        if id.hasPrefix("hubspot:") { return "HubSpot events API" }
        if id.hasPrefix("salesforce:") { return "Salesforce tasks" }
        if id.hasPrefix("salesforce-event:") { return "Salesforce events" }
        if id.hasPrefix("hubspot-calls:") { return "HubSpot calls" }
        if id.hasPrefix("hubspot-emails:") { return "HubSpot emails" }
        if id.hasPrefix("hubspot-meetings:") { return "HubSpot meetings" }
        return nil
    }

    /// Whether sales did it, rather than the person.
    public var isSalesTouch: Bool { kind == .call || kind == .salesEmail || kind == .task || kind == .meeting }

    /// Whether it is a touch the SLA counts: a call, an email sent by the rep, a meeting. Tasks are plans; the
    /// connectors leave out what did not reach the person (inbound, failed or scheduled emails, cancelled meetings).
    public var isTouch: Bool { kind == .call || kind == .salesEmail || kind == .meeting }
}
