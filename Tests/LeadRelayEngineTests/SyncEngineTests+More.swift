import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
import LeadRelayCRM
@testable import LeadRelayEngine
import Testing
import LeadRelayHTTP
import LeadRelayNotify
import LeadRelayTesting

@Suite("Deletes and merges reach the store")
struct DeletionTests {
    @Test("archived HubSpot contacts, merged-away contacts and deleted Salesforce leads become deleted snapshots; the sweep is paced")
    func propagate() async throws {
        try await withRig(people: 60) { rig in
            var engine = rig.engine
            _ = try await engine.runCycle()
            let contacts = await rig.simulator.state.hubspotRecords("contacts").filter { !$0.archived }
            let leads = await rig.simulator.state.salesforceRecords("Lead")
            let (archived, survivor, loser) = (contacts[0].id, contacts[1].id, contacts[2].id)
            try await rig.simulator.state.archiveHubSpotRecord("contacts", id: archived)
            _ = try await rig.simulator.state.mergeHubSpotContacts(primary: survivor, merged: loser)
            try await rig.simulator.state.deleteSalesforceRecord("Lead", id: leads[0].id)

            // The sweep ran in the first cycle; within poll.deletedEvery it does not run again.
            let quiet = try await engine.runCycle()
            #expect(!quiet.streams.contains { $0.stream.hasSuffix(".deleted") })
            func snapshot(_ system: CRMSystem, _ object: String, _ id: String) async throws -> SourceRecord? {
                try await rig.store.snapshots([RecordRef(system: system, object: object, id: id)]).first
            }
            #expect(try await snapshot(.hubspot, "contacts", String(loser))?.deleted == true, "the merge tombstone arrives with the survivor")
            #expect(try await snapshot(.hubspot, "contacts", String(loser))?.value(HubSpotConnector.mergedIntoField) == String(survivor))
            let links = try await rig.store.links(for: [RecordRef(system: .hubspot, object: "contacts", id: String(loser)),
                                                        RecordRef(system: .hubspot, object: "contacts", id: String(survivor))])
            #expect(links[RecordRef(system: .hubspot, object: "contacts", id: String(loser))] ==
                    links[RecordRef(system: .hubspot, object: "contacts", id: String(survivor))], "the loser's link follows the survivor's person")
            #expect(links.count == 2)
            #expect(try await snapshot(.salesforce, "Lead", leads[0].id)?.deleted == true, "queryAll returns the deleted row")
            #expect(try await snapshot(.hubspot, "contacts", String(archived))?.deleted == false, "not swept yet")

            engine = try await Daemon.start(rig.configuration, store: rig.store, connectors: rig.connectors,
                                      clock: { Date().addingTimeInterval(901) }).engine
            let swept = try await engine.runCycle()
            #expect(swept.streams.contains { $0.stream == "hubspot.contacts.deleted" && $0.changed == 1 })
            #expect(try await snapshot(.hubspot, "contacts", String(archived))?.deleted == true)
            // Nothing new to propagate: a later sweep changes nothing.
            let later = try await Daemon.start(rig.configuration, store: rig.store, connectors: rig.connectors,
                                         clock: { Date().addingTimeInterval(1900) }).engine
            let idle = try await later.runCycle()
            #expect(idle.changedRecords == 0)
            // An idle cycle costs one call per object type; the sweeps on their own slower cadence (deletions, and the
            // Forms API: the list of forms, then one call per form) aside.
            let sweeps = ["hubspot.form-submissions"]
            #expect(idle.streams.filter { !$0.stream.hasSuffix(".deleted") && !sweeps.contains($0.stream) }.allSatisfy { $0.calls == 1 },
                    "\(idle.streams.map { ($0.stream, $0.calls) })")
            let forms = await rig.simulator.state.hubspotForms().count
            #expect(idle.streams.first { $0.stream == "hubspot.form-submissions" }?.calls == 1 + forms)
        }
    }
}

@Suite("Two-way field sync reaches a fixed point")
struct FixedPointTests {
    @Test("edits on both sides for many cycles, then quiet: zero writes, both systems agree, echoes recognised")
    func fixedPoint() async throws {
        try await withRig(people: 80) { rig in
            var rng = SeededRandom(seed: 99)
            var echoes = 0
            for round in 0..<10 {
                _ = try await rig.engine.runCycle().echoesSuppressed
                _ = try await rig.dispatcher.drain()
                // People edit titles and states in either system between cycles.
                let contacts = await rig.simulator.state.hubspotRecords("contacts").filter { !$0.archived }
                let leads = await rig.simulator.state.salesforceRecords("Lead").filter { $0.fields["IsDeleted"] != .bool(true) }
                for step in 0..<4 {
                    _ = try? await rig.simulator.state.updateHubSpotRecord("contacts", id: rng.pick(contacts).id, properties: ["jobtitle": "Head of R\(round)\(step)"])
                    try? await rig.simulator.state.updateSalesforceRecord("Lead", id: rng.pick(leads).id, fields: ["State": .string("S\(round)\(step)")])
                }
            }
            var lastWrites = -1
            for _ in 0..<4 {
                let result = try await rig.engine.runCycle()
                echoes += result.echoesSuppressed
                lastWrites = result.plan.writes.count
                _ = try await rig.dispatcher.drain()
            }
            #expect(lastWrites == 0, "a quiet cycle writes nothing")
            #expect(echoes > 0, "our own writes came back and were recognised")
            // Every person in both systems holds the same title and state on both sides.
            let people = try await rig.store.allLinks()
            var byPerson: [SubjectKey: [RecordRef]] = [:]
            for (ref, person) in people { byPerson[person, default: []].append(ref) }
            var checked = 0
            for refs in byPerson.values {
                // A person with two records in one system (a personal and a work address) is reconciled survivor to survivor.
                let snapshots = try await rig.store.snapshots(refs).filter { !$0.deleted }
                func newest(_ system: CRMSystem) -> RecordRef? { rig.configuration.mapping.primaryRecord(in: system, of: snapshots)?.ref }
                guard let hs = newest(.hubspot), let sf = newest(.salesforce),
                      let contact = await rig.simulator.state.hubspotRecord("contacts", id: Int(hs.id)!), !contact.archived,
                      let lead = await rig.simulator.state.salesforceRecord("Lead", id: sf.id) else { continue }
                #expect(contact.properties["jobtitle"] == lead.fields["Title"].flatMap { if case .string(let v) = $0 { v } else { nil } },
                        "title of \(hs) and \(sf)")
                #expect(contact.properties["state"] == lead.fields["State"].flatMap { if case .string(let v) = $0 { v } else { nil } },
                        "state of \(hs) and \(sf)")
                checked += 1
            }
            #expect(checked > 10)
        }
    }
}

@Suite("Back-fill when the mapping changes")
struct BackfillTests {
    @Test("a field added to the mapping fills existing records in the next cycle, though none of them changed")
    func backfill() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 11, people: 60)).populate(simulator.state)
        // A person in both systems whose Salesforce title is blank: with no title mapping, nothing touches it.
        let contacts = await simulator.state.hubspotRecords("contacts")
        let leads = await simulator.state.salesforceRecords("Lead")
        let pair = leads.lazy.compactMap { lead -> (Int, String, String)? in
            guard case .string(let email)? = lead.fields["Email"],
                  let contact = contacts.first(where: { $0.properties["email"]?.trimmingCharacters(in: .whitespaces).lowercased() == email.lowercased() }),
                  let title = contact.properties["jobtitle"] else { return nil }
            return (contact.id, lead.id, title)
        }.first
        let (contactID, leadID, title) = try #require(pair)
        try await simulator.state.updateSalesforceRecord("Lead", id: leadID, fields: ["Title": .null])
        _ = contactID
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            let mapping = try String(contentsOfFile: workspace.directory + "/mapping.yaml", encoding: .utf8)
            let withoutTitle = mapping.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("title:") }.joined(separator: "\n")
            try workspace.write("mapping.yaml", withoutTitle)
            try FileManager.default.copyItem(atPath: repositoryRoot + "/Mappings/hubspot-salesforce-accounts.yaml",
                                             toPath: workspace.directory + "/accounts.yaml")
            try workspace.configure(endpoints, credentials: simulator.state.credentials)
            // No look-back: a settled store re-reads nothing, so only the back-fill can find the work.
            let config = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
                .replacingOccurrences(of: "poll: { interval: 1s, lookback: 5s }", with: "poll: { interval: 1s, lookback: 0s }")
                .replacingOccurrences(of: "mappings: [ mapping.yaml ]", with: "mappings: [ mapping.yaml, accounts.yaml ]")
            try workspace.write("leadrelay.yaml", config)
            let first = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            let daemon = try await Daemon.start(first, notifier: .some(nil))
            for _ in 0..<3 {
                _ = try await daemon.engine.runCycle()
                _ = try await daemon.dispatcher.drain()
            }
            #expect(await simulator.state.salesforceRecord("Lead", id: leadID)?.fields["Title"] == .null)

            try workspace.write("mapping.yaml", mapping)
            let second = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            let changed = try await Daemon.start(second, store: daemon.store, connectors: daemon.connectors, notifier: .some(nil))
            let cycle = try await changed.engine.runCycle()
            #expect(cycle.backfill)
            #expect(cycle.streams.contains { $0.stream == "salesforce.Lead" && $0.read > 0 }, "leads are read again in full")
            // The back-fill re-plans people only: account links stay with the account reconciliation.
            let accountKeyed = cycle.plan.changes.filter { $0.subject.account != nil }
            #expect(accountKeyed.isEmpty, "\(accountKeyed.prefix(3).map(\.reason))")
            _ = try await changed.dispatcher.drain()
            #expect(await simulator.state.salesforceRecord("Lead", id: leadID)?.fields["Title"] == .string(title))
            let after = try await Daemon.start(second, store: daemon.store, connectors: daemon.connectors, notifier: .some(nil)).engine.runCycle()
            #expect(!after.backfill, "one back-fill per mapping change")
        }
    }
}

@Suite("The dry-run report is exact")
struct ExactPlanTests {
    @Test("running the cycle performs exactly the writes the dry run listed, no more, no fewer")
    func exact() async throws {
        try await withRig(people: 120) { rig in
            let dry = try await rig.engine.plan()
            let listed = dry.plan.writes
            #expect(!listed.isEmpty)
            let before = await rig.simulator.state.writes.count
            let cycle = try await rig.engine.runCycle()
            #expect(cycle.plan.writes == listed, "the committed plan is the one the dry run showed")
            let stats = try await rig.dispatcher.drain()
            #expect(stats.failed == 0 && stats.retryLater == 0)
            let performed = await rig.simulator.state.writes.dropFirst(before)
            // Updates: the same records with the same fields (empty string clears); creates: the same field sets.
            func key(_ system: CRMSystem, _ object: String, _ id: String?, _ fields: [String: String]) -> String {
                "\(system.rawValue)/\(object)/\(id ?? "new")/" + fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
            }
            let expected = listed.map { key($0.system, $0.object, $0.operation == .update ? $0.id : nil, $0.fields) }.sorted()
            let actual = performed.map { key($0.system, $0.object, $0.created ? nil : $0.id, $0.fields) }.sorted()
            #expect(actual == expected)
        }
    }
}

@Suite("Companies and accounts")
struct AccountSyncTests {
    @Test("companies and accounts link by web domain, their mapped fields reconcile, and a quiet cycle writes nothing")
    func accounts() async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 11, people: 80)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try FileManager.default.copyItem(atPath: repositoryRoot + "/Mappings/hubspot-salesforce-accounts.yaml",
                                             toPath: workspace.directory + "/accounts.yaml")
            try workspace.configure(endpoints, credentials: simulator.state.credentials)
            let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
                .replacingOccurrences(of: "mappings: [ mapping.yaml ]", with: "mappings: [ mapping.yaml, accounts.yaml ]")
            try workspace.write("leadrelay.yaml", text)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            #expect(configuration.accountMapping?.hubspotObject == "companies")
            let daemon = try await Daemon.start(configuration)
            let (store, engine, dispatcher) = (daemon.store, daemon.engine, daemon.dispatcher)
            let first = try await engine.runCycle()
            let accountWrites = first.plan.writes.filter { $0.object == "companies" || $0.object == "Account" }
            #expect(!accountWrites.isEmpty, "seeded names differ by legal suffix: Salesforce's wins in HubSpot")
            let stats = try await dispatcher.drain()
            let failures = try await store.outbox().filter { $0.status == .failed }.map { "\($0.payload) \($0.lastError ?? "")" }
            #expect(stats.failed == 0, "\(failures)")
            for _ in 0..<2 { _ = try await engine.runCycle(); _ = try await dispatcher.drain() }
            let quiet = try await engine.runCycle()
            #expect(quiet.plan.writes.filter { $0.object == "companies" || $0.object == "Account" }.isEmpty)
            // Every linked pair now holds Salesforce's name in HubSpot.
            let links = try await store.allLinks().filter { $0.value.account != nil }
            var pairs: [SubjectKey: [RecordRef]] = [:]
            for (ref, key) in links { pairs[key, default: []].append(ref) }
            var checked = 0
            for refs in pairs.values {
                guard let company = refs.first(where: { $0.system == .hubspot }), let account = refs.first(where: { $0.system == .salesforce }),
                      let hs = await simulator.state.hubspotRecord("companies", id: Int(company.id)!),
                      let sf = await simulator.state.salesforceRecord("Account", id: account.id) else { continue }
                #expect(.string(hs.properties["name"] ?? "") == sf.fields["Name"], "\(company) ↔ \(account)")
                checked += 1
            }
            #expect(checked >= 5)
        }
    }

    @Test("a mapping between other objects is refused with its place")
    func otherPairs() throws {
        let workspace = try TestWorkspace()
        try workspace.configure(nil, credentials: nil)
        try workspace.write("deals.yaml", "object: deal\nhubspot: { object: deals }\nsalesforce: { object: Opportunity }\nfields:\n  email: { hubspot: email, salesforce: Email, rule: two-way, identifier: true }\n")
        let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            .replacingOccurrences(of: "mappings: [ mapping.yaml ]", with: "mappings: [ mapping.yaml, deals.yaml ]")
        try workspace.write("leadrelay.yaml", text)
        do {
            _ = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            Issue.record("deals ↔ Opportunity is not a pair LeadRelay maps")
        } catch {
            #expect(error.problems.contains { $0.file == "deals.yaml" && $0.key == "hubspot.object" && $0.line == 2 })
        }
    }
}
