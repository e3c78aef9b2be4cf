import Foundation
import LeadRelayCore
@testable import LeadRelayCRM
import LeadRelayHTTP
import Synchronization
import Testing

/// The connectors against response bodies in the vendors' documented shapes (`VendorPayloads/`), not the simulator's.
@Suite("Connectors parse the vendors' documented payloads")
struct VendorPayloadTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("VendorPayloads")

    static func payload(_ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name + ".json"))
    }

    /// Answers every request with one canned response and keeps what was asked.
    final class CannedTransport: HTTPTransport, Sendable {
        let status: Int
        let body: Data
        private let requests = Mutex<[TransportRequest]>([])

        init(status: Int, body: Data) {
            self.status = status
            self.body = body
        }

        var sent: [TransportRequest] { requests.withLock { $0 } }

        func send(_ request: TransportRequest) async throws -> TransportResponse {
            requests.withLock { $0.append(request) }
            return TransportResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
        }
    }

    func client(_ system: CRMSystem, _ transport: CannedTransport) -> APIClient {
        APIClient(system: system, transport: transport, auth: StaticTokenProvider(token: Secret("t"), baseURL: URL(string: "https://api.example.com")!),
                  retry: RetryPolicy(maxAttempts: 1), sleep: { _ in }, jitter: { 0 })
    }

    @Test("a HubSpot search page: ids, modification times to the millisecond, nulls kept as blanks")
    func hubspotSearch() throws {
        let page = try JSONValue.decode(try Self.payload("hubspot-contacts-search"))
        let records = (page["results"]?.arrayValue ?? []).compactMap { HubSpotConnector.sourceRecord($0, type: "contacts", modified: "lastmodifieddate") }
        #expect(records.map(\.ref.id) == ["512", "513"])
        #expect(records[0].modifiedAt.epochMillis == 1_575_737_406_678)
        #expect(records[0].value("email") == "bh@hubspot.com" && records[0].value("lastname") == "Halligan")
        #expect(records[0].fields.keys.contains("numemployees") && records[0].value("numemployees") == nil)
        #expect(records.allSatisfy { !$0.deleted })
        #expect(page["paging"]?["next"]?["after"]?.stringValue == "NTI1Cg%3D%3D", "the cursor is opaque text, kept as sent")
    }

    @Test("a Salesforce query page: numbers as the CRM's text, nulls blank, parent objects and attributes left out")
    func salesforceQuery() throws {
        let page = try JSONValue.decode(try Self.payload("salesforce-query-lead"))
        let rows = page["records"]?.arrayValue ?? []
        let first = SalesforceConnector.values(rows[0])
        #expect(first["Id"] == "00QD000000qDf8RMAS")
        #expect(first["NumberOfEmployees"] == "500" && first["AnnualRevenue"] == "15000000")
        #expect(first["IsDeleted"] == "false" && first["MasterRecordId"] == .some(nil))
        #expect(first["Owner"] == nil && first["attributes"] == nil)
        #expect(first["SystemModstamp"].flatMap { $0 }.flatMap(CRMTimestamps.parse)?.epochMillis == 1_718_038_904_000)
        let second = SalesforceConnector.values(rows[1])
        #expect(second["IsDeleted"] == "true" && second["MasterRecordId"] == "00QD000000qDf8RMAS")
        #expect(page["nextRecordsUrl"]?.stringValue?.hasPrefix("/services/data/v62.0/query/") == true)
    }

    @Test("documented error bodies are classified: rate limits, daily quota, expired tokens, validation, converted leads")
    func errors() throws {
        func hubspot(_ status: Int, _ name: String, headers: [String: String] = [:]) throws -> FailureClass {
            FailureClassifier.classify(.hubspot, status: status, headers: headers, body: try Self.payload(name))
        }
        func salesforce(_ status: Int, _ name: String) throws -> FailureClass {
            FailureClassifier.classify(.salesforce, status: status, headers: [:], body: try Self.payload(name))
        }
        #expect(try hubspot(429, "hubspot-429-secondly") == .rateLimited(wait: 1, policy: "SECONDLY"))
        #expect(try hubspot(429, "hubspot-429-secondly", headers: ["retry-after": "3"]) == .rateLimited(wait: 3, policy: "SECONDLY"))
        guard case .quotaExhausted = try hubspot(429, "hubspot-429-daily") else { Issue.record("DAILY is the day's budget"); return }
        #expect(try hubspot(401, "hubspot-401-expired") == .reauthenticate)
        guard case .fail(let code, let message) = try hubspot(400, "hubspot-400-invalid-option") else { Issue.record("validation fails"); return }
        #expect(code == "VALIDATION_ERROR" && message.hasPrefix("INVALID_OPTION: "))
        #expect(try salesforce(401, "salesforce-invalid-session") == .reauthenticate)
        guard case .quotaExhausted = try salesforce(403, "salesforce-request-limit") else { Issue.record("REQUEST_LIMIT_EXCEEDED"); return }
        #expect(try salesforce(400, "salesforce-converted-lead") == .fail(code: "CANNOT_UPDATE_CONVERTED_LEAD", message: "cannot reference converted lead"))
    }

    @Test("HubSpot's 207 batch answer: the listed ids are refused with their category, the others applied")
    func hubspotMultiStatus() async throws {
        let transport = CannedTransport(status: 207, body: try Self.payload("hubspot-batch-update-207"))
        let connector = HubSpotConnector(client: client(.hubspot, transport))
        let writes = ["512", "99999999"].map {
            RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: $0, fields: ["hubspot_owner_id": "910901"])
        }
        let outcomes = try await connector.apply(writes).map(\.result)
        #expect(outcomes.first == .applied(id: "512"))
        guard case .rejected(let code, _) = outcomes.last else { Issue.record("\(outcomes)"); return }
        #expect(code == "OBJECT_NOT_FOUND")
        #expect(transport.sent.count == 1, "one batch call, no retry of a multi-status answer")
    }

    @Test("Salesforce's sObject Collections answer: one result per record, in order, errors by status code")
    func salesforceCollections() async throws {
        let transport = CannedTransport(status: 200, body: try Self.payload("salesforce-collections-response"))
        let connector = SalesforceConnector(client: client(.salesforce, transport), apiVersion: "v62.0")
        let writes = ["00QD000000qDf8RMAS", "00QD000000qDf8"].map {
            RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: $0, fields: ["Title": "VP"])
        }
        let outcomes = try await connector.apply(writes).map(\.result)
        #expect(outcomes == [.applied(id: "00QD000000qDf8RMAS"), .rejected(code: "MALFORMED_ID", message: "malformed id 00QD000000qDf8")])
        let body = try JSONValue.decode(try #require(transport.sent.first?.body))
        #expect(body["allOrNone"] == false && body["records"]?.arrayValue?.first?["attributes"]?["type"] == "Lead")
    }
}
