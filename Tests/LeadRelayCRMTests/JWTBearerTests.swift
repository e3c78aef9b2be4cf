import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayCRM
import LeadRelayHTTP
import LeadRelayTestSupport
import Testing

/// Answers every request with one canned response (a token endpoint that is not the org's).
struct CannedTransport: HTTPTransport {
    let status: Int
    let body: String
    func send(_ request: TransportRequest) async throws -> TransportResponse {
        TransportResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(body.utf8))
    }
}

@Suite("Salesforce JWT bearer and signed token responses")
struct JWTBearerTests {
    @Test("an RS256 assertion signed with the connected app's key gets a session; the simulator verifies it with the certificate")
    func login() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 3, people: 10)).populate(simulator.state)
        try await simulator.state.uploadSalesforceCertificate(publicKeyPEM: TestKeys.connectedApp.publicPEM)
        try await simulator.withRunningInSlot { endpoints in
            let transport = AsyncHTTPClientTransport()
            let signer = try SalesforceJWTSigner(clientID: Secret(simulator.state.credentials.salesforceClientID), username: "ana@example.com.sim",
                                                 audience: "https://login.salesforce.com", privateKeyPEM: TestKeys.connectedApp.privatePEM)
            let assertion = try signer.assertion()
            let parts = assertion.split(separator: ".")
            #expect(parts.count == 3)
            let claims = try JSONValue.decode(try #require(Data(base64Encoded: Self.padded(parts[1]))))
            #expect(claims["sub"] == "ana@example.com.sim" && claims["aud"] == "https://login.salesforce.com")
            let expiry = try #require(claims["exp"]?.doubleValue)
            #expect(expiry > Date().timeIntervalSince1970 + 150 && expiry <= Date().timeIntervalSince1970 + 181, "three minutes ahead")

            let auth = SalesforceClientCredentials(loginURL: endpoints.salesforceLoginURL, jwt: signer, transport: transport)
            let connector = SalesforceConnector(client: APIClient(system: .salesforce, transport: transport, auth: auth), apiVersion: "v62.0")
            #expect(try await !connector.pollLeads(since: nil, lookback: 0, fields: ["Email"]).items.isEmpty)

            let stranger = try SalesforceJWTSigner(clientID: Secret(simulator.state.credentials.salesforceClientID), username: "ana@example.com.sim",
                                                   audience: "https://login.salesforce.com", privateKeyPEM: TestKeys.stranger.privatePEM)
            do {
                _ = try await SalesforceClientCredentials(loginURL: endpoints.salesforceLoginURL, jwt: stranger, transport: transport).current()
                Issue.record("a key that is not the certificate's must be refused")
            } catch let error as CRMError {
                guard case .authentication(_, let message) = error else { Issue.record("\(error)"); return }
                #expect(message == "invalid_grant: invalid assertion")
            }
        }
    }

    @Test("a key file that is missing, not PEM or too short is named at load")
    func keyFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jwt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("none.pem").path
        #expect(throws: SalesforceJWTSigner.KeyError.unreadable(path: missing)) {
            try SalesforceJWTSigner.load(clientID: Secret("c"), username: "u", audience: "a", keyFile: missing)
        }
        let junk = folder.appendingPathComponent("junk.pem")
        try Data("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n".utf8).write(to: junk)
        do {
            _ = try SalesforceJWTSigner.load(clientID: Secret("c"), username: "u", audience: "a", keyFile: junk.path)
            Issue.record("junk must not load")
        } catch {
            #expect("\(error)".hasPrefix("\(junk.path) holds no RSA private key"))
        }
        let good = folder.appendingPathComponent("key.pem")
        try Data(TestKeys.connectedApp.privatePEM.utf8).write(to: good)
        #expect(try SalesforceJWTSigner.load(clientID: Secret("c"), username: "u", audience: "a", keyFile: good.path).username == "u")
    }

    @Test("a token response whose signature is not HMAC-SHA256(secret, id + issued_at) is refused; the simulator's verifies")
    func responseSignature() async throws {
        let id = "https://login.salesforce.com/id/00D/005", issued = "1717977600123"
        let secret = Secret("s3cret")
        let good = SalesforceTokenSignature.expected(id: id, issuedAt: issued, clientSecret: secret)
        #expect(SalesforceTokenSignature.verifies(good, id: id, issuedAt: issued, clientSecret: secret))
        #expect(!SalesforceTokenSignature.verifies(good, id: id, issuedAt: "1717977600124", clientSecret: secret))
        #expect(!SalesforceTokenSignature.verifies("bm9wZQ==", id: id, issuedAt: issued, clientSecret: secret))
        func login(signature: String) async throws -> AccessToken {
            let body = #"{"access_token":"00D!x","instance_url":"https://acme.my.salesforce.com","id":"\#(id)","issued_at":"\#(issued)","signature":"\#(signature)","token_type":"Bearer"}"#
            return try await SalesforceClientCredentials(loginURL: URL(string: "https://login.salesforce.com")!, clientID: Secret("c"), clientSecret: secret,
                                                         transport: CannedTransport(status: 200, body: body)).current()
        }
        #expect(try await login(signature: good).token.value == "00D!x")
        await #expect(throws: CRMError.self) { try await login(signature: SalesforceTokenSignature.expected(id: id, issuedAt: issued, clientSecret: Secret("other"))) }

        // The simulator signs as Salesforce does: its client-credentials answer verifies with the simulator's secret.
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let credentials = simulator.state.credentials
            let form = "grant_type=client_credentials&client_id=\(credentials.salesforceClientID)&client_secret=\(credentials.salesforceClientSecret)"
            let response = try await AsyncHTTPClientTransport().send(TransportRequest(
                method: "POST", url: endpoints.salesforceLoginURL.appendingPathComponent("services/oauth2/token"),
                headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(form.utf8), timeout: 10))
            let json = try JSONValue.decode(response.body)
            let signature = try #require(json["signature"]?.stringValue), identity = try #require(json["id"]?.stringValue)
            let at = try #require(json["issued_at"]?.stringValue)
            #expect(SalesforceTokenSignature.verifies(signature, id: identity, issuedAt: at, clientSecret: Secret(credentials.salesforceClientSecret)))
        }
    }

    static func padded(_ part: Substring) -> String {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return text
    }
}
