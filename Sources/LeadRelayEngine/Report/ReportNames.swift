import Foundation
import LeadRelayCore

/// How reports name people: a lead by the name and address on its records, a rep by `name:` and `email:` in
/// `routing.yaml`, and each record with a link to its page in its CRM when that CRM's site is configured.
/// A report without names (`.none`) falls back to the internal keys.
public struct ReportNames: Sendable {
    /// A person as reports name them.
    public struct Person: Sendable, Hashable, Codable {
        /// The rep id of `routing.yaml`; `nil` for a lead.
        public var id: String?
        public var name: String?
        public var email: String?

        public init(id: String? = nil, name: String?, email: String?) {
            self.id = id
            self.name = name
            self.email = email
        }

        /// "Ana Silva <ana@acme.io>", else the address, else the name, else the id.
        public var label: String {
            switch (name, email) {
            case (let name?, let email?): "\(name) <\(email)>"
            case (nil, let email?): email
            case (let name?, nil): name
            case (nil, nil): id ?? "(unknown)"
            }
        }
    }

    /// A record and its page in its CRM (`nil` when that CRM's site is not configured).
    public struct Record: Sendable, Hashable, Codable {
        public var ref: String
        public var url: String?
    }

    /// A lead's name, address and records.
    public struct Lead: Sendable, Hashable, Codable {
        public var person: Person
        public var records: [Record]
    }

    public var leads: [PersonKey: Lead]
    public var reps: [String: Person]

    public init(leads: [PersonKey: Lead] = [:], reps: [String: Person] = [:]) {
        self.leads = leads
        self.reps = reps
    }

    public static let none = ReportNames()

    /// The lead named by name and address, else its key.
    public func lead(_ key: String) -> String {
        guard let person = PersonKey(rawValue: key), let lead = leads[person], lead.person.name != nil || lead.person.email != nil else { return key }
        return lead.person.label
    }

    /// The rep named by name and address, else its id.
    public func rep(_ id: String) -> String { reps[id]?.label ?? id }

    /// Every rep of the routing configuration.
    public static func reps(_ routing: RoutingConfig) -> [String: Person] {
        var reps = Dictionary(routing.reps.map { ($0.id, Person(id: $0.id, name: $0.name, email: EmailAddress.normalise($0.email) ?? $0.email)) },
                              uniquingKeysWith: { first, _ in first })
        // The stranded queue holds leads too: named as the queue, never by its internal holder id.
        if case .queue(let queue)? = routing.stranded {
            reps[StrandedTarget.queueHolder] = Person(id: StrandedTarget.queueHolder, name: "queue " + queue.label, email: nil)
        }
        return reps
    }

    /// Names the people of `records` (grouped by `links`) and the reps of `configuration`.
    public static func naming(records: [SourceRecord], links: [RecordRef: PersonKey], configuration: LoadedConfiguration) -> ReportNames {
        let pipeline = Pipeline(mapping: configuration.mapping, scoring: configuration.scoring, routing: configuration.routing, reps: [])
        let sites = configuration.recordLinks
        var byPerson: [PersonKey: [SourceRecord]] = [:]
        for record in records { if let key = links[record.ref] { byPerson[key, default: []].append(record) } }
        var leads: [PersonKey: Lead] = [:]
        for (key, records) in byPerson {
            let lead = pipeline.assemble(personKey: key, records: records, assigned: false)
            let name = [lead.fields["firstName"], lead.fields["lastName"]].compactMap { $0 }.joined(separator: " ")
            leads[key] = Lead(person: Person(name: name.isEmpty ? nil : name, email: lead.email),
                              records: records.map { Record(ref: $0.ref.description, url: sites.url($0.ref)) }.sorted { $0.ref < $1.ref })
        }
        return ReportNames(leads: leads, reps: reps(configuration.routing))
    }

    /// Names everyone a cycle's plan is about: the records it read (what a dry run would commit) over the stored ones.
    public static func gather(for result: CycleResult, configuration: LoadedConfiguration, store: any StateStore) async throws -> ReportNames {
        let keys = Set(result.plan.changes.compactMap(\.person))
        guard !keys.isEmpty else { return ReportNames(reps: reps(configuration.routing)) }
        let stored = try await store.people(keys)
        var links = stored.links.filter { keys.contains($0.value) }
        for change in result.plan.changes {
            if case .link(let ref) = change.action, let person = change.person { links[ref] = person }
        }
        var records = Dictionary(stored.records.map { ($0.ref, $0) }, uniquingKeysWith: { _, last in last })
        for snapshot in result.commit.snapshots where links[snapshot.ref] != nil { records[snapshot.ref] = snapshot }
        return naming(records: Array(records.values), links: links, configuration: configuration)
    }
}
