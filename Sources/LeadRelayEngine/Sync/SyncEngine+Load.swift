import Foundation
import LeadRelayCore

extension SyncEngine {
    /// Everything the plan needs about the people and accounts a cycle touches, read in one transaction.
    struct Loaded: Sendable {
        /// Polled versions the store did not already hold.
        var changed: [SourceRecord]
        /// What the store held of the polled records before this cycle.
        var stored: [RecordRef: SourceRecord]
        var newActivities: [Activity]
        var existingLinks: [RecordRef: PersonKey]
        /// Records seen for the first time, placed by evidence.
        var matches: [RecordRef: IdentityLinker.Match]
        var people: PeopleState
        /// The people's records, this cycle's versions over the stored ones.
        var records: [RecordRef: SourceRecord]
        var activities: [Activity]
        var accounts: [Account]
        var changedAccounts: [Account]
        /// What every account's contacts and opportunities add up to, this cycle's changes included.
        var accountProfiles: [RecordRef: AccountProfile] = [:]
        /// Contacts and opportunities that changed this cycle (to store).
        var changedMembers: [AccountMember] = []
        /// Account records with mapped fields that changed, and what the account reconciliation needs of them.
        var changedAccountRecords: [SourceRecord] = []
        var accountRecords: [SourceRecord] = []
        var accountLinks: [RecordRef: AccountKey] = [:]
        var accountSynced: [AccountKey: [String: String?]] = [:]
        /// The stored versions of the account records that changed.
        var accountPrevious: [RecordRef: SourceRecord] = [:]
        var routingState: RoutingState
        /// Open leads per CRM owner, from the records the store has read.
        var crmOpenLeads = CRMOpenLeads()
        var mergeBlocked: Set<RecordRef> = []
        /// Stored person records without blocking keys (a store from before the match index), indexed once.
        var unindexed: [SourceRecord] = []
        /// A store from before record holds: every stored person record with its person, to keep its hold once.
        var unheld: [(record: SourceRecord, person: PersonKey)] = []
        /// Held people planned again this cycle (both CRMs read to the end).
        var released: [PersonKey] = []
        /// People the SLA monitor asked to route again, with the owners to skip.
        var reroutes: [PersonKey: [String]] = [:]
    }

    /// Held people planned again per cycle once the backlogs are read: a bounded batch, like the reads.
    static let releasePerCycle = 500

    /// Reads what the collected changes touch, in one read transaction: the same committed state throughout.
    func load(_ collected: Collected) async throws -> Loaded {
        let mapping = configuration.mapping
        guard let identifier = mapping.identifierField else {
            throw ConfigurationError([ConfigurationProblem(file: configuration.config.mappings.first ?? "mapping", line: nil, column: nil,
                                                           key: "fields", message: "no identifier field (email) to link people by")])
        }
        let accountMapping = configuration.accountMapping
        let backfill = collected.backfill
        let polled = collected.polled
        // The SLA monitor's requests to route a breached lead again (its timers, due at once).
        let requests = configuration.sla == nil ? []
            : try await store.dueTimers(at: collected.now, limit: Self.releasePerCycle, kinds: [SLATimers.reroute])
        let reroutes = Dictionary(requests.map { timer in
            (timer.personKey, (timer.facts["excluding"] ?? "").split(separator: ",").map(String.init))
        }, uniquingKeysWith: { first, _ in first })
        return try await store.read { reader in
            // Keep only versions the store does not already hold: look-back re-reads are free of consequence.
            let polledRecords = polled.flatMap { $0.leads.items + ($0.deletions?.items ?? []) }
            let stored = Dictionary(try reader.snapshots(polledRecords.map(\.ref)).map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
            var seen = Set<RecordRef>()
            let changed = polledRecords.filter { record in
                // A record can come twice (a poll and a sweep, or a merge tombstone): the first one counts.
                guard seen.insert(record.ref).inserted else { return false }
                // A tombstone of a record never seen is nothing to propagate.
                guard let old = stored[record.ref] else { return !record.deleted }
                if old.deleted && record.deleted { return false }
                return !old.hasSameContent(as: record)
            }
            // Behaviour from contact properties, against the version last read: what the counters grew by since.
            let derived = polled.filter(\.derivesInterest).flatMap { item in
                item.leads.items.flatMap { HubSpotInterest.activities(from: $0, previous: stored[$0.ref], named: item.countedElsewhere) }
            }
            let newActivities = polled.flatMap(\.activities.items) + polled.flatMap { $0.interest.flatMap(\.result.items) } + derived

            // Who is touched: the people of changed records and of new behaviour.
            let resolver = IdentityResolver(identifier: identifier)
            // Converted leads' contacts too, so a contact linked once is known as linked.
            let touchedRefs = changed.map(\.ref) + newActivities.map(\.subject) + changed.compactMap(CRMFieldNames.convertedContact)
            let existingLinks = try reader.links(for: Array(Set(touchedRefs))).compactMapValues(\.person)
            // Records seen for the first time are placed by evidence where their mailbox says nothing (IdentityLinker).
            let linker = IdentityLinker(mapping: mapping)
            let isPerson = { (ref: RecordRef) in ref.object == mapping.objectName(in: ref.system) }
            let unlinked = changed.filter { existingLinks[$0.ref] == nil && !$0.deleted && isPerson($0.ref) }
            var matches: [RecordRef: IdentityLinker.Match] = [:]
            if !unlinked.isEmpty {
                let unlinkedRefs = Set(unlinked.map(\.ref))
                let candidateRefs = try reader.matchCandidates(unlinked.flatMap(linker.blockingKeys), perKeyLimit: Self.matchKeyLimit)
                    .filter { !unlinkedRefs.contains($0) }
                let candidateLinks = try reader.links(for: candidateRefs).compactMapValues(\.person)
                let changedByRef = Dictionary(changed.map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
                let known = try reader.snapshots(Array(candidateLinks.keys)).compactMap { stored -> (record: SourceRecord, key: PersonKey)? in
                    candidateLinks[stored.ref].map { (changedByRef[stored.ref] ?? stored, $0) }
                }
                let keyed = unlinked.map { ($0, resolver.deterministicKey(for: $0)) }
                matches = linker.matches(new: keyed, known: known, knownKeys: try reader.knownPeople(Set(keyed.map(\.1))))
            }
            var keys = Set(changed.map { resolver.key(for: $0, existing: existingLinks, matches: matches) })
            if backfill {
                // Every person again, and only people: account links belong to the account reconciliation.
                keys.formUnion(try reader.allLinks().values.compactMap(\.person))
            }
            for activity in newActivities { if let key = existingLinks[activity.subject] { keys.insert(key) } }
            // Both CRMs read to the end: the people whose routing waited for that are planned again, a batch a cycle.
            let released = collected.catchingUp.isEmpty ? try reader.heldPeople(limit: Self.releasePerCycle) : []
            keys.formUnion(released)
            keys.formUnion(reroutes.keys)
            let people = try reader.people(keys)

            var records = Dictionary(people.records.map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
            for record in changed { records[record.ref] = record }
            let personRefs = Set(records.keys)
            let firstSeen = changed.map(\.ref).filter { people.links[$0] == nil }
            var activities = Dictionary((people.activities + (try reader.activities(for: firstSeen))).map { ($0.id, $0) },
                                        uniquingKeysWith: { a, _ in a })
            for activity in newActivities where personRefs.contains(activity.subject) { activities[activity.id] = activity }
            let storedAccounts = Dictionary(try reader.accounts().map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
            let polledAccounts = polled.flatMap { $0.accounts.items.compactMap(Account.init(record:)) }
            var accounts = storedAccounts
            for account in polledAccounts { accounts[account.ref] = account }

            var loaded = Loaded(changed: changed, stored: stored, newActivities: newActivities, existingLinks: existingLinks, matches: matches,
                                people: people, records: records,
                                activities: activities.values.sorted { ($0.occurredAt, $0.id) < ($1.occurredAt, $1.id) },
                                accounts: accounts.values.sorted { $0.ref < $1.ref },
                                changedAccounts: polledAccounts.filter { storedAccounts[$0.ref] != $0 }, routingState: try reader.routingState(recentSince: collected.now.addingTimeInterval(-RoutingState.recentWindow)))
            loaded.released = released
            loaded.reroutes = reroutes
            (loaded.accountProfiles, loaded.changedMembers) = try Self.accountProfiles(polled.flatMap { $0.members.flatMap(\.result.items) }, reader)
            loaded.crmOpenLeads = try reader.crmOpenLeads()
            // Account records with their mapped fields: kept as snapshots and reconciled across systems by web domain.
            if accountMapping != nil {
                let accountRecords = polled.flatMap(\.accounts.items)
                let storedRecords = Dictionary(try reader.snapshots(accountRecords.map(\.ref)).map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
                loaded.changedAccountRecords = accountRecords.filter { record in
                    storedRecords[record.ref].map { !$0.hasSameContent(as: record) } ?? !record.deleted
                }
                let accountLinks = try reader.links(for: loaded.changedAccountRecords.map(\.ref)).compactMapValues(\.account)
                let accountKeys = Set(loaded.changedAccountRecords.compactMap { accountLinks[$0.ref] ?? AccountReconciliation.key($0) })
                let known = try reader.accounts(accountKeys)
                var all = Dictionary(known.records.map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
                for record in loaded.changedAccountRecords { all[record.ref] = record }
                loaded.accountRecords = all.values.sorted { $0.ref < $1.ref }
                loaded.accountLinks = accountLinks.merging(known.links) { a, _ in a }
                loaded.accountSynced = known.synced
                for record in loaded.changedAccountRecords { loaded.accountPrevious[record.ref] = storedRecords[record.ref] }
            }
            // Only a mapping that merges needs to know which records an undo restored.
            if mapping.duplicates?.mergeMinScore != nil { loaded.mergeBlocked = try reader.mergeBlocked() }
            // A store from before the match index: index every stored person record once (from snapshots, no API calls).
            if try reader.matchIndexIsEmpty() {
                let indexed = Set((backfill ? Array(records.values) : changed).filter { isPerson($0.ref) }.map(\.ref))
                let unindexed = try reader.allLinks().keys.filter { isPerson($0) && !indexed.contains($0) }
                loaded.unindexed = try reader.snapshots(Array(unindexed))
            }
            // A store from before record holds: every stored person record keeps its hold once (from snapshots).
            if try reader.recordHoldsAreEmpty() {
                let people = try reader.allLinks().compactMapValues(\.person).filter { isPerson($0.key) }
                loaded.unheld = try reader.snapshots(Array(people.keys)).compactMap { record in people[record.ref].map { (record, $0) } }
            }
            return loaded
        }
    }

    /// The stored profiles with this cycle's contacts and opportunities applied over their stored versions, and those
    /// that changed.
    static func accountProfiles(_ polled: [AccountMember], _ reader: any CycleStateReader) throws -> ([RecordRef: AccountProfile], [AccountMember]) {
        var profiles = try reader.accountProfiles()
        guard !polled.isEmpty else { return (profiles, []) }
        var latest: [RecordRef: AccountMember] = [:]
        for member in polled { latest[member.ref] = member }
        let stored = Dictionary(try reader.accountMembers(Array(latest.keys)).map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
        let changed = latest.values.filter { member in
            let gone = member.deleted || member.account == nil
            guard let before = stored[member.ref] else { return !gone }
            return gone || before != member
        }.sorted { $0.ref < $1.ref }
        AccountProfile.update(&profiles, removing: changed.compactMap { stored[$0.ref] }, adding: changed)
        return (profiles, changed)
    }
}
