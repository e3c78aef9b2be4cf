import Foundation
import LeadRelayCore

/// One HubSpot CRM object as the simulator holds it: every property a string.
public struct HubSpotRecord: Sendable, Hashable {
    public var id: Int
    public var properties: [String: String]
    public var createdAt: Date
    public var updatedAt: Date
    public var archived: Bool = false
    public var archivedAt: Date?
    /// When this version becomes visible to search (index lag).
    public var indexedAt: Date = .distantPast
    /// The version search still shows until `indexedAt` (at most one).
    var previous: [HubSpotRecord] = []

    /// The version search sees at `now`: this one once indexed, else the last indexed one, else none.
    func searchable(at now: Date) -> HubSpotRecord? {
        if indexedAt <= now { return self }
        return previous.first
    }
}

/// A HubSpot owner: `id` is what `hubspot_owner_id` holds, `userId` is a different number.
public struct HubSpotOwner: Sendable, Hashable {
    public var id: String
    public var userId: Int
    public var email: String
    public var firstName: String
    public var lastName: String
    public var archived: Bool = false

    public init(id: String, userId: Int, email: String, firstName: String, lastName: String, archived: Bool = false) {
        self.id = id
        self.userId = userId
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.archived = archived
    }
}

/// A property definition, as the properties API describes it.
/// A HubSpot subscription tier, as far as the APIs LeadRelay uses differ by it.
public enum HubSpotTier: String, Sendable, Hashable, CaseIterable {
    case free, starter, professional, enterprise
}

public struct HubSpotProperty: Sendable, Hashable {
    public var name: String
    public var label: String
    public var type: String
    public var fieldType: String
    public var options: [String]
    public var externalOptions: Bool = false
    public var referencedObjectType: String?
    public var hasUniqueValue: Bool = false
    public var readOnlyValue: Bool = false
}

/// A behavioural event on a contact (events API shape).
public struct HubSpotEvent: Sendable, Hashable {
    public var id: String
    public var objectId: Int
    public var eventType: String
    public var occurredAt: Date
    public var properties: [String: String]

    /// Event type names the simulator uses, and the activity kind each stands for.
    public static let kinds: [String: Activity.Kind] = [
        "e_visited_page": .pageView,
        "e_submitted_form": .formSubmission,
        "e_clicked_email": .emailClick,
        "e_opened_email": .emailOpen,
    ]
}

extension HubSpotRecord {
    /// The modification-time property HubSpot keeps for each object type.
    public static func modifiedProperty(for type: String) -> String {
        type == "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate"
    }
}
