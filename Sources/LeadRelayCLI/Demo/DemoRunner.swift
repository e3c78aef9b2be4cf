import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayEngine
import Logging
import ServiceLifecycle

/// The whole handoff on one machine: simulator with seeded data, the daemon against it, a backlog, then fresh leads.
public struct DemoRunner: Sendable {
    public struct Options: Sendable {
        public var seed: UInt64 = 42
        public var people: Int = 300
        /// Folder for configuration and state; a fresh temporary folder when `nil`.
        public var directory: String?
        /// Give up waiting for the new demo request after this long.
        public var timeout: TimeInterval = 60
        public init() {}
    }

    public struct Summary: Sendable, Codable {
        public struct Latency: Sendable, Codable {
            public var email: String
            public var rep: String?
            public var secondsToHubSpotOwner: Double?
            public var secondsToSalesforceOwner: Double?
            public var secondsToNotification: Double?
        }

        public var seed: UInt64
        public var directory: String
        public var recordsSeen: [String: Int]
        public var peopleLinkedAcrossSystems: Int
        public var mqls: Int
        public var assignmentsPerRep: [String: Int]
        public var notifications: Int
        public var writeCalls: [String: Int]
        public var failedOutboxEntries: Int
        public var backlogCycles: Int
        public var newDemoRequest: Latency
        /// Fields enrichment filled, per source, and the company lookups the provider served.
        public var enrichedFields: [String: Int] = [:]
        public var providerLookups: Int = 0
        /// Records flagged as another record's duplicate (the mapping's `duplicates.flag`), and people linked by evidence.
        public var duplicatesFlagged: Int = 0
        public var linkedByEvidence: Int = 0
        /// Digests sent (one message per rep for leads idle past the horizon) and the alerts they carried.
        public var digests: Int = 0
        public var alertsInDigests: Int = 0
        /// Messages Slack received in the minute from the first one (going live must not flood anyone).
        public var messagesInFirstMinute: Int = 0
    }

    public var options: Options

    /// Cycles the backlog may take before the demo goes on regardless (a million records at the default page bound
    /// take a few hundred).
    static let backlogCycleLimit = 5_000

    public init(options: Options) { self.options = options }

    /// Runs the demo against `simulator` (a fresh one by default; tests pass their own to inspect it afterwards).
    public func run(simulator: CRMSimulator = CRMSimulator(), logger: Logger = Logger(label: "leadrelay.demo")) async throws -> Summary {
        let options = self.options
        return try await simulator.withRunning { endpoints in
            let directory = options.directory ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-demo-\(UUID().uuidString.prefix(8))")
            _ = try await SeedGenerator(options: .init(seed: options.seed, people: options.people)).populate(simulator.state)
            let workspace = Workspace(directory: directory)
            try workspace.write(endpoints: endpoints, credentials: simulator.state.credentials)
            let loaded = try workspace.load()
            let connectors = try ConnectorFactory.connectors(loaded, logger: logger)
            // The simulator starts as a fresh portal and org: set up LeadRelay's fields first, as `leadrelay setup` does.
            _ = try await FieldSetup.run(loaded, connectors: connectors, dryRun: false)
            let daemon = try await Daemon.start(loaded, connectors: connectors, logger: logger)
            let configuration = daemon.configuration
            let (store, engine, dispatcher) = (daemon.store, daemon.engine, daemon.dispatcher)

            // Work off the backlog: cycle until both CRMs are read to the end, nobody waits for routing, nothing
            // changes and nothing is pending (a cycle reads at most `poll.pagesPerCycle` pages of each stream).
            var cycles = 0
            repeat {
                let result = try await engine.runCycle()
                try await dispatcher.drain()
                cycles += 1
                // Alerts left pending go at their channels' pace (or wait for their digest): the daemon's loops send them.
                let depth = try await store.depth()
                if result.catchingUp.isEmpty, result.changedRecords == 0, depth.pending == depth.pendingAlerts,
                   try await store.read({ try $0.heldPeople(limit: 1) }).isEmpty { break }
            } while cycles < Self.backlogCycleLimit

            // The daemon now runs at its poll interval while marketing brings in new leads; one asks for a demo.
            let email = "morgan.reyes@northwind-health.com"
            let group = ServiceGroup(configuration: .init(services: daemon.services(), logger: logger))
            let latency = try await withThrowingTaskGroup(of: Summary.Latency?.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return nil
                }
                // Land the new leads part-way through a poll interval, as real traffic does.
                try await Task.sleep(for: configuration.pollInterval.duration * 0.4)
                let created = Date()
                let contact = try await createNewLeads(simulator.state, demoEmail: email)
                var latency = Summary.Latency(email: email)
                let deadline = Date().addingTimeInterval(options.timeout)
                while Date() < deadline {
                    latency = try await measure(email: email, contact: contact, created: created, simulator: simulator, store: store)
                    if latency.secondsToHubSpotOwner != nil, latency.secondsToSalesforceOwner != nil, latency.secondsToNotification != nil { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                // Every alert told before the summary: the backlog's at the channel's pace, the digests once gathered.
                while Date() < deadline, try await store.depth().pending > 0 { try await Task.sleep(for: .milliseconds(100)) }
                await group.triggerGracefulShutdown()
                return latency
            }
            return try await summarise(store: store, simulator: simulator, directory: directory, mapping: configuration.mapping,
                                       cycles: cycles, latency: latency)
        }
    }

    /// Three new HubSpot contacts (one a demo request from a good-fit VP) and one Salesforce lead; returns the demo requester's id.
    func createNewLeads(_ state: SimulatorState, demoEmail: String) async throws -> Int {
        let contact = try await state.createHubSpotRecord("contacts", properties: [
            "email": demoEmail, "firstname": "Morgan", "lastname": "Reyes", "company": "Northwind Health",
            "jobtitle": "VP Operations", "state": "MA", "industry": "HOSPITAL_HEALTH_CARE", "numemployees": "1000+",
            "lifecyclestage": "lead",
        ])
        await state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
        try await state.createHubSpotRecord("contacts", properties: [
            "email": "sam.ortiz@gmail.com", "firstname": "Sam", "lastname": "Ortiz", "jobtitle": "Student", "lifecyclestage": "subscriber",
        ])
        try await state.createHubSpotRecord("contacts", properties: [
            "email": "lee.park@cobaltworks.io", "firstname": "Lee", "lastname": "Park", "company": "Cobalt Works",
            "jobtitle": "Engineer", "state": "TX", "lifecyclestage": "lead",
        ])
        try await state.createSalesforceRecord("Lead", fields: [
            "FirstName": "Jo", "LastName": "Baptiste", "Email": "jo.baptiste@harborlogistics.net", "Company": "Harbor Logistics",
            "Status": "Open - Not Contacted",
        ])
        return contact
    }

    func measure(email: String, contact: Int, created: Date, simulator: CRMSimulator, store: any StateStore) async throws -> Summary.Latency {
        let writes = await simulator.state.writes
        let personKey = IdentityResolver.personKey(email: email)
        // An owner write to an existing lead names only its id; a create carries the email.
        let salesforceIDs = Set(try await store.people([personKey]).links.keys.filter { $0.system == .salesforce }.map(\.id))
        let hubspot = writes.first { $0.system == .hubspot && $0.id == String(contact) && $0.fields["hubspot_owner_id"] != nil }
        let salesforce = writes.first {
            $0.system == .salesforce && $0.fields["OwnerId"] != nil && ($0.fields["Email"]?.lowercased() == email || salesforceIDs.contains($0.id))
        }
        let slack = zip(await simulator.state.slackTimes(), await simulator.state.slackBodies()).first {
            $0.1["text"]?.stringValue?.contains("Morgan Reyes") == true
        }
        let rep = try await store.allAssignments()[personKey]?.repID
        return Summary.Latency(email: email, rep: rep, secondsToHubSpotOwner: hubspot.map { $0.at.timeIntervalSince(created) },
                               secondsToSalesforceOwner: salesforce.map { $0.at.timeIntervalSince(created) },
                               secondsToNotification: slack.map { $0.0.timeIntervalSince(created) })
    }

    func summarise(store: any StateStore, simulator: CRMSimulator, directory: String, mapping: MappingSet, cycles: Int,
                   latency: Summary.Latency) async throws -> Summary {
        let counts = try await store.counts()
        let assignments = try await store.allAssignments()
        var perRep: [String: Int] = [:]
        for (_, value) in assignments { perRep[value.repID, default: 0] += 1 }
        let outbox = try await store.outbox()
        let recordsSeen = try await store.snapshotCounts()
        var summary = Summary(seed: options.seed, directory: directory, recordsSeen: recordsSeen,
                       peopleLinkedAcrossSystems: counts["people_in_both"] ?? 0, mqls: assignments.count, assignmentsPerRep: perRep,
                       notifications: await simulator.state.slackBodies().count,
                       writeCalls: ["hubspot": await simulator.state.writeCalls(.hubspot), "salesforce": await simulator.state.writeCalls(.salesforce)],
                       failedOutboxEntries: outbox.filter { $0.status == .failed }.count, backlogCycles: cycles, newDemoRequest: latency)
        summary.enrichedFields = try await store.enrichmentCounts()
        summary.providerLookups = await simulator.state.enrichmentRequests
        let flags = Set((mapping.duplicates?.flag ?? [:]).values)
        summary.duplicatesFlagged = outbox.filter { entry in
            guard entry.status == .done, case .write(let write) = entry.payload else { return false }
            return write.fields.contains { flags.contains($0.key) && !$0.value.isEmpty }
        }.count
        let times = await simulator.state.slackTimes()
        if let first = times.min() { summary.messagesInFirstMinute = times.filter { $0.timeIntervalSince(first) < 60 }.count }
        // A digest's text starts with its count: "12 leads assigned to ana whose last activity was a while ago: …".
        for text in await simulator.state.slackBodies().compactMap({ $0["text"]?.stringValue }) where text.contains("last activity was a while ago") {
            summary.digests += 1
            summary.alertsInDigests += Int(text.prefix { $0.isNumber }) ?? 0
        }
        let links = try await store.linkCounts()
        summary.linkedByEvidence = (links[.linkedByEvidence] ?? 0) + (links[.linkedByCrossReference] ?? 0)
        return summary
    }
}
