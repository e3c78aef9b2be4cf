/// The two systems LeadRelay sits between.
public enum CRMSystem: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The marketing system (HubSpot-style API).
    case hubspot
    /// The sales system (Salesforce-style API).
    case salesforce

    public static func < (lhs: CRMSystem, rhs: CRMSystem) -> Bool { lhs.rawValue < rhs.rawValue }
}
