import Foundation

/// Where each record lives in its CRM's own UI, so a report links a person to their pages: HubSpot's record URL
/// (`{app}/contacts/{portalId}/record/{objectTypeId}/{id}`) and Salesforce's Lightning record URL
/// (`{instance}/lightning/r/{object}/{id}/view`).
public struct RecordLinks: Sendable, Hashable {
    /// HubSpot's app host: `https://app.hubspot.com`, or the portal's data-centre host (`https://app-eu1.hubspot.com`).
    public var hubspotApp: URL
    /// The HubSpot account (hub) id; without it HubSpot records are not linked.
    public var hubspotPortalID: String?
    /// The org's instance (My Domain) URL, e.g. `https://acme.my.salesforce.com`; without it Salesforce records are not linked.
    public var salesforceInstance: URL?

    public static let defaultHubSpotApp = URL(string: "https://app.hubspot.com")!

    public init(hubspotApp: URL = Self.defaultHubSpotApp, hubspotPortalID: String? = nil, salesforceInstance: URL? = nil) {
        self.hubspotApp = hubspotApp
        self.hubspotPortalID = hubspotPortalID
        self.salesforceInstance = salesforceInstance
    }

    /// Links nothing (no portal id or instance known).
    public static let none = RecordLinks()

    /// HubSpot's object type ids of the standard objects (what its record URLs carry).
    static let hubspotObjectTypes = ["contacts": "0-1", "companies": "0-2", "deals": "0-3", "tickets": "0-5"]

    /// The record's page in its CRM, or `nil` when the site of that CRM is not known.
    public func url(_ ref: RecordRef) -> String? {
        let id = ref.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? ref.id
        switch ref.system {
        case .hubspot:
            guard let portal = hubspotPortalID else { return nil }
            let type = Self.hubspotObjectTypes[ref.object.lowercased()] ?? ref.object
            return Self.join(hubspotApp, "contacts/\(portal)/record/\(type)/\(id)")
        case .salesforce:
            guard let instance = salesforceInstance else { return nil }
            return Self.join(instance, "lightning/r/\(ref.object)/\(id)/view")
        }
    }

    static func join(_ base: URL, _ path: String) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text + "/" + path
    }
}
