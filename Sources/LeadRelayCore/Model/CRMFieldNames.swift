/// Standard field names LeadRelay reads and writes outside the mapping file.
public enum CRMFieldNames {
    public static let hubspotLifecycle = "lifecyclestage"
    public static let hubspotLeadStatus = "hs_lead_status"
    public static let hubspotOwner = "hubspot_owner_id"
    /// A HubSpot contact's primary company (a read-only number property every portal has).
    public static let hubspotPrimaryCompany = "associatedcompanyid"
    public static let salesforceStatus = "Status"
    public static let salesforceOwner = "OwnerId"
    /// The open status of a fresh org's Lead picklist: what a new lead (or a recycled one routed again) starts at.
    public static let salesforceOpenStatus = "Open - Not Contacted"
    /// Salesforce's own placeholder for required fields a web form did not collect.
    public static let notProvided = "[not provided]"
    /// On a HubSpot merge tombstone: the id of the contact it was merged into (LeadRelay's own field).
    public static let hubspotMergedInto = "leadrelay_merged_into"
    /// On a merged-away Salesforce record: the survivor's id.
    public static let salesforceMasterRecord = "MasterRecordId"

    /// Fields of the hand-off itself — owner, lifecycle stage, lead status — beside the mapping's own owner fields.
    /// Writes of these travel in their own request, never with synced data fields, so no data problem (a value a
    /// CRM refuses) can hold an assignment back.
    public static func handoffFields(owner: Set<String>) -> Set<String> {
        owner.union([hubspotOwner, salesforceOwner, hubspotLifecycle, hubspotLeadStatus, salesforceStatus])
    }

    /// The standard fields that say where a lead stands: HubSpot's lifecycle stage and lead status, Salesforce's `Status`.
    public static let stageFields: Set<String> = [hubspotLifecycle, hubspotLeadStatus, salesforceStatus]

    /// On a Salesforce lead: it was converted (to a contact, an account, maybe an opportunity).
    public static let salesforceConverted = "IsConverted"
    public static let salesforceConvertedContact = "ConvertedContactId"
    /// The opportunity a lead's conversion created, if it made one: the person is at the opportunity stage.
    public static let salesforceConvertedOpportunity = "ConvertedOpportunityId"

    /// A converted Salesforce lead: read-only (`CANNOT_UPDATE_CONVERTED_LEAD`), its person continues as the contact.
    public static func isConverted(_ record: SourceRecord) -> Bool {
        record.ref.system == .salesforce && record.value(salesforceConverted)?.lowercased() == "true"
    }

    /// The contact a converted Salesforce lead became, when the CRM says so.
    public static func convertedContact(_ record: SourceRecord) -> RecordRef? {
        guard isConverted(record), let id = record.value(salesforceConvertedContact), !id.isEmpty else { return nil }
        return RecordRef(system: .salesforce, object: "Contact", id: id)
    }

    /// The record a deleted record was merged into, when the CRM says so.
    public static func mergedInto(_ record: SourceRecord) -> RecordRef? {
        guard record.deleted else { return nil }
        let field = record.ref.system == .hubspot ? hubspotMergedInto : salesforceMasterRecord
        guard let id = record.value(field), !id.isEmpty else { return nil }
        return RecordRef(system: record.ref.system, object: record.ref.object, id: id)
    }

    /// The funnel stage a Salesforce Lead `Status` implies, if any.
    public static func stage(salesforceStatus status: String?) -> LifecycleStage? {
        guard let status = status?.lowercased() else { return nil }
        // Orgs add a status for leads sent back to marketing: "Recycled", "Nurture", "Recycle - Nurture".
        if status.includes("recycl") || status.includes("nurtur") { return .recycled }
        if status.includes("converted") && !status.includes("not converted") { return .sql }
        if status.includes("not converted") || status.includes("unqualified") { return .disqualified }
        if status.includes("working") || status.includes("contacted") && !status.includes("not contacted") { return .sal }
        return nil
    }
}
