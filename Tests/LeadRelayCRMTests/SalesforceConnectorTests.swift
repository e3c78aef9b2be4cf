import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
@testable import LeadRelayCRM
import Testing
import LeadRelayHTTP

@Suite("Salesforce connector over loopback")
struct SalesforceConnectorTests {
    @Test("authenticates, reads every lead through nextRecordsUrl, and continues exactly after the (SystemModstamp, Id) cursor")
    func incremental() async throws {
        try await withConnectors { simulator, connectors in
            let stamp = Date(timeIntervalSince1970: 1_760_000_000)
            for index in 0..<2100 {
                try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": .string("L\(index)"), "Company": "C",
                                                                                   "Email": .string("l\(index)@x.io")], at: stamp)
            }
            let first = try await connectors.salesforce.pollLeads(since: nil, lookback: 0, fields: salesforceLeadFields)
            #expect(first.items.count == 2100)
            #expect(first.calls == 2)
            let mark = try #require(first.watermark)
            #expect(mark.modifiedAt.epochMillis == stamp.epochMillis)
            // A row committed at the very same second, with a larger id: the exact cursor must still see it.
            let late = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Late", "Company": "C"], at: stamp)
            let second = try await connectors.salesforce.pollLeads(since: mark, lookback: 0, fields: salesforceLeadFields)
            #expect(second.items.map(\.ref.id) == [late])
            let record = try #require(second.items.first)
            #expect(record.value("LastName") == "Late")
            #expect(record.fields["Email"] == .some(nil))
        }
    }

    @Test("a look-back window re-reads late commits stamped before the watermark")
    func lookback() async throws {
        try await withConnectors { simulator, connectors in
            let now = Date()
            try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "A", "Company": "C"], at: now)
            let mark = try #require(try await connectors.salesforce.pollLeads(since: nil, lookback: 0, fields: ["LastName"]).watermark)
            let late = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Late", "Company": "C"], at: now.addingTimeInterval(-30))
            let exact = try await connectors.salesforce.pollLeads(since: mark, lookback: 0, fields: ["LastName"])
            #expect(!exact.items.map(\.ref.id).contains(late))
            let windowed = try await connectors.salesforce.pollLeads(since: mark, lookback: 120, fields: ["LastName"])
            #expect(windowed.items.map(\.ref.id).contains(late))
        }
    }

    @Test("an expired session is renewed once and the call retried")
    func reauthenticates() async throws {
        try await withConnectors(people: 10) { simulator, connectors in
            _ = try await connectors.salesforce.owners()
            await simulator.state.expireSalesforceSessions()
            let owners = try await connectors.salesforce.owners()
            #expect(owners.contains { $0.email == "ana@example.com" })
        }
    }

    @Test("wrong client credentials are an authentication error, not a retry loop")
    func badCredentials() async throws {
        try await withSimulatorEndpoints { simulator, endpoints in
            let transport = AsyncHTTPClientTransport()
            let connector = SalesforceConnector(client: APIClient(
                system: .salesforce, transport: transport,
                auth: SalesforceClientCredentials(loginURL: endpoints.salesforceLoginURL, clientID: Secret("x"), clientSecret: Secret("y"), transport: transport)),
                apiVersion: "v62.0")
            do {
                _ = try await connector.owners()
                Issue.record("expected an authentication error")
            } catch {
                guard let error = error as? CRMError, case .authentication(_, let message) = error else { Issue.record("wrong error \(error)"); return }
                #expect(message.contains("invalid_client"))
            }
        }
    }

    @Test("accounts carry a normalised website domain, where they have a website, and their owner")
    func accounts() async throws {
        try await withConnectors(people: 40) { simulator, connectors in
            let polled = try await connectors.salesforce.pollAccounts(since: nil, lookback: 0, fields: [])
            let result = (items: polled.items.compactMap(Account.init(record:)), calls: polled.calls)
            #expect(result.items.count == 5)
            #expect(result.items.contains { $0.domain == nil }, "a fresh org's share of Accounts without a Website")
            for account in result.items {
                #expect(account.ownerID?.hasPrefix("005") == true && !account.name.isEmpty)
                guard let domain = account.domain else { continue }
                #expect(!domain.hasPrefix("www.") && !domain.contains("/"))
            }
        }
    }

    @Test("owner writes carry If-Unmodified-Since: applied on the version read, refused and reported when a person changed it since")
    func conditionalOwner() async throws {
        try await withConnectors(people: 10) { simulator, connectors in
            let read = try await connectors.salesforce.pollLeads(since: nil, lookback: 0, fields: ["Email"]).items.prefix(2)
            let user = try #require(try await connectors.salesforce.owners().first { $0.email == "ben@example.com" }?.id)
            let (untouched, changed) = (read[read.startIndex], read[read.startIndex + 1])
            // A rep works the second lead after LeadRelay read it.
            try await simulator.state.setSalesforceLeadStatus(changed.ref.id, status: "Working - Contacted")
            let writesBefore = await simulator.state.writeCalls(.salesforce)
            let outcomes = try await connectors.salesforce.apply([
                RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: untouched.ref.id, fields: ["OwnerId": user],
                            unmodifiedSince: untouched.modifiedAt),
                RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: changed.ref.id, fields: ["OwnerId": user],
                            unmodifiedSince: changed.modifiedAt),
            ])
            #expect(outcomes[0].result == .applied(id: untouched.ref.id))
            guard case .rejected(let code, let message) = outcomes[1].result else { Issue.record("expected a conflict: \(outcomes[1])"); return }
            #expect(code == "CHANGED_SINCE_READ")
            #expect(message.contains("not overwritten"))
            #expect(await simulator.state.salesforceRecord("Lead", id: untouched.ref.id)?.fields["OwnerId"] == .string(user))
            #expect(await simulator.state.salesforceRecord("Lead", id: changed.ref.id)?.fields["OwnerId"] != .string(user))
            #expect(await simulator.state.writeCalls(.salesforce) - writesBefore == 2)
        }
    }

    @Test("composite writes: per-record results in order, bad owners refused, creates find their twin by email")
    func writes() async throws {
        try await withConnectors(people: 10) { simulator, connectors in
            let leads = await simulator.state.salesforceRecords("Lead").prefix(2).map(\.id)
            let user = try #require(try await connectors.salesforce.owners().first { $0.email == "ana@example.com" }?.id)
            let twin = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Twin", "Company": "C", "Email": "twin@acme.io"])
            let writes = [
                RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: leads[0], fields: ["OwnerId": user]),
                RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: leads[1], fields: ["OwnerId": "005000000000000AAA"]),
                RecordWrite(operation: .create, system: .salesforce, object: "Lead", id: nil, fields: ["OwnerId": user, "LastName": "T", "Company": "C", "Email": "twin@acme.io"],
                            matchField: "Email", matchValue: "Twin@Acme.io"),
                RecordWrite(operation: .create, system: .salesforce, object: "Lead", id: nil, fields: ["OwnerId": user, "LastName": "N", "Company": "C", "Email": "o'neil@acme.io"],
                            matchField: "Email", matchValue: "o'neil@acme.io"),
            ]
            let outcomes = try await connectors.salesforce.apply(writes)
            #expect(outcomes[0].result == .applied(id: leads[0]))
            #expect(outcomes[1].result == .rejected(code: "INVALID_CROSS_REFERENCE_KEY", message: "invalid cross reference id"))
            #expect(outcomes[2].result == .applied(id: twin))
            guard case .applied(let created) = outcomes[3].result else { Issue.record("create failed: \(outcomes[3])"); return }
            #expect(created.hasPrefix("00Q") && created.count == 18)
            #expect(await simulator.state.salesforceRecord("Lead", id: twin)?.fields["OwnerId"] == .string(user))
        }
    }
}

func withSimulatorEndpoints<T: Sendable>(_ body: @escaping @Sendable (CRMSimulator, CRMSimulator.Endpoints) async throws -> T) async throws -> T {
    let simulator = CRMSimulator()
    return try await simulator.withRunningInSlot { try await body(simulator, $0) }
}

@Suite("Connectors under seeded random faults")
struct FaultTests {
    @Test("5xx, resets and truncated bodies are retried; the poll still returns exactly the truth", arguments: [UInt64(1), 2, 3])
    func faults(seed: UInt64) async throws {
        try await withConnectors(people: 300) { simulator, connectors in
            let truthHubSpot = Set(await simulator.state.hubspotRecords("contacts").map { String($0.id) })
            let truthSalesforce = Set(await simulator.state.salesforceRecords("Lead").map(\.id))
            await simulator.state.setFaultSeed(seed)
            let plan = FaultPlan(serverErrorRate: 0.15, resetRate: 0.05, truncateRate: 0.05, maxLatency: 0.01)
            await simulator.state.setFaults(plan, for: .hubspot)
            await simulator.state.setFaults(plan, for: .salesforce)
            var hubspot = connectors.hubspot
            hubspot.searchPageSize = 20
            let contacts = try await hubspot.pollLeads(since: nil, lookback: 0, fields: ["email"])
            let leads = try await connectors.salesforce.pollLeads(since: nil, lookback: 0, fields: ["Email"])
            #expect(Set(contacts.items.map(\.ref.id)) == truthHubSpot)
            #expect(Set(leads.items.map(\.ref.id)) == truthSalesforce)
            #expect(!connectors.hubspotSleeps.seconds.isEmpty, "faults were injected and retried")
        }
    }

    @Test("broken connections and half bodies alone are seen as failures and retried", arguments: [
        FaultPlan(resetRate: 0.4), FaultPlan(truncateRate: 0.4),
    ])
    func brokenBodies(plan: FaultPlan) async throws {
        try await withConnectors(people: 100) { simulator, connectors in
            let truth = Set(await simulator.state.hubspotRecords("contacts").map { String($0.id) })
            await simulator.state.setFaultSeed(7)
            await simulator.state.setFaults(plan, for: .hubspot)
            var hubspot = connectors.hubspot
            hubspot.searchPageSize = 10
            let contacts = try await hubspot.pollLeads(since: nil, lookback: 0, fields: ["email"])
            #expect(Set(contacts.items.map(\.ref.id)) == truth)
            #expect(!connectors.hubspotSleeps.seconds.isEmpty)
        }
    }

    @Test("the same seed injects the same faults")
    func reproducible() async throws {
        func retries(_ seed: UInt64) async throws -> Int {
            try await withConnectors(people: 100) { simulator, connectors in
                await simulator.state.setFaultSeed(seed)
                await simulator.state.setFaults(FaultPlan(serverErrorRate: 0.3), for: .hubspot)
                var hubspot = connectors.hubspot
                hubspot.searchPageSize = 10
                _ = try await hubspot.pollLeads(since: nil, lookback: 0, fields: ["email"])
                return connectors.hubspotSleeps.seconds.count
            }
        }
        let first = try await retries(42), second = try await retries(42)
        #expect(first == second && first > 0)
    }
}
