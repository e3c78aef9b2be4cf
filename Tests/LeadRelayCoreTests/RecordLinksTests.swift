import Foundation
import LeadRelayCore
import Testing

@Suite("Record links to each CRM's own pages")
struct RecordLinksTests {
    let links = RecordLinks(hubspotPortalID: "62515", salesforceInstance: URL(string: "https://acme.my.salesforce.com/")!)

    @Test("HubSpot records link to the portal's record page by object type id")
    func hubspot() {
        #expect(links.url(RecordRef(system: .hubspot, object: "contacts", id: "101")) == "https://app.hubspot.com/contacts/62515/record/0-1/101")
        #expect(links.url(RecordRef(system: .hubspot, object: "companies", id: "7")) == "https://app.hubspot.com/contacts/62515/record/0-2/7")
        #expect(links.url(RecordRef(system: .hubspot, object: "deals", id: "9")) == "https://app.hubspot.com/contacts/62515/record/0-3/9")
        let eu = RecordLinks(hubspotApp: URL(string: "https://app-eu1.hubspot.com")!, hubspotPortalID: "139")
        #expect(eu.url(RecordRef(system: .hubspot, object: "contacts", id: "5")) == "https://app-eu1.hubspot.com/contacts/139/record/0-1/5")
    }

    @Test("Salesforce records link to their Lightning page on the org's own domain, whatever trailing slash the URL has")
    func salesforce() {
        #expect(links.url(RecordRef(system: .salesforce, object: "Lead", id: "00Q5g00000AbCdE"))
                == "https://acme.my.salesforce.com/lightning/r/Lead/00Q5g00000AbCdE/view")
        #expect(links.url(RecordRef(system: .salesforce, object: "Account", id: "001xx")) == "https://acme.my.salesforce.com/lightning/r/Account/001xx/view")
    }

    @Test("an id that is not a plain path segment is escaped, never spliced into the path")
    func escaping() {
        #expect(links.url(RecordRef(system: .salesforce, object: "Lead", id: "a/b?c")) == "https://acme.my.salesforce.com/lightning/r/Lead/a%2Fb%3Fc/view")
    }

    @Test("without the portal id or the instance there is no link, never a guessed one")
    func unknownSite() {
        #expect(RecordLinks.none.url(RecordRef(system: .hubspot, object: "contacts", id: "1")) == nil)
        #expect(RecordLinks.none.url(RecordRef(system: .salesforce, object: "Lead", id: "00Q")) == nil)
        #expect(RecordLinks(hubspotPortalID: "1").url(RecordRef(system: .salesforce, object: "Lead", id: "00Q")) == nil)
    }
}
