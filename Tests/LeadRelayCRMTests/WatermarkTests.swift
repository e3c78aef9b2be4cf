import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
@testable import LeadRelayCRM
import Testing
import LeadRelayHTTP

@Suite("Watermarks: settled ones continue exactly, unsettled ones re-read the look-back window")
struct WatermarkTests {
    @Test("HubSpot: 500 contacts sharing one lastmodifieddate are read once, not on every idle cycle")
    func hubspotSharedTimestamp() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 4, people: 700)).populate(simulator.state)
        let ids = await simulator.state.hubspotRecords("contacts").prefix(500).map(\.id)
        try await simulator.state.bulkUpdateHubSpotRecords("contacts", ids: Array(ids), properties: ["hs_lead_status": "OPEN"])
        try await simulator.withRunningInSlot { endpoints in
            let client = APIClient(system: .hubspot, transport: AsyncHTTPClientTransport(),
                                   auth: StaticTokenProvider(token: Secret(simulator.state.credentials.hubspotToken), baseURL: endpoints.hubspotBaseURL))
            let first = try await HubSpotConnector(client: client).pollLeads(since: nil, lookback: 3600, fields: ["email"])
            let mark = try #require(first.watermark)
            // Two hours later the watermark is settled (an hour-long window, so a slow machine cannot outlast it): one call, nothing re-read.
            let later = HubSpotConnector(client: client, now: { Date().addingTimeInterval(7200) })
            let idle = try await later.pollLeads(since: mark, lookback: 3600, fields: ["email"])
            #expect(idle.calls == 1 && idle.items.isEmpty)
            // Within the window the recent records are re-read (index lag), paged by keyset past the 200 cap.
            let fresh = try await HubSpotConnector(client: client).pollLeads(since: mark, lookback: 3600, fields: ["email"])
            #expect(fresh.items.count >= 500 && fresh.calls >= 3)
            // A change after the settled watermark is still found.
            try await simulator.state.updateHubSpotRecord("contacts", id: ids[7], properties: ["jobtitle": "CTO"])
            let changed = try await later.pollLeads(since: mark, lookback: 3600, fields: ["email"])
            #expect(changed.items.map(\.ref.id) == [String(ids[7])])
        }
    }

    @Test("Salesforce: a settled watermark continues after (SystemModstamp, Id); an unsettled one re-reads the window")
    func salesforceSettled() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 4, people: 300)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let credentials = simulator.state.credentials
            let client = APIClient(system: .salesforce, transport: AsyncHTTPClientTransport(),
                                   auth: SalesforceClientCredentials(loginURL: endpoints.salesforceLoginURL, clientID: Secret(credentials.salesforceClientID),
                                                                     clientSecret: Secret(credentials.salesforceClientSecret), transport: AsyncHTTPClientTransport()))
            let first = try await SalesforceConnector(client: client, apiVersion: "v62.0").pollLeads(since: nil, lookback: 120, fields: ["Email"])
            let lead = try #require(first.items.first)
            try await simulator.state.setSalesforceLeadStatus(lead.ref.id, status: "Working - Contacted")
            let now = SalesforceConnector(client: client, apiVersion: "v62.0")
            let recent = try await now.pollLeads(since: first.watermark, lookback: 120, fields: ["Email"])
            #expect(recent.items.map(\.ref.id) == [lead.ref.id])
            let settled = SalesforceConnector(client: client, apiVersion: "v62.0", now: { Date().addingTimeInterval(600) })
            let idle = try await settled.pollLeads(since: recent.watermark, lookback: 120, fields: ["Email"])
            #expect(idle.items.isEmpty && idle.calls == 1)
            let unsettled = try await now.pollLeads(since: recent.watermark, lookback: 120, fields: ["Email"])
            #expect(unsettled.items.map(\.ref.id) == [lead.ref.id], "the window behind a fresh watermark is read again for late commits")
        }
    }

    @Test("more than 10,000 contacts sharing one timestamp are all read, past search's 10,000-offset cap, at one call per 200")
    func beyondTheOffsetCap() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 6, people: 10_400, bothShare: 0, hubspotOnlyShare: 1)).populate(simulator.state)
        let ids = await simulator.state.hubspotRecords("contacts").prefix(10_250).map(\.id)
        #expect(ids.count == 10_250)
        try await simulator.withRunningInSlot { endpoints in
            let client = APIClient(system: .hubspot, transport: AsyncHTTPClientTransport(),
                                   auth: StaticTokenProvider(token: Secret(simulator.state.credentials.hubspotToken), baseURL: endpoints.hubspotBaseURL))
            let connector = HubSpotConnector(client: client, now: { Date().addingTimeInterval(3600) })
            let first = try await connector.pollLeads(since: nil, lookback: 0, fields: ["email"])
            try await simulator.state.bulkUpdateHubSpotRecords("contacts", ids: Array(ids), properties: ["hs_lead_status": "OPEN"])
            let flood = try await connector.pollLeads(since: first.watermark, lookback: 0, fields: ["email"])
            #expect(Set(flood.items.map(\.ref.id)) == Set(ids.map(String.init)))
            #expect(flood.items.count == 10_250, "each once")
            #expect(flood.calls == 52, "⌈10,250 / 200⌉ pages, no offsets")
        }
    }
}
