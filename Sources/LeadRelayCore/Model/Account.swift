/// A company the sales team already owns, used for account-based routing.
public struct Account: Sendable, Hashable, Codable {
    public var ref: RecordRef
    public var name: String
    /// Normalised web domain (`acme.io`), when the account has a website.
    public var domain: String?
    /// The CRM owner id of the account (a Salesforce user id or HubSpot owner id).
    public var ownerID: String?

    public init(ref: RecordRef, name: String, domain: String?, ownerID: String?) {
        self.ref = ref
        self.name = name
        self.domain = domain
        self.ownerID = ownerID
    }
}

extension Account {
    /// The account a company (HubSpot) or Account (Salesforce) record describes; `nil` for a deleted one.
    public init?(record: SourceRecord) {
        guard !record.deleted else { return nil }
        switch record.ref.system {
        case .hubspot:
            self.init(ref: record.ref, name: record.value("name") ?? "",
                      domain: WebDomain.normalise(record.value("domain") ?? record.value("website")),
                      ownerID: record.value(CRMFieldNames.hubspotOwner))
        case .salesforce:
            self.init(ref: record.ref, name: record.value("Name") ?? "", domain: WebDomain.normalise(record.value("Website")),
                      ownerID: record.value(CRMFieldNames.salesforceOwner))
        }
    }
}
