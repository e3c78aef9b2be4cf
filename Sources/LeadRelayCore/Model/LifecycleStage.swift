/// Where a person stands in the funnel, in LeadRelay's own words.
///
/// The order of the cases is the order of the funnel; `recycled` and
/// `disqualified` sit outside it and compare lowest.
public enum LifecycleStage: String, Sendable, Hashable, Codable, CaseIterable {
    case subscriber
    case lead
    case mql
    case sal
    case sql
    case opportunity
    case customer
    case recycled
    case disqualified

    /// Position in the forward funnel; `nil` for stages outside it.
    public var funnelRank: Int? {
        switch self {
        case .subscriber: 0
        case .lead: 1
        case .mql: 2
        case .sal: 3
        case .sql: 4
        case .opportunity: 5
        case .customer: 6
        case .recycled, .disqualified: nil
        }
    }

    /// HubSpot's `lifecyclestage` option value for this stage.
    public var hubspotValue: String {
        switch self {
        case .subscriber: "subscriber"
        case .lead, .recycled, .disqualified: "lead"
        case .mql: "marketingqualifiedlead"
        case .sal, .sql: "salesqualifiedlead"
        case .opportunity: "opportunity"
        case .customer: "customer"
        }
    }

    /// Reads HubSpot's `lifecyclestage` option value; unknown custom stages give `nil`.
    public init?(hubspotValue: String) {
        switch hubspotValue.lowercased() {
        case "subscriber": self = .subscriber
        case "lead": self = .lead
        case "marketingqualifiedlead": self = .mql
        case "salesqualifiedlead": self = .sql
        case "opportunity": self = .opportunity
        case "customer", "evangelist": self = .customer
        default: return nil
        }
    }
}
