import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayCRM
import Testing
import LeadRelayHTTP

@Suite("SOQL escaping")
struct SOQLTests {
    @Test("literals escape backslash first, then quotes and control characters", arguments: [
        ("plain", "'plain'"),
        ("O'Dell", "'O\\'Dell'"),
        ("back\\slash", "'back\\\\slash'"),
        ("\\'", "'\\\\\\''"),
        ("say \"hi\"", "'say \\\"hi\\\"'"),
        ("a\nb\tc\rd", "'a\\nb\\tc\\rd'"),
        ("Zoë 🚀", "'Zoë 🚀'"),
    ])
    func quote(value: String, expected: String) {
        #expect(SOQL.quote(value) == expected)
    }

    @Test("LIKE patterns match user text literally")
    func like() {
        #expect(SOQL.likePattern("50%_off", contains: true) == "'%50\\%\\_off%'")
    }

    @Test("identifiers from configuration are whitelisted", arguments: ["Email", "Owner.Email", "Custom_Field__c"])
    func goodIdentifiers(name: String) throws {
        #expect(try SOQL.identifier(name) == name)
    }

    @Test("anything else is refused", arguments: ["Email, Id", "Email--", "1Field", "Owner.Manager.Email", "Na me", "Email)"])
    func badIdentifiers(name: String) {
        #expect(throws: CRMError.self) { try SOQL.identifier(name) }
    }

    @Test("adversarial values round-trip through a real SOQL parser and match only their own row")
    func roundTrip() async throws {
        let nasty = ["O'Dell", "a\\b", "\\'; DELETE", "x' OR Name != '", "tab\there", "new\nline", "quote\"d", "%_%", "Zoë ☃"]
        try await withConnectors { simulator, connectors in
            for name in nasty {
                try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": .string(name), "Company": "C"])
            }
            for name in nasty {
                let rows = try await connectors.salesforce.query("SELECT Id, LastName FROM Lead WHERE LastName = \(SOQL.quote(name))", all: false).rows
                #expect(rows.count == 1, "\(name)")
                #expect(rows.first?["LastName"]?.stringValue == name)
            }
        }
    }
}

@Suite("Failure classification")
struct FailureClassifierTests {
    static func body(_ json: String) -> Data { Data(json.utf8) }

    @Test("HubSpot responses map to the right reaction", arguments: [
        (200, [:], "{}", FailureClass.success),
        (207, [:], "{}", .success),
        (429, ["retry-after": "3"], #"{"errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}"#, .rateLimited(wait: 10, policy: "TEN_SECONDLY_ROLLING")),
        (429, ["retry-after": "30"], #"{"errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}"#, .rateLimited(wait: 30, policy: "TEN_SECONDLY_ROLLING")),
        (429, [:], #"{"errorType":"RATE_LIMIT","policyName":"SECONDLY"}"#, .rateLimited(wait: 1, policy: "SECONDLY")),
        (429, [:], #"{"errorType":"RATE_LIMIT","policyName":"DAILY","message":"daily"}"#, .quotaExhausted("HubSpot daily API limit reached: daily")),
        (401, [:], #"{"category":"EXPIRED_AUTHENTICATION","message":"expired"}"#, .reauthenticate),
        (401, [:], #"{"category":"INVALID_AUTHENTICATION","message":"bad"}"#, .fail(code: "INVALID_AUTHENTICATION", message: "bad")),
        (502, [:], "<html>", .retry(after: nil)),
        (503, ["retry-after": "2"], "", .retry(after: 2)),
        (400, [:], #"{"category":"VALIDATION_ERROR","message":"m","errors":[{"message":"x was not one of the allowed options","code":"INVALID_OPTION"}]}"#,
         .fail(code: "VALIDATION_ERROR", message: "INVALID_OPTION: x was not one of the allowed options")),
        (404, [:], #"{"category":"OBJECT_NOT_FOUND","message":"resource not found"}"#, .fail(code: "OBJECT_NOT_FOUND", message: "resource not found")),
    ] as [(Int, [String: String], String, FailureClass)])
    func hubspot(status: Int, headers: [String: String], body: String, expected: FailureClass) {
        #expect(FailureClassifier.classify(.hubspot, status: status, headers: headers, body: Self.body(body)) == expected)
    }

    @Test("Salesforce responses map to the right reaction", arguments: [
        (401, #"[{"errorCode":"INVALID_SESSION_ID","message":"Session expired or invalid"}]"#, FailureClass.reauthenticate),
        (403, #"[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}]"#, .quotaExhausted("Salesforce API limit reached: TotalRequests Limit exceeded.")),
        (403, #"[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"ConcurrentPerOrgLongTxn Limit exceeded."}]"#, .retry(after: 5)),
        (503, #"[{"errorCode":"SERVER_UNAVAILABLE","message":"x"}]"#, .retry(after: nil)),
        (400, #"[{"errorCode":"UNABLE_TO_LOCK_ROW","message":"locked"}]"#, .retry(after: nil)),
        (400, #"[{"errorCode":"MALFORMED_QUERY","message":"bad"}]"#, .fail(code: "MALFORMED_QUERY", message: "bad")),
        (400, #"{"error":"invalid_grant","error_description":"authentication failure"}"#, .fail(code: "invalid_grant", message: "authentication failure")),
    ] as [(Int, String, FailureClass)])
    func salesforce(status: Int, body: String, expected: FailureClass) {
        #expect(FailureClassifier.classify(.salesforce, status: status, headers: [:], body: Self.body(body)) == expected)
    }

    @Test("transport failures are retried; oversized bodies are not")
    func transport() {
        #expect(FailureClassifier.classify(TransportError.timedOut) == .retry(after: nil))
        #expect(FailureClassifier.classify(TransportError.connectionFailed("reset")) == .retry(after: nil))
        #expect(FailureClassifier.classify(TransportError.bodyTooLarge(limit: 10)) == .fail(code: "BODY_TOO_LARGE", message: "response larger than 10 bytes"))
    }

    @Test("backoff is capped, jittered, and never shorter than the server asked")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 0.5, maxDelay: 4)
        #expect(policy.delay(afterAttempt: 1, serverAsked: nil, unit: 1) == 0.5)
        #expect(policy.delay(afterAttempt: 3, serverAsked: nil, unit: 1) == 2)
        #expect(policy.delay(afterAttempt: 10, serverAsked: nil, unit: 1) == 4)
        #expect(policy.delay(afterAttempt: 10, serverAsked: nil, unit: 0) == 0)
        #expect(policy.delay(afterAttempt: 1, serverAsked: 7, unit: 0.1) == 7)
    }
}
