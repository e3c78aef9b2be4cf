import Foundation

/// A sales rep who can receive leads, with the ids each CRM knows them by.
public struct Rep: Sendable, Hashable, Codable {
    /// LeadRelay's own id for the rep (from `routing.yaml`).
    public var id: String
    public var email: String
    public var pools: [String]
    /// Share of round-robin assignments relative to other reps in a pool.
    public var weight: Int
    /// Most open leads the rep may hold; `nil` means unlimited.
    public var capacity: Int?
    /// HubSpot owner id (`PublicOwner.id`, what `hubspot_owner_id` holds).
    public var hubspotOwnerID: String?
    /// Salesforce User id (`005…`).
    public var salesforceUserID: String?
    /// When the rep works; `nil`: any time. Holidays are closed days of the calendar.
    public var calendar: BusinessCalendar?
    /// Local days the rep is out of office (in their calendar's zone).
    public var outOfOffice: Set<LocalDate>
    /// Most leads a day / a week, counted from local midnight / Monday in `timeZone`.
    public var dailyCap: Int?
    public var weeklyCap: Int?
    /// Values the rep is expert in (matched against the attribute a rule names, e.g. `industry`).
    public var skills: Set<String>
    /// Territories (of `routing.yaml`'s table) the rep covers.
    public var territories: Set<String>
    /// The zone the rep's caps reset in: their calendar's, else UTC.
    public var timeZone: TimeZone
    /// `false` when the rep's user is deactivated (Salesforce `IsActive = false`, a HubSpot owner archived) in either
    /// CRM, or found in neither: such a rep is never chosen.
    public var active: Bool
    /// Who hears of this rep's SLA breaches when `sla.yaml` names nobody: a rep id or an address (Salesforce's
    /// `User.ManagerId`).
    public var manager: String?

    public init(id: String, email: String, pools: [String], weight: Int = 1, capacity: Int? = nil,
                hubspotOwnerID: String? = nil, salesforceUserID: String? = nil, calendar: BusinessCalendar? = nil,
                outOfOffice: Set<LocalDate> = [], dailyCap: Int? = nil, weeklyCap: Int? = nil, skills: Set<String> = [],
                territories: Set<String> = [], timeZone: TimeZone? = nil, active: Bool = true) {
        self.calendar = calendar
        self.outOfOffice = outOfOffice
        self.dailyCap = dailyCap
        self.weeklyCap = weeklyCap
        self.skills = skills
        self.territories = territories
        self.timeZone = timeZone ?? calendar?.timeZone ?? .gmt
        self.active = active
        self.id = id
        self.email = email
        self.pools = pools
        self.weight = weight
        self.capacity = capacity
        self.hubspotOwnerID = hubspotOwnerID
        self.salesforceUserID = salesforceUserID
    }
}
