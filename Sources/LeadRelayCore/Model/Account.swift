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
