import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
@testable import LeadRelayCRM
import Testing
import LeadRelayHTTP

@Suite("HubSpot connector over loopback")
struct HubSpotConnectorTests {
    @Test("a first poll reads every contact across pages; the next reads only what changed since")
    func incremental() async throws {
        try await withConnectors(people: 300) { simulator, connectors in
            var hubspot = connectors.hubspot
            hubspot.searchPageSize = 50
            let total = await simulator.state.hubspotRecords("contacts").count
            let first = try await hubspot.pollLeads(since: nil, lookback: 0, fields: leadFields)
            #expect(first.items.count == total)
            #expect(Set(first.items.map(\.ref.id)).count == total)
            #expect(first.calls == (total + 49) / 50)
            let mark = try #require(first.watermark)
            try await Task.sleep(for: .milliseconds(5))
            let id = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "new@acme.io"])
            let second = try await hubspot.pollLeads(since: mark, lookback: 0, fields: leadFields)
            #expect(second.items.map(\.ref.id).contains(String(id)))
            #expect(second.items.count <= 2, "GTE re-reads at most the records at the watermark instant")
            #expect(second.calls == 1)
            let record = try #require(second.items.first { $0.ref.id == String(id) })
            #expect(record.value("email") == "new@acme.io")
            #expect(record.fields["phone"] == nil)
        }
    }

    @Test("keyset paging reads a flood of records that share one timestamp, never by offset")
    func sameTimestamp() async throws {
        try await withConnectors { simulator, connectors in
            // 130 contacts stamped at one instant: the worst case for a time-only cursor.
            let stamp = Date(timeIntervalSince1970: 1_760_000_000)
            for index in 0..<130 {
                try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "p\(index)@same.io"], at: stamp)
            }
            var hubspot = connectors.hubspot
            hubspot.searchPageSize = 20
            let result = try await hubspot.pollLeads(since: nil, lookback: 0, fields: ["email"])
            #expect(result.items.count == 130)
            #expect(Set(result.items.map(\.ref.id)).count == 130)
            #expect(result.calls == 7)
            #expect(result.watermark?.modifiedAt.epochMillis == stamp.epochMillis)
        }
    }

    @Test("a record modified while the poll pages through does not push an untouched record out of sight")
    func concurrentModification() async throws {
        let simulator = CRMSimulator()
        let base = Date(timeIntervalSince1970: 1_760_000_000)
        var ids: [Int] = []
        for index in 0..<60 {
            ids.append(try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "c\(index)@x.io"],
                                                                    at: base.addingTimeInterval(Double(index))))
        }
        let firstID = ids[0]
        let expected = Set(ids.map(String.init))
        try await simulator.withRunningInSlot { endpoints in
            // After the first page is served, someone edits the first contact: offset paging would now skip one record.
            let transport = HookedTransport(inner: AsyncHTTPClientTransport()) { count in
                if count == 1 { _ = try? await simulator.state.updateHubSpotRecord("contacts", id: firstID, properties: ["firstname": "Edited"]) }
            }
            var hubspot = HubSpotConnector(client: APIClient(system: .hubspot, transport: transport,
                                                             auth: StaticTokenProvider(token: Secret(simulator.state.credentials.hubspotToken), baseURL: endpoints.hubspotBaseURL)))
            hubspot.searchPageSize = 20
            let result = try await hubspot.pollLeads(since: nil, lookback: 0, fields: ["email"])
            #expect(Set(result.items.map(\.ref.id)) == expected)
        }
    }

    @Test("companies become accounts with a normalised domain and owner")
    func accounts() async throws {
        try await withConnectors(people: 40) { simulator, connectors in
            let polled = try await connectors.hubspot.pollAccounts(since: nil, lookback: 0, fields: [])
            let result = (items: polled.items.compactMap(Account.init(record:)), calls: polled.calls)
            #expect(result.items.count == 5)
            #expect(result.items.allSatisfy { $0.domain != nil && $0.ownerID != nil })
        }
    }

    @Test("behavioural events (an Enterprise portal's events API) become activities, and a watermark skips old ones")
    func activities() async throws {
        try await withConnectors(people: 30) { simulator, connectors in
            await simulator.state.setHubSpotTier(.enterprise)
            let all = try await connectors.hubspot.pollActivities(since: nil, lookback: 0)
            #expect(!all.items.isEmpty)
            #expect(all.items.allSatisfy { $0.subject.system == .hubspot && $0.subject.object == "contacts" })
            #expect(all.items.contains { $0.kind == .pageView && $0.url != nil })
            let mark = try #require(all.watermark)
            await simulator.state.recordHubSpotEvent(contactID: 101, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
            let next = try await connectors.hubspot.pollActivities(since: mark, lookback: 0)
            #expect(next.items.map(\.form) == ["demo-request"])
        }
    }

    @Test("owners resolve by email, archived ones included")
    func owners() async throws {
        try await withConnectors(people: 5) { simulator, connectors in
            let owners = try await connectors.hubspot.owners()
            #expect(owners.count == 7)
            #expect(owners.contains { $0.email == "ana@example.com" && $0.active })
            #expect(owners.contains { $0.email == "gus@example.com" && !$0.active })
        }
    }

    @Test("a 429 with Retry-After holds every later call that long, without using up an attempt")
    func retryAfter() async throws {
        try await withConnectors(people: 5) { simulator, connectors in
            await simulator.state.inject([.hubspotRateLimit(policy: "TEN_SECONDLY_ROLLING", retryAfter: 3)], into: .hubspot)
            let result = try await connectors.hubspot.pollLeads(since: nil, lookback: 0, fields: ["email"])
            #expect(!result.items.isEmpty)
            let waits = connectors.hubspotGateSleeps.seconds
            #expect(waits.count == 1)
            #expect(waits.first.map { $0 > 8 } == true, "no Retry-After shorter than the ten-second window is trusted: \(waits)")
        }
    }

    @Test("a secondly 429 without Retry-After waits one second")
    func secondly() async throws {
        try await withConnectors(people: 5) { simulator, connectors in
            await simulator.state.inject([.hubspotRateLimit(policy: "SECONDLY", retryAfter: nil)], into: .hubspot)
            _ = try await connectors.hubspot.owners()
            let waits = connectors.hubspotGateSleeps.seconds
            #expect(waits.count == 1 && waits[0] > 0.5 && waits[0] <= 1.0, "\(waits)")
        }
    }

    @Test("server errors are retried with backoff, then succeed")
    func serverErrors() async throws {
        try await withConnectors(people: 5) { simulator, connectors in
            await simulator.state.inject([.serverError, .serverError], into: .hubspot)
            let owners = try await connectors.hubspot.owners()
            #expect(owners.count == 7)
            #expect(connectors.hubspotSleeps.seconds == [0.25, 0.5])
        }
    }

    @Test("a request that times out is retried and the poll completes")
    func timeout() async throws {
        let simulator = CRMSimulator()
        try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "slow@x.io"])
        try await simulator.withRunningInSlot { endpoints in
            await simulator.state.inject([.delay(seconds: 20)], into: .hubspot)
            let sleeps = SleepRecorder()
            let hubspot = HubSpotConnector(client: APIClient(
                system: .hubspot, transport: AsyncHTTPClientTransport(),
                auth: StaticTokenProvider(token: Secret(simulator.state.credentials.hubspotToken), baseURL: endpoints.hubspotBaseURL),
                timeout: 2, sleep: sleeps.sleep, jitter: { 1 }))
            let result = try await hubspot.pollLeads(since: nil, lookback: 0, fields: ["email"])
            #expect(result.items.count == 1)
            // Only the first request hangs; its time-out is followed by the first backoff step.
            #expect(sleeps.seconds.first == 0.5)
        }
    }

    @Test("retries give up with a clear error when the server stays down")
    func givesUp() async throws {
        try await withConnectors { simulator, connectors in
            await simulator.state.inject(Array(repeating: .serverError, count: 10), into: .hubspot)
            await #expect(throws: CRMError.self) { try await connectors.hubspot.owners() }
            #expect(connectors.hubspotSleeps.seconds.count == 4)
        }
    }

    @Test("batch updates apply good records even when one value is refused, and report the refusal")
    func partialUpdates() async throws {
        try await withConnectors(people: 20) { simulator, connectors in
            let ids = await simulator.state.hubspotRecords("contacts").prefix(3).map { String($0.id) }
            let owners = try await connectors.hubspot.owners()
            let writes = [
                RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: ids[0], fields: ["hubspot_owner_id": owners[0].id]),
                RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: ids[1], fields: ["hubspot_owner_id": "999"]),
                RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: ids[2], fields: ["hubspot_owner_id": owners[1].id]),
                RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: "424242", fields: ["firstname": "x"]),
            ]
            let outcomes = try await connectors.hubspot.apply(writes)
            #expect(outcomes.map(\.write) == writes)
            #expect(outcomes[0].result == .applied(id: ids[0]))
            if case .rejected(let code, _) = outcomes[1].result { #expect(code == "VALIDATION_ERROR") } else { Issue.record("bad owner was not refused") }
            #expect(outcomes[2].result == .applied(id: ids[2]))
            if case .rejected = outcomes[3].result {} else { Issue.record("missing record was not refused") }
            #expect(await simulator.state.hubspotRecord("contacts", id: Int(ids[2])!)?.properties["hubspot_owner_id"] == owners[1].id)
        }
    }

    @Test("a create whose email already exists updates that contact instead of failing or duplicating")
    func idempotentCreate() async throws {
        try await withConnectors { simulator, connectors in
            let existing = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "twin@acme.io"])
            let writes = [
                RecordWrite(operation: .create, system: .hubspot, object: "contacts", id: nil, fields: ["email": "twin@acme.io", "firstname": "Twin"],
                            matchField: "email", matchValue: "twin@acme.io"),
                RecordWrite(operation: .create, system: .hubspot, object: "contacts", id: nil, fields: ["email": "fresh@acme.io"],
                            matchField: "email", matchValue: "fresh@acme.io"),
            ]
            let outcomes = try await connectors.hubspot.apply(writes)
            #expect(outcomes[0].result == .applied(id: String(existing)))
            guard case .applied(let fresh) = outcomes[1].result else { Issue.record("create failed"); return }
            #expect(fresh != String(existing))
            #expect(await simulator.state.hubspotRecords("contacts").count == 2)
            _ = try await connectors.hubspot.apply(writes)
            #expect(await simulator.state.hubspotRecords("contacts").count == 2, "applying twice creates nothing new")
        }
    }
}

@Suite("HTTP transport under cancellation")
struct TransportTests {
    /// Fails if `body` takes longer than `limit` once it runs (a deadlock hangs forever; waiting for a test slot on a
    /// busy machine is not counted, as a `.timeLimit` on the whole test would count it).
    func within(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await body(); return true }
            group.addTask { try await Task.sleep(for: limit); return false }
            let finished = try await group.next() ?? false
            group.cancelAll()
            #expect(finished, "still running after \(limit): a deadlock")
        }
    }

    @Test("cancelling callers while their requests complete never deadlocks")
    func cancellationRace() async throws {
        try await withConnectors(people: 3) { simulator, connectors in
            try await within(.seconds(60)) {
                for round in 0..<150 {
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask { _ = try? await connectors.hubspot.owners() }
                        group.addTask {
                            // Cancel at varying moments around the time the response arrives.
                            try? await Task.sleep(for: .microseconds(50 * (round % 40)))
                        }
                        await group.next()
                        group.cancelAll()
                    }
                }
            }
            // The transport still works afterwards.
            let owners = try await connectors.hubspot.owners()
            #expect(owners.count == 7)
        }
    }
}
