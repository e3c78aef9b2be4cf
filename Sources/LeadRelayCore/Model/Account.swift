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

/// A record that hangs off an account and tells routing about it: a Salesforce Contact (its company domain) or an
/// Opportunity (open or closed). Read by their own streams; an account's `AccountProfile` is their sum.
public struct AccountMember: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case contact, opportunity
    }

    public var ref: RecordRef
    public var kind: Kind
    /// The account it belongs to; `nil` for a contact without one (private contacts) or a deleted record.
    public var account: RecordRef?
    /// A contact's company domain (work addresses only: a Gmail contact says nothing about its account).
    public var domain: String?
    /// An opportunity that is not closed.
    public var open: Bool
    public var deleted: Bool

    public init(ref: RecordRef, kind: Kind, account: RecordRef?, domain: String? = nil, open: Bool = false, deleted: Bool = false) {
        self.ref = ref
        self.kind = kind
        self.account = account
        self.domain = domain
        self.open = open
        self.deleted = deleted
    }
}

extension AccountMember {
    /// The member a Salesforce Contact or Opportunity row describes; `nil` for other objects.
    public init?(record: SourceRecord) {
        guard record.ref.system == .salesforce else { return nil }
        let account = record.value("AccountId").flatMap { $0.isEmpty ? nil : RecordRef(system: .salesforce, object: "Account", id: $0) }
        switch record.ref.object {
        case "Contact":
            self.init(ref: record.ref, kind: .contact, account: record.deleted ? nil : account,
                      domain: record.value("Email").flatMap(EmailAddress.normalise).flatMap(EmailAddress.companyDomain), deleted: record.deleted)
        case "Opportunity":
            self.init(ref: record.ref, kind: .opportunity, account: record.deleted ? nil : account,
                      open: record.value("IsClosed").map { $0.lowercased() != "true" } ?? true, deleted: record.deleted)
        default:
            return nil
        }
    }
}

/// What an account's contacts and opportunities say about it: the evidence and tie-breakers of account matching.
public struct AccountProfile: Sendable, Hashable, Codable {
    public var contacts: Int
    /// The company domains its contacts' addresses use, with how many contacts use each.
    public var contactDomains: [String: Int]
    public var openOpportunities: Int

    public init(contacts: Int = 0, contactDomains: [String: Int] = [:], openOpportunities: Int = 0) {
        self.contacts = contacts
        self.contactDomains = contactDomains
        self.openOpportunities = openOpportunities
    }

    /// Every account's profile from its members (deleted members and those without an account count for nobody).
    public static func profiles(_ members: some Sequence<AccountMember>) -> [RecordRef: AccountProfile] {
        var profiles: [RecordRef: AccountProfile] = [:]
        for member in members { count(member, by: 1, in: &profiles) }
        return profiles
    }

    /// `profiles` with the members' old versions taken out and their new ones counted in (a cycle's changes).
    public static func update(_ profiles: inout [RecordRef: AccountProfile], removing old: some Sequence<AccountMember>,
                              adding new: some Sequence<AccountMember>) {
        for member in old { count(member, by: -1, in: &profiles) }
        for member in new { count(member, by: 1, in: &profiles) }
    }

    static func count(_ member: AccountMember, by step: Int, in profiles: inout [RecordRef: AccountProfile]) {
        guard !member.deleted, let account = member.account else { return }
        var profile = profiles[account] ?? .init()
        switch member.kind {
        case .contact:
            profile.contacts = max(0, profile.contacts + step)
            if let domain = member.domain {
                let count = (profile.contactDomains[domain] ?? 0) + step
                profile.contactDomains[domain] = count > 0 ? count : nil
            }
        case .opportunity:
            if member.open { profile.openOpportunities = max(0, profile.openOpportunities + step) }
        }
        profiles[account] = profile == .init() ? nil : profile
    }
}
