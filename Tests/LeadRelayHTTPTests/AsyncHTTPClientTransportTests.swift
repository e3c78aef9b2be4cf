import CRMSimulator
import Foundation
import LeadRelayHTTP
import LeadRelayTestSupport
import Testing

/// The production transport against the simulator over loopback.
@Suite("AsyncHTTPClient transport")
struct AsyncHTTPClientTransportTests {
    func create(_ email: String, _ endpoints: CRMSimulator.Endpoints, token: String, timeout: TimeInterval = 10) -> TransportRequest {
        let body = Data(#"{"properties":{"email":"\#(email)","firstname":"Body"}}"#.utf8)
        return TransportRequest(method: "POST", url: endpoints.hubspotBaseURL.appendingPathComponent("crm/v3/objects/contacts"),
                                headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: body, timeout: timeout)
    }

    @Test("a POST's body reaches the server; the answer comes back with lower-cased header names")
    func post() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let response = try await AsyncHTTPClientTransport().send(create("body@x.io", endpoints, token: simulator.state.credentials.hubspotToken))
            #expect(response.status == 201)
            #expect(response.header("Content-Type")?.contains("application/json") == true)
            #expect(response.headers.keys.allSatisfy { $0 == $0.lowercased() })
            #expect(await simulator.state.hubspotRecords("contacts").contains { $0.properties["email"] == "body@x.io" })
        }
    }

    @Test("past its deadline a request fails as timed out, and is never sent again behind the caller's back")
    func deadline() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            await simulator.state.inject([.delay(seconds: 1.5)], into: .hubspot)
            let transport = AsyncHTTPClientTransport()
            await #expect(throws: TransportError.timedOut) {
                try await transport.send(create("slow@x.io", endpoints, token: simulator.state.credentials.hubspotToken, timeout: 0.3))
            }
            // The server still serves the one request it got, once.
            try await Task.sleep(for: .seconds(2))
            #expect(await simulator.state.hubspotRecords("contacts").filter { $0.properties["email"] == "slow@x.io" }.count <= 1)
            #expect(await simulator.state.writeCalls(.hubspot) <= 1)
        }
    }

    @Test("after connections break, the next POST on the pool still carries its whole body")
    func resets() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let transport = AsyncHTTPClientTransport()
            let token = simulator.state.credentials.hubspotToken
            _ = try await transport.send(create("warm@x.io", endpoints, token: token))
            await simulator.state.setFaults(FaultPlan(resetRate: 1), for: .hubspot)
            for index in 0..<3 {
                await #expect(throws: TransportError.self) { try await transport.send(create("reset\(index)@x.io", endpoints, token: token)) }
            }
            await simulator.state.setFaults(.none, for: .hubspot)
            let response = try await transport.send(create("after@x.io", endpoints, token: token))
            #expect(response.status == 201, "\(String(decoding: response.body, as: UTF8.self))")
            #expect(await simulator.state.hubspotRecords("contacts").first { $0.properties["email"] == "after@x.io" }?.properties["firstname"] == "Body")
        }
    }

    @Test("a body over the limit is refused instead of read into memory")
    func tooLarge() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 3, people: 40)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let request = TransportRequest(method: "GET", url: endpoints.hubspotBaseURL.appendingPathComponent("crm/v3/objects/contacts"),
                                           headers: ["Authorization": "Bearer \(simulator.state.credentials.hubspotToken)"])
            await #expect(throws: TransportError.bodyTooLarge(limit: 256)) { try await AsyncHTTPClientTransport(maxBodyBytes: 256).send(request) }
        }
    }
}

@Suite("AsyncHTTPClient transport without a server")
struct AsyncHTTPClientRefusedTests {
    @Test("a refused connection fails at once, as a connection failure (the caller's policy retries, not the pool)")
    func refused() async throws {
        let started = ContinuousClock.now
        let request = TransportRequest(method: "POST", url: URL(string: "http://127.0.0.1:9/hooks/slack")!, body: Data("{}".utf8), timeout: 120)
        await #expect {
            try await AsyncHTTPClientTransport().send(request)
        } throws: { error in
            if case TransportError.connectionFailed = error { true } else { false }
        }
        // Far below the deadline, with room for a busy machine: the failure is the refusal, not the deadline.
        #expect(ContinuousClock.now - started < .seconds(30), "not held until the deadline")
    }
}
