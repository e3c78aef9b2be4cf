import Foundation
import LeadRelayCore
import LeadRelayCRM

/// Another configuration run over past leads from the store, writing nothing: which owners would change, each rep's
/// workload before and after, the MQLs gained and lost (`leadrelay replay`).
///
/// Both sides are replayed the same way, so the comparison is of configurations, not of history: every person scored
/// in the window is scored again at each instant the event log scored them (their stored records, the activities
/// stored up to that instant); the first instant they qualify is their MQL; the MQLs are routed in time order from an
/// empty routing state, each at its own instant (working hours, caps and absences as they were then). Owners that
/// LeadRelay itself gave the person are not evidence for `existing-owner`. Same store and configurations ⇒ the same
/// report, byte for byte. `fidelity` says how many current-configuration replays match what actually happened.
public struct Replay: Sendable, Encodable {
    public typealias Person = ReportNames.Person

    public struct Outcome: Sendable, Hashable, Encodable {
        public var mqlAt: Date?
        public var rep: Person?
        public var rule: String?
        public var reason: String?
    }

    public struct Lead: Sendable, Hashable, Encodable {
        public var person: String
        public var lead: Person
        public var records: [ReportNames.Record]
        public var before: Outcome
        public var after: Outcome
    }

    public struct Workload: Sendable, Hashable, Encodable {
        public var rep: Person
        public var before: Int
        public var after: Int
    }

    /// The window as asked (`30d`, `2026-11-01`): printed as given, so two runs of one command print the same.
    public var window: String
    public var currentConfig: String
    public var otherConfig: String
    /// People scored in the window (every one was replayed).
    public var people: Int
    public var mqlsBefore: Int
    public var mqlsAfter: Int
    /// Leads whose owner or MQL would change, in person order.
    public var changed: [Lead]
    public var workload: [Workload]
    /// Current-configuration replays whose rep matches the assignment the event log holds, of those assigned.
    public var fidelity: Fidelity

    public struct Fidelity: Sendable, Hashable, Encodable {
        public var matched: Int
        public var assigned: Int
    }

    public var gained: [Lead] { changed.filter { $0.before.mqlAt == nil && $0.after.mqlAt != nil } }
    public var lost: [Lead] { changed.filter { $0.before.mqlAt != nil && $0.after.mqlAt == nil } }

    /// Replays the people scored since `since` under `current` and `other`; `owners` are the CRMs' user lists (read,
    /// never written) that resolve each rep's ids and active state.
    public static func run(since: Date, window: String, current: LoadedConfiguration, other: LoadedConfiguration, store: any StateStore,
                           owners: [CRMSystem: [CRMOwner]]) async throws -> Replay {
        var instants: [PersonKey: Set<Date>] = [:]
        var actual: [PersonKey: String] = [:]
        var closed: [PersonKey: Date] = [:]
        var after: Int64 = 0
        while true {
            let page = try await store.events(after: after, limit: 5_000)
            guard let last = page.last else { break }
            after = last.sequence
            for stored in page where stored.event.occurredAt >= since {
                let event = stored.event
                switch event.kind {
                case .scoreChanged, .mql: instants[event.personKey, default: []].insert(event.occurredAt)
                case .assigned(let rep, _) where actual[event.personKey] == nil: actual[event.personKey] = rep
                default: break
                }
                // When the lead left its rep (moved on, or given to someone else): its replayed assignment frees up then too.
                if event.holder == "", actual[event.personKey] != nil, closed[event.personKey] == nil { closed[event.personKey] = event.occurredAt }
            }
        }
        let keys = Set(instants.keys)
        let people = keys.isEmpty ? PeopleState(records: [], activities: [], links: [:], assignments: [:], scores: [:]) : try await store.people(keys)
        let accounts = AccountIndex(accounts: try await store.accounts(), profiles: try await store.accountProfiles())
        let before = side(current, instants: instants, people: people, accounts: accounts, actual: actual, closed: closed, owners: owners)
        let afterSide = side(other, instants: instants, people: people, accounts: accounts, actual: actual, closed: closed, owners: owners)
        let names = ReportNames.naming(records: people.records, links: people.links, configuration: current)
        var reps = names.reps
        reps.merge(ReportNames.reps(other.routing)) { mine, _ in mine }
        func rep(_ id: String?) -> Person? { id.map { reps[$0] ?? Person(id: $0, name: nil, email: nil) } }
        func outcome(_ decided: Decided?) -> Outcome {
            Outcome(mqlAt: decided?.at, rep: rep(decided?.decision?.repID), rule: decided?.decision?.rule, reason: decided?.decision?.reason)
        }
        var changed: [Lead] = []
        for key in keys.sorted() {
            let (was, will) = (before[key], afterSide[key])
            guard was?.at != will?.at || was?.decision?.repID != will?.decision?.repID else { continue }
            let named = names.leads[key]
            changed.append(Lead(person: key.rawValue, lead: named?.person ?? Person(name: nil, email: key.email), records: named?.records ?? [],
                                before: outcome(was), after: outcome(will)))
        }
        var load: [String: (Int, Int)] = [:]
        for decided in before.values { if let id = decided.decision?.repID { load[id, default: (0, 0)].0 += 1 } }
        for decided in afterSide.values { if let id = decided.decision?.repID { load[id, default: (0, 0)].1 += 1 } }
        for entry in current.routing.reps + other.routing.reps where load[entry.id] == nil { load[entry.id] = (0, 0) }
        let workload = load.keys.sorted().map { id in Workload(rep: rep(id)!, before: load[id]!.0, after: load[id]!.1) }
        let assigned = before.filter { actual[$0.key] != nil }
        return Replay(window: window, currentConfig: current.version, otherConfig: other.version, people: keys.count,
                      mqlsBefore: before.count, mqlsAfter: afterSide.count, changed: changed, workload: workload,
                      fidelity: Fidelity(matched: assigned.filter { actual[$0.key] == $0.value.decision?.repID }.count, assigned: assigned.count))
    }

    struct Decided: Sendable {
        var at: Date
        var decision: RouteDecision?
    }

    /// One configuration's MQLs (first qualifying instant) and their routing, in time order from an empty state.
    static func side(_ configuration: LoadedConfiguration, instants: [PersonKey: Set<Date>], people: PeopleState, accounts: AccountIndex,
                     actual: [PersonKey: String], closed: [PersonKey: Date], owners: [CRMSystem: [CRMOwner]]) -> [PersonKey: Decided] {
        let directory = RepDirectory(routing: configuration.routing, owners: owners)
        let pipeline = Pipeline(mapping: configuration.mapping, scoring: configuration.scoring, routing: directory.routing, reps: directory.reps,
                                enrichment: configuration.enrichment, routingVersion: configuration.version)
        let records = Dictionary(grouping: people.records.filter { people.links[$0.ref] != nil && !$0.deleted }) { people.links[$0.ref]! }
        let activities = Dictionary(grouping: people.activities, by: \.subject)
        var mqls: [(at: Date, key: PersonKey, lead: LeadRelayCore.Lead, live: [SourceRecord])] = []
        for (key, times) in instants {
            guard let live = records[key], !live.isEmpty else { continue }
            let lead = pipeline.assemble(personKey: key, records: live, assigned: false)
            let evidence = live.flatMap { activities[$0.ref] ?? [] }
            for instant in times.sorted() {
                let score = pipeline.scorer.score(lead, activities: evidence.filter { $0.occurredAt <= instant }, now: instant)
                if pipeline.scorer.qualifies(score) {
                    mqls.append((instant, key, lead, live))
                    break
                }
            }
        }
        var state = RoutingState()
        var result: [PersonKey: Decided] = [:]
        var open: [(at: Date, rep: String)] = []
        for mql in mqls.sorted(by: { ($0.at, $0.key) < ($1.at, $1.key) }) {
            // Leads that left their rep by now no longer weigh on the rep's capacity or load.
            for gone in open where gone.at <= mql.at { state.open[gone.rep, default: 1] -= 1 }
            open.removeAll { $0.at <= mql.at }
            let ownerFields = configuration.mapping.ownerFieldNames
            // What LeadRelay itself gave the person is not a prior owner: only owners of someone else's choosing count.
            let ours = actual[mql.key].flatMap { id in directory.reps.first { $0.id == id } }
            let given = Set([ours?.hubspotOwnerID, ours?.salesforceUserID].compactMap { $0 })
            let ownerIDs = mql.live.sorted { ($0.modifiedAt, $0.ref.id) > ($1.modifiedAt, $1.ref.id) }
                .flatMap { record in ownerFields.sorted().compactMap { record.value($0) } }
                .filter { !$0.isEmpty && !given.contains($0) }
            let decision = pipeline.router.route(mql.lead, accounts: accounts, state: &state, context: RouteContext(now: mql.at, ownerIDs: ownerIDs,
                                                                                                                    linkedCompanies: RouteContext.linkedCompanies(of: mql.live)))
            result[mql.key] = Decided(at: mql.at, decision: decision)
            if let rep = decision.repID, let end = closed[mql.key], end > mql.at { open.append((end, rep)) }
        }
        return result
    }
}
