/// How a mapped field decides which system's value is the truth.
public enum SyncRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// The most recently modified record wins.
    case twoWay = "two-way"
    case preferHubSpot = "prefer-hubspot"
    case preferSalesforce = "prefer-salesforce"
    case preferHubSpotUnlessBlank = "prefer-hubspot-unless-blank"
    case preferSalesforceUnlessBlank = "prefer-salesforce-unless-blank"
    /// The first non-blank value stands; later values never overwrite it.
    case fillIfEmpty = "fill-if-empty"
    case hubspotToSalesforce = "hubspot-to-salesforce"
    case salesforceToHubSpot = "salesforce-to-hubspot"
    /// Each system keeps its own value; LeadRelay only reads it.
    case never
    /// Only LeadRelay's own decisions (routing) write this field.
    case leadrelay
}

extension SyncRule {
    /// Whether the rule lets LeadRelay write the field in `system`.
    public func writes(into system: CRMSystem) -> Bool {
        switch self {
        case .never: false
        case .hubspotToSalesforce: system == .salesforce
        case .salesforceToHubSpot: system == .hubspot
        default: true
        }
    }
}
