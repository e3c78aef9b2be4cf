import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("Bounded cycles: a backlog is many small commits, and nobody is routed on half the picture")
struct BoundedCycleTests {
    @Test("one page a cycle: each cycle commits its page; while HubSpot's backlog is read nobody is routed and nothing created; then the held MQLs are routed, across a restart")
    func backlogInPages() async throws {
        try await withPagedBacklog(seed: 21, people: 700) { simulator, configuration in
            #expect(configuration.pagesPerCycle == 1)
            let contacts = await simulator.state.hubspotRecords("contacts").filter { !$0.archived }.count
            let salesforceEmails = Set(await simulator.state.salesforceRecords("Lead").compactMap { lead -> String? in
                if case .string(let email) = lead.fields["Email"] { return email.lowercased() } else { return nil }
            })
            #expect(contacts > 400, "more contacts than one 200-record page, several times over")

            // Small Salesforce pages too, so both backlogs take several cycles (a real org's page is 2,000 rows).
            func connectors() throws -> [any CRMConnector] {
                try ConnectorFactory.connectors(configuration).map { connector in
                    guard var salesforce = connector as? SalesforceConnector else { return connector }
                    salesforce.rowsPerPage = 150
                    return salesforce
                }
            }
            let leads = await simulator.state.salesforceRecords("Lead").count
            #expect(leads > 300, "more leads than two 150-row pages")
            var daemon = try await Daemon.start(configuration, connectors: try connectors())
            var backlogCycles = 0
            var watermarks: [Watermark] = []
            var held: Set<PersonKey> = []
            while backlogCycles < 20 {
                let result = try await daemon.engine.runCycle()
                guard !result.catchingUp.isEmpty else { break }
                if backlogCycles == 0 { #expect(result.catchingUp == [.hubspot, .salesforce]) }
                backlogCycles += 1
                let contactsRead = result.streams.first { $0.stream == "hubspot.contacts" }?.read ?? 0
                #expect(contactsRead <= 200 + 20, "one page of contacts (and its merge tombstones): \(contactsRead)")
                #expect(result.plan.assignments.isEmpty, "nobody is routed while a backlog is read")
                #expect(!result.plan.writes.contains { $0.operation == .create }, "nothing is created while a backlog is read")
                held.formUnion(result.plan.heldForBacklog)
                let mark = try #require(try await daemon.store.watermark(StreamID(.hubspot, "contacts")), "the page is committed")
                if let last = watermarks.last { #expect(last < mark, "the watermark moves on each cycle") }
                watermarks.append(mark)
                if backlogCycles == 1 {
                    // A restart mid-backlog keeps what was committed: the next process continues from the watermark.
                    daemon = try await Daemon.start(configuration, connectors: try connectors())
                }
            }
            #expect(backlogCycles >= 2, "the backlog took several cycles")
            #expect(!held.isEmpty, "MQLs found during the backlog were held")
            #expect(try await daemon.store.read { try $0.heldPeople(limit: 10_000) }.isEmpty, "released in the cycle after the backlog")
            let assignments = try await daemon.store.allAssignments()
            // The same people are MQLs as when everything is read in one cycle (the whole picture at once).
            let whole = try await Self.assignedInOneCycle(seed: 21, people: 700)
            #expect(Set(assignments.keys) == whole, "bounded: \(assignments.count), whole: \(whole.count)")
            // A person held on half the picture and not routed after is one the whole picture does not make an MQL.
            #expect(held.subtracting(Set(assignments.keys)).isDisjoint(with: whole))
            let stats = try await daemon.dispatcher.drain()
            #expect(stats.failed == 0)
            let created = await simulator.state.writes.filter { $0.system == .salesforce && $0.created }
            let createdEmails = created.compactMap { $0.fields["Email"]?.lowercased() }
            #expect(Set(createdEmails).isDisjoint(with: salesforceEmails),
                    "no Salesforce lead created for a person whose lead existed: \(Set(createdEmails).intersection(salesforceEmails))")
        }
    }

    /// Who is assigned when one unbounded cycle reads everything.
    static func assignedInOneCycle(seed: UInt64, people: Int) async throws -> Set<PersonKey> {
        try await withPagedBacklog(seed: seed, people: people, pagesPerCycle: 1000) { _, configuration in
            let daemon = try await Daemon.start(configuration)
            let result = try await daemon.engine.runCycle()
            #expect(result.catchingUp.isEmpty)
            return Set(try await daemon.store.allAssignments().keys)
        }
    }
}
