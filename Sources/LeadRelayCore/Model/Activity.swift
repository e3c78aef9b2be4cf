import Foundation

/// A behavioural event of a person: a page view, a form submission, an email click.
public struct Activity: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Encodable, ConfigEnum {
        case pageView = "page-view"
        case formSubmission = "form-submission"
        case emailClick = "email-click"
        case emailOpen = "email-open"
    }

    /// The event's id in its source system (for idempotence).
    public var id: String
    /// The record the event belongs to.
    public var subject: RecordRef
    public var kind: Kind
    public var occurredAt: Date
    /// Page URL for page views.
    public var url: String?
    /// Form name for form submissions.
    public var form: String?

    public init(id: String, subject: RecordRef, kind: Kind, occurredAt: Date, url: String? = nil, form: String? = nil) {
        self.id = id
        self.subject = subject
        self.kind = kind
        self.occurredAt = occurredAt
        self.url = url
        self.form = form
    }
}
