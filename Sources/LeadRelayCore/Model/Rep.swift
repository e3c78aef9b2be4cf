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

    public init(id: String, email: String, pools: [String], weight: Int = 1, capacity: Int? = nil,
                hubspotOwnerID: String? = nil, salesforceUserID: String? = nil) {
        self.id = id
        self.email = email
        self.pools = pools
        self.weight = weight
        self.capacity = capacity
        self.hubspotOwnerID = hubspotOwnerID
        self.salesforceUserID = salesforceUserID
    }
}
