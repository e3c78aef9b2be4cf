import LeadRelayCore

/// A HubSpot-style error: the body has `status`, `message`, `correlationId`, `category`.
struct HubSpotError: Error, Sendable {
    var status: Int
    var category: String
    var message: String
    var code: String?
    var context: [String: [String]] = [:]

    static func validation(_ message: String, code: String? = nil, property: String? = nil) -> HubSpotError {
        HubSpotError(status: 400, category: "VALIDATION_ERROR", message: message, code: code,
                     context: property.map { ["propertyName": [$0]] } ?? [:])
    }

    static let notFound = HubSpotError(status: 404, category: "OBJECT_NOT_FOUND", message: "resource not found")
}

/// A Salesforce-style error: the body is an array of `{message, errorCode, fields}`.
struct SalesforceError: Error, Sendable {
    var status: Int
    var errorCode: String
    var message: String
    var fields: [String] = []

    static func malformed(_ message: String) -> SalesforceError {
        SalesforceError(status: 400, errorCode: "MALFORMED_QUERY", message: message)
    }
}
