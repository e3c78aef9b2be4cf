/// Standard field names LeadRelay reads and writes outside the mapping file.
public enum CRMFieldNames {
    public static let hubspotLifecycle = "lifecyclestage"
    public static let hubspotLeadStatus = "hs_lead_status"
    public static let hubspotOwner = "hubspot_owner_id"
    public static let salesforceStatus = "Status"
    public static let salesforceOwner = "OwnerId"
    /// Salesforce's own placeholder for required fields a web form did not collect.
    public static let notProvided = "[not provided]"

    /// The funnel stage a Salesforce Lead `Status` implies, if any.
    public static func stage(salesforceStatus status: String?) -> LifecycleStage? {
        guard let status = status?.lowercased() else { return nil }
        if status.contains("converted") && !status.contains("not converted") { return .sql }
        if status.contains("not converted") || status.contains("unqualified") { return .disqualified }
        if status.contains("working") || status.contains("contacted") && !status.contains("not contacted") { return .sal }
        return nil
    }
}
