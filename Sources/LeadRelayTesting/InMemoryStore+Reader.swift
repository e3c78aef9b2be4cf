import Foundation
import LeadRelayCore

extension InMemoryStore {
    /// The cycle's reads over one copy of the state: consistent by construction.
    struct MemoryReader: CycleStateReader {
        let state: State

        func watermark(_ stream: StreamID) throws -> Watermark? { state.watermarks[stream] }
        func lastSweep(_ stream: StreamID) throws -> Date? { state.sweeps[stream] }
        func mappingFingerprint() throws -> String? { state.mappingFingerprint }

        func snapshots(_ refs: [RecordRef]) throws -> [SourceRecord] {
            Set(refs).compactMap { state.snapshots[$0] }.sorted { $0.ref < $1.ref }
        }

        func links(for refs: [RecordRef]) throws -> [RecordRef: SubjectKey] {
            var links: [RecordRef: SubjectKey] = [:]
            for ref in refs { links[ref] = state.links[ref]?.subject }
            return links
        }

        func allLinks() throws -> [RecordRef: SubjectKey] { state.links.mapValues(\.subject) }

        func people(_ personKeys: Set<PersonKey>) throws -> PeopleState {
            let links = state.links.compactMapValues { link in link.subject.person.flatMap { personKeys.contains($0) ? $0 : nil } }
            let refs = Array(links.keys)
            var people = PeopleState(records: try snapshots(refs), activities: try activities(for: refs), links: links,
                                     assignments: state.assignments.filter { personKeys.contains($0.key) }.mapValues(\.rep),
                                     scores: state.scores.filter { personKeys.contains($0.key) }.mapValues(\.total),
                                     synced: Dictionary(uniqueKeysWithValues: state.synced.compactMap { key, values in
                                         key.person.flatMap { personKeys.contains($0) ? ($0, values) : nil }
                                     }))
            people.enriched = state.enriched.filter { personKeys.contains($0.key) }
            people.gates = state.gates.filter { personKeys.contains($0.key) }
            return people
        }

        func accounts(_ accountKeys: Set<AccountKey>) throws -> AccountState {
            let links = state.links.compactMapValues { link in link.subject.account.flatMap { accountKeys.contains($0) ? $0 : nil } }
            let synced = Dictionary(uniqueKeysWithValues: state.synced.compactMap { key, values in
                key.account.flatMap { accountKeys.contains($0) ? ($0, values) : nil }
            })
            return AccountState(records: try snapshots(Array(links.keys)), links: links, synced: synced)
        }

        func activities(for refs: [RecordRef]) throws -> [Activity] {
            let wanted = Set(refs)
            return state.activities.values.filter { wanted.contains($0.subject) }.sorted { ($0.occurredAt, $0.id) < ($1.occurredAt, $1.id) }
        }

        func accounts() throws -> [Account] {
            state.accounts.values.sorted { ($0.ref.system.rawValue, $0.ref.object, $0.ref.id) < ($1.ref.system.rawValue, $1.ref.object, $1.ref.id) }
        }

        func accountProfiles() throws -> [RecordRef: AccountProfile] { AccountProfile.profiles(state.accountMembers.values) }
        func accountMembers(_ refs: [RecordRef]) throws -> [AccountMember] {
            refs.compactMap { state.accountMembers[$0] }.sorted { $0.ref < $1.ref }
        }

        func crmOpenLeads() throws -> CRMOpenLeads { CRMOpenLeads(counting: state.holds.values) }
        func recordHoldsAreEmpty() throws -> Bool { state.holds.isEmpty }

        func routingState(recentSince since: Date) throws -> RoutingState {
            var routing = RoutingState(open: AssignmentLedger(state.events.map(\.event)).openByRep, ledgers: state.ledgers)
            for assignment in state.assignments.values.sorted(by: { $0.at < $1.at }) {
                routing.assigned[assignment.rep, default: 0] += 1
                if assignment.at >= since { routing.recent[assignment.rep, default: []].append(assignment.at) }
            }
            return routing
        }

        func knownPeople(_ keys: Set<PersonKey>) throws -> Set<PersonKey> {
            Set(state.links.values.compactMap(\.subject.person)).intersection(keys)
        }

        func mergeBlocked() throws -> Set<RecordRef> {
            Set(state.merges.compactMap { merge in
                merge.record.status == .undone
                    ? merge.record.restoredID.map { RecordRef(system: merge.record.system, object: merge.record.object, id: $0) } : nil
            })
        }

        func matchIndexIsEmpty() throws -> Bool { state.matchKeys.isEmpty }

        func heldPeople(limit: Int) throws -> [PersonKey] {
            Array(state.held.sorted { ($0.value, $0.key.rawValue) < ($1.value, $1.key.rawValue) }.prefix(limit).map(\.key))
        }

        func matchCandidates(_ keys: [String], perKeyLimit: Int) throws -> [RecordRef] {
            let wanted = Set(keys)
            var byKey: [String: [RecordRef]] = [:]
            for (ref, keys) in state.matchKeys { for key in keys where wanted.contains(key) { byKey[key, default: []].append(ref) } }
            return Array(Set(byKey.values.filter { $0.count <= perKeyLimit }.joined())).sorted()
        }
    }
}
