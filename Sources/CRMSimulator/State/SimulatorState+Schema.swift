import Foundation
import LeadRelayCore

/// Schema administration, as a portal or org admin (or an integration with the permission) does it: HubSpot properties
/// through `POST /crm/v3/properties/{object}`, Salesforce custom fields through the Tooling API.
extension SimulatorState {
    public func salesforceType(_ name: String) -> SalesforceObjectType? { salesforceTypes[name] }

    /// Every sObject type, by name.
    public func salesforceTypeList() -> [SalesforceObjectType] { salesforceTypes.values.sorted { $0.name < $1.name } }

    /// Creates a HubSpot property; `409` when the name is taken, as HubSpot answers.
    func createHubSpotProperty(_ type: String, _ property: HubSpotProperty) throws(HubSpotError) {
        guard hubspotProperties[type] != nil else { throw .notFound }
        guard !(hubspotProperties[type] ?? []).contains(where: { $0.name == property.name }) else {
            throw HubSpotError(status: 409, category: "OBJECT_ALREADY_EXISTS", message: "A property named '\(property.name)' already exists.")
        }
        hubspotProperties[type, default: []].append(property)
        hubspotPropertyIndex[type] = nil
    }

    /// Adds a custom field (`Lead.X__c`) to an sObject; `DUPLICATE_DEVELOPER_NAME` when it exists.
    func createSalesforceField(fullName: String, type: String, length: Int, label: String) throws(SalesforceError) -> String {
        let parts = fullName.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[1].hasSuffix("__c"), parts[1].count > 3 else {
            throw SalesforceError(status: 400, errorCode: "INVALID_INPUT", message: "FullName must be Object.Field__c, got '\(fullName)'")
        }
        guard let object = salesforceTypes[parts[0]] else {
            throw SalesforceError(status: 400, errorCode: "INVALID_INPUT", message: "no such sObject type '\(parts[0])'")
        }
        guard object.field(parts[1]) == nil else {
            throw SalesforceError(status: 400, errorCode: "DUPLICATE_DEVELOPER_NAME", message: "There is already a field named \(parts[1]) on \(parts[0]).")
        }
        let kind: String
        switch type {
        case "Text": kind = "string"
        case "Number": kind = "double"
        case "Checkbox": kind = "boolean"
        case "Date": kind = "date"
        default: throw SalesforceError(status: 400, errorCode: "INVALID_INPUT", message: "this simulator creates Text, Number, Checkbox and Date fields, not \(type)")
        }
        guard kind != "string" || (1...255).contains(length) else {
            throw SalesforceError(status: 400, errorCode: "INVALID_INPUT", message: "Text fields take a length from 1 to 255")
        }
        salesforceTypes[parts[0]] = SalesforceObjectType(name: object.name, keyPrefix: object.keyPrefix,
                                                         fields: object.fields + [SalesforceField(name: parts[1], type: kind, length: kind == "string" ? length : 0)])
        toolingCount += 1
        return "00N" + String(format: "%012d", toolingCount) + "AAA"
    }
}
