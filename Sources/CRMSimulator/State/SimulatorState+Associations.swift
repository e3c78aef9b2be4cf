import Foundation
import LeadRelayCore

/// HubSpot v4 associations between contacts and companies (CRM-APIS.md §1.10).
extension SimulatorState {
    /// HUBSPOT_DEFINED type ids, contact side and the matching company side.
    static let primaryContactToCompany = 1, unlabeledContactToCompany = 279
    static let primaryCompanyToContact = 2, unlabeledCompanyToContact = 280

    /// The canonical object type for the names and ids the v4 API accepts (`contacts`, `contact`, `0-1`).
    static func associationObject(_ name: String) -> String? {
        switch name.lowercased() {
        case "contacts", "contact", "0-1": "contacts"
        case "companies", "company", "0-2": "companies"
        case "calls", "call", "0-48": "calls"
        case "emails", "email", "0-49": "emails"
        case "meetings", "meeting", "0-47": "meetings"
        default: nil
        }
    }

    /// Links a contact to a company with the given contact-side type ids (1 implies 279, and moves the primary).
    ///
    /// `touch` bumps the contact's modification time when its primary company (`associatedcompanyid`) changes,
    /// as an API call does; the seed loader leaves times as generated.
    func hubspotAssociate(contact: Int, company: Int, types: Set<Int>, touch: Bool = true) throws(HubSpotError) {
        guard let record = hubspotRecords["contacts"]?[contact], !record.archived,
              let target = hubspotRecords["companies"]?[company], !target.archived else { throw .notFound }
        let known: Set<Int> = [Self.primaryContactToCompany, Self.unlabeledContactToCompany]
        guard types.isSubset(of: known), !types.isEmpty else {
            throw .validation("associationTypeId \(types.subtracting(known).sorted().map(String.init).joined(separator: ", ")) is not a valid contact to company association type",
                              code: "INVALID_ASSOCIATION_TYPE")
        }
        var linked = contactCompanies[contact, default: [:]]
        var wanted = types
        wanted.insert(Self.unlabeledContactToCompany)
        if types.contains(Self.primaryContactToCompany) {
            // A contact has at most one primary company.
            for (other, otherTypes) in linked where other != company && otherTypes.contains(Self.primaryContactToCompany) {
                linked[other] = otherTypes.subtracting([Self.primaryContactToCompany])
            }
        }
        linked[company, default: []].formUnion(wanted)
        contactCompanies[contact] = linked
        companyContacts[company, default: []].insert(contact)
        if types.contains(Self.primaryContactToCompany), record.properties["associatedcompanyid"] != String(company) {
            setPrimaryCompany(contact, String(company), touch: touch)
        }
    }

    /// Removes every link between a contact and a company.
    func hubspotDissociate(contact: Int, company: Int) throws(HubSpotError) {
        guard hubspotRecords["contacts"]?[contact] != nil, hubspotRecords["companies"]?[company] != nil else { throw .notFound }
        let wasPrimary = contactCompanies[contact]?[company]?.contains(Self.primaryContactToCompany) == true
        contactCompanies[contact]?[company] = nil
        companyContacts[company]?.remove(contact)
        if wasPrimary { setPrimaryCompany(contact, nil, touch: true) }
    }

    /// Links a contact to a company as a user would in the UI (primary moves the contact's primary company).
    public func associateHubSpotContact(_ contact: Int, withCompany company: Int, primary: Bool = false) throws {
        try hubspotAssociate(contact: contact, company: company, types: primary ? [Self.primaryContactToCompany] : [Self.unlabeledContactToCompany])
    }

    /// Removes a contact's links to a company.
    public func dissociateHubSpotContact(_ contact: Int, fromCompany company: Int) throws {
        try hubspotDissociate(contact: contact, company: company)
    }

    func setPrimaryCompany(_ contact: Int, _ company: String?, touch: Bool) {
        guard var record = hubspotRecords["contacts"]?[contact] else { return }
        record.properties["associatedcompanyid"] = company
        if touch {
            let stamp = now()
            record.updatedAt = stamp
            record.properties["lastmodifieddate"] = SimTime.hubspot(stamp)
            reindex(&record, before: hubspotRecords["contacts"]?[contact])
        }
        storeHubSpot("contacts", contact, record)
    }

    /// Links from one record to records of another type, with type ids as seen from `from`; archived ends hidden.
    public func associations(from: String, id: Int, to: String) -> [(id: Int, types: [Int])] {
        switch (from, to) {
        case ("contacts", "companies"):
            return (contactCompanies[id] ?? [:])
                .filter { hubspotRecords["companies"]?[$0.key]?.archived == false && !$0.value.isEmpty }
                .map { (id: $0.key, types: $0.value.sorted()) }
                .sorted { $0.id < $1.id }
        case ("companies", "contacts"):
            return (companyContacts[id] ?? [])
                .compactMap { contact -> (id: Int, types: [Int])? in
                    guard hubspotRecords["contacts"]?[contact]?.archived == false,
                          let types = contactCompanies[contact]?[id], !types.isEmpty else { return nil }
                    return (contact, types.map { $0 == Self.primaryContactToCompany ? Self.primaryCompanyToContact : Self.unlabeledCompanyToContact }.sorted())
                }
                .sorted { $0.id < $1.id }
        case (let engagement, "contacts") where Self.engagementToContact[engagement] != nil:
            return (engagementContacts[engagement]?[id] ?? [])
                .filter { hubspotRecords["contacts"]?[$0]?.archived == false }
                .map { (id: $0, types: [Self.engagementToContact[engagement]!]) }
                .sorted { $0.id < $1.id }
        case ("contacts", let engagement) where Self.engagementToContact[engagement] != nil:
            return (engagementContacts[engagement] ?? [:])
                .filter { $0.value.contains(id) && hubspotRecords[engagement]?[$0.key]?.archived == false }
                .map { (id: $0.key, types: [Self.engagementToContact[engagement]! - 1]) }
                .sorted { $0.id < $1.id }
        default:
            return []
        }
    }

    /// HUBSPOT_DEFINED engagement → contact type ids (the contact → engagement id is one less).
    static let engagementToContact = ["calls": 194, "emails": 198, "meetings": 200]

    /// A merge keeps the loser's companies on the survivor (the survivor's primary wins).
    func moveAssociations(from loser: Int, to survivor: Int) {
        // The loser's calls, emails and meetings show on the survivor's timeline.
        for (type, links) in engagementContacts {
            for (engagement, contacts) in links where contacts.contains(loser) {
                engagementContacts[type]?[engagement] = contacts.subtracting([loser]).union([survivor])
            }
        }
        guard let links = contactCompanies.removeValue(forKey: loser) else { return }
        let survivorHasPrimary = contactCompanies[survivor]?.values.contains { $0.contains(Self.primaryContactToCompany) } == true
        for (company, types) in links {
            var kept = types
            if survivorHasPrimary { kept.remove(Self.primaryContactToCompany) }
            contactCompanies[survivor, default: [:]][company, default: []].formUnion(kept)
            companyContacts[company]?.remove(loser)
            companyContacts[company, default: []].insert(survivor)
        }
    }

    /// A type id's label as the v4 API shows it.
    static func associationLabel(_ typeID: Int) -> String? {
        typeID == primaryContactToCompany || typeID == primaryCompanyToContact ? "Primary" : nil
    }
}
