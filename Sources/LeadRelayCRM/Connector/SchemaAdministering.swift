import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// Creating the custom fields LeadRelay uses (`leadrelay setup`), where the CRM's API allows it.
public protocol SchemaAdministering: Sendable {
    var system: CRMSystem { get }
    /// Creates a text field of `length` characters on `object`.
    func createTextField(object: String, name: String, label: String, length: Int) async throws(CRMError)
    /// How a person creates it by hand, for when the API may not (permissions, a managed field).
    func manualSteps(object: String, name: String, label: String, length: Int) -> String
}

extension HubSpotConnector: SchemaAdministering {
    /// `POST /crm/v3/properties/{object}` (needs the `crm.schemas.contacts.write` scope, or the object's own).
    public func createTextField(object: String, name: String, label: String, length: Int) async throws(CRMError) {
        let group = object == "companies" ? "companyinformation" : "contactinformation"
        _ = try await client.json("POST", "/crm/v3/properties/\(FormEncoding.escape(object))", json: [
            "name": .string(name), "label": .string(label), "type": "string", "fieldType": "text", "groupName": .string(group),
            "description": "Written by LeadRelay.",
        ])
    }

    public func manualSteps(object: String, name: String, label: String, length: Int) -> String {
        "HubSpot: Settings → Properties → \(object == "companies" ? "Company" : "Contact") properties → Create property: label \"\(label)\", "
            + "internal name \(name), field type single-line text"
    }
}

extension SalesforceConnector: SchemaAdministering {
    /// The Tooling API's `CustomField` (the integration user needs "Customize Application"); afterwards it needs
    /// field-level security on the field to read and write it.
    public func createTextField(object: String, name: String, label: String, length: Int) async throws(CRMError) {
        _ = try await client.json("POST", "\(root)/tooling/sobjects/CustomField", json: [
            "FullName": .string("\(try SOQL.identifier(object)).\(try SOQL.identifier(name))"),
            "Metadata": ["label": .string(label), "type": "Text", "length": .number(Double(length)),
                         "description": "Written by LeadRelay."],
        ])
    }

    public func manualSteps(object: String, name: String, label: String, length: Int) -> String {
        "Salesforce: Setup → Object Manager → \(object) → Fields & Relationships → New → Text, length \(length), label \"\(label)\", "
            + "field name \(name.hasSuffix("__c") ? String(name.dropLast(3)) : name); then give the integration user's profile or "
            + "permission set Read and Edit on it (Set Field-Level Security)"
    }
}
