import Foundation
import LeadRelayCore
import LeadRelayCRM
import Logging
import Metrics

/// One cycle: poll both CRMs since their watermarks, read what the store knows of the people touched,
/// run the pure pipeline, and (unless dry) commit snapshots, watermarks and plan in one transaction.
public struct SyncEngine: Sendable {
    public let configuration: LoadedConfiguration
    let connectors: [any CRMConnector]
    let store: any StateStore
    let clock: @Sendable () -> Date
    let logger: Logger
    let owners: OwnerCache
    let provider: ProviderLookup?

    /// - Parameter enrichmentClient: the provider client (default: built from `enrichment.provider` over URLSession).
    public init(configuration: LoadedConfiguration, connectors: [any CRMConnector], store: any StateStore,
                clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "leadrelay.sync"),
                ownerCacheSeconds: TimeInterval = 600, enrichmentClient: EnrichmentProviderClient? = nil) {
        provider = configuration.enrichmentProvider.map { settings in
            ProviderLookup(client: enrichmentClient ?? ConnectorFactory.enrichmentClient(settings), settings: settings,
                           mapping: configuration.mapping, store: store, logger: logger)
        }
        self.configuration = configuration
        self.connectors = connectors
        self.store = store
        self.clock = clock
        self.logger = logger
        self.owners = OwnerCache(ttl: ownerCacheSeconds)
    }

    /// Polls and plans without changing anything (the store is only read).
    /// The enrichment provider is not asked: its cached answers serve.
    public func plan() async throws -> CycleResult {
        try await pass(askProvider: false)
    }

    /// Polls, plans and commits. In observe-only mode (`mode.writes: false`) routing decisions are reported but not recorded.
    @discardableResult
    public func runCycle() async throws -> CycleResult {
        let started = ContinuousClock.now
        var result = try await pass(askProvider: true)
        if !configuration.writesEnabled {
            result.commit.plan.changes.removeAll {
                switch $0.action {
                // Reconciled values are remembered only once they are written; observing must not pretend they were.
                case .assign, .write, .notify, .lifecycle, .reconcile, .duplicates: true
                case .link, .score, .enrich: false
                }
            }
        }
        try await store.commit(result.commit, at: clock())
        let elapsed = started.duration(to: .now)
        Timer(label: "leadrelay_cycle_duration_seconds").recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        Counter(label: "leadrelay_assignments_total").increment(by: result.commit.plan.assignments.count)
        Counter(label: "leadrelay_echoes_suppressed_total").increment(by: result.echoesSuppressed)
        if !result.rejected.isEmpty {
            logger.warning("Some CRM records could not be read and were skipped.", metadata: ["sync.rejected": "\(result.rejected.count)"])
        }
        logger.info("Cycle committed.", metadata: [
            "sync.changed": "\(result.changedRecords)", "sync.assignments": "\(result.commit.plan.assignments.count)",
            "sync.changes": "\(result.commit.plan.changes.count)", "sync.echoes_suppressed": "\(result.echoesSuppressed)",
        ])
        return result
    }

    struct Polled: Sendable {
        var system: CRMSystem
        var leads: PollResult<SourceRecord>
        /// Tombstones from the slower deletion sweep, when it was due this cycle.
        var deletions: PollResult<SourceRecord>?
        var accounts: PollResult<SourceRecord>
        var activities: PollResult<Activity>
        var leadStream: String
        var accountStream: String
        var activityStream: String
    }

    func pass(askProvider: Bool) async throws -> CycleResult {
        let now = clock()
        let mapping = configuration.mapping
        let lookback = configuration.lookback
        let deletedEvery = configuration.deletedEvery
        let accountMapping = configuration.accountMapping
        // A changed mapping back-fills: lead records are read again in full (their new fields with them) and every
        // known person is reconciled, not only those whose records changed.
        let fingerprint = Watermark(modifiedAt: now, id: mapping.fingerprint)
        let previousFingerprint = try await store.watermark(Self.mappingStream)
        let backfill = previousFingerprint.map { $0.id != fingerprint.id } ?? false
        if backfill {
            logger.notice("The field mapping changed: reading every lead again and reconciling every known person this cycle.",
                          metadata: ["mapping.fingerprint": "\(fingerprint.id)"])
        }
        let store = self.store
        // Poll both systems at once; each connector keeps its own rate-limit gate.
        let polled = try await withThrowingTaskGroup(of: Polled.self) { group in
            for connector in connectors {
                group.addTask {
                    let system = connector.system
                    let leadStream = "\(system.rawValue).\(mapping.objectName(in: system))"
                    let accountStream = "\(system.rawValue).accounts"
                    let activityStream = "\(system.rawValue).activities"
                    let leads = try await connector.pollLeads(since: backfill ? nil : try await store.watermark(leadStream), lookback: lookback,
                                                              fields: mapping.fieldNames(in: system))
                    // Deletions the lead poll cannot see are swept on a slower cadence (they cost a full list).
                    var deletions: PollResult<SourceRecord>?
                    let lastSweep = try await store.watermark(leadStream + ".deleted-sweep")?.modifiedAt ?? .distantPast
                    if now.timeIntervalSince(lastSweep) >= deletedEvery {
                        deletions = try await connector.pollDeletedLeads(since: try await store.watermark(leadStream + ".deleted"),
                                                                         lookback: lookback, fields: mapping.fieldNames(in: system))
                    }
                    let accounts = try await connector.pollAccounts(since: try await store.watermark(accountStream), lookback: lookback,
                                                                    fields: accountMapping?.fieldNames(in: system) ?? [])
                    let activities = try await connector.pollActivities(since: try await store.watermark(activityStream), lookback: lookback)
                    return Polled(system: system, leads: leads, deletions: deletions, accounts: accounts, activities: activities,
                                  leadStream: leadStream, accountStream: accountStream, activityStream: activityStream)
                }
            }
            var all: [Polled] = []
            for try await item in group { all.append(item) }
            return all.sorted { $0.system < $1.system }
        }
        let ownerLists = try await owners.owners(now: now) { [connectors] in
            var lists: [CRMSystem: [CRMOwner]] = [:]
            for connector in connectors { lists[connector.system] = try await connector.owners() }
            return lists
        }
        let directory = RepDirectory(routing: configuration.routing, owners: ownerLists)

        // Keep only versions the store does not already hold: look-back re-reads are free of consequence.
        let polledRecords = polled.flatMap { $0.leads.items + ($0.deletions?.items ?? []) }
        let stored = Dictionary(try await store.snapshots(polledRecords.map(\.ref)).map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<RecordRef>()
        let changed = polledRecords.filter { record in
            // A record can come twice (a poll and a sweep, or a merge tombstone): the first one counts.
            guard seen.insert(record.ref).inserted else { return false }
            // A tombstone of a record never seen is nothing to propagate.
            guard let old = stored[record.ref] else { return !record.deleted }
            if old.deleted && record.deleted { return false }
            return !old.hasSameContent(as: record)
        }
        let newActivities = polled.flatMap(\.activities.items)

        // Who is touched: the people of changed records and of new behaviour.
        guard let identifier = mapping.identifierField else {
            throw ConfigurationError([ConfigurationProblem(file: configuration.config.mappings.first ?? "mapping", line: nil, column: nil,
                                                           key: "fields", message: "no identifier field (email) to link people by")])
        }
        let resolver = IdentityResolver(identifier: identifier)
        let touchedRefs = changed.map(\.ref) + newActivities.map(\.subject)
        let existingLinks = try await store.links(for: Array(Set(touchedRefs)))
        // Records seen for the first time are placed by evidence where their mailbox says nothing (IdentityLinker).
        let linker = IdentityLinker(mapping: mapping)
        let isPerson = { (ref: RecordRef) in ref.object == mapping.objectName(in: ref.system) }
        let unlinked = changed.filter { existingLinks[$0.ref] == nil && !$0.deleted && isPerson($0.ref) }
        var matches: [RecordRef: IdentityLinker.Match] = [:]
        if !unlinked.isEmpty {
            let unlinkedRefs = Set(unlinked.map(\.ref))
            let candidateRefs = try await store.matchCandidates(unlinked.flatMap(linker.blockingKeys), perKeyLimit: Self.matchKeyLimit)
                .filter { !unlinkedRefs.contains($0) }
            let candidateLinks = try await store.links(for: candidateRefs)
            let changedByRef = Dictionary(changed.map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
            let known = try await store.snapshots(Array(candidateLinks.keys)).compactMap { stored -> (record: SourceRecord, key: String)? in
                candidateLinks[stored.ref].map { (changedByRef[stored.ref] ?? stored, $0) }
            }
            let keyed = unlinked.map { ($0, resolver.deterministicKey(for: $0)) }
            matches = linker.matches(new: keyed, known: known, knownKeys: try await store.knownPeople(Set(keyed.map(\.1))))
        }
        var keys = Set(changed.map { resolver.key(for: $0, existing: existingLinks, matches: matches) })
        if backfill {
            // Every person again, and only people: account links (`domain:` keys) belong to the account reconciliation.
            let personLinks = try await store.allLinks().filter { $0.key.object == mapping.objectName(in: $0.key.system) }
            keys.formUnion(personLinks.values)
        }
        for activity in newActivities { if let key = existingLinks[activity.subject] { keys.insert(key) } }
        let people = try await store.people(keys)

        var records = Dictionary(people.records.map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
        for record in changed { records[record.ref] = record }
        let personRefs = Set(records.keys)
        let firstSeen = changed.map(\.ref).filter { people.links[$0] == nil }
        var activities = Dictionary((people.activities + (try await store.activities(for: firstSeen))).map { ($0.id, $0) },
                                    uniquingKeysWith: { a, _ in a })
        for activity in newActivities where personRefs.contains(activity.subject) { activities[activity.id] = activity }
        let storedAccounts = Dictionary(try await store.accounts().map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
        let polledAccounts = polled.flatMap { $0.accounts.items.compactMap(Account.init(record:)) }
        var accounts = storedAccounts
        for account in polledAccounts { accounts[account.ref] = account }
        let changedAccounts = polledAccounts.filter { storedAccounts[$0.ref] != $0 }
        // Account records with their mapped fields: kept as snapshots and reconciled across systems by web domain.
        var changedAccountRecords: [SourceRecord] = []
        var accountChanges: [PlanChange] = []
        if let accountMapping {
            let records = polled.flatMap(\.accounts.items)
            let storedRecords = Dictionary(try await store.snapshots(records.map(\.ref)).map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
            changedAccountRecords = records.filter { record in storedRecords[record.ref].map { !$0.hasSameContent(as: record) } ?? !record.deleted }
            let accountLinks = try await store.links(for: changedAccountRecords.map(\.ref))
            let accountKeys = Set(changedAccountRecords.compactMap { accountLinks[$0.ref] ?? AccountReconciliation.key($0) })
            let known = try await store.people(accountKeys)
            var all = Dictionary(known.records.map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
            for record in changedAccountRecords { all[record.ref] = record }
            accountChanges = AccountReconciliation(mapping: accountMapping)
                .plan(records: all.values.sorted { $0.ref < $1.ref }, links: accountLinks.merging(known.links) { a, _ in a }, synced: known.synced)
        }

        let pipeline = Pipeline(mapping: mapping, scoring: configuration.scoring, routing: configuration.routing, reps: directory.reps,
                                enrichment: configuration.enrichment)
        var providerCompanies: [String: [String: String]] = [:]
        if let provider, configuration.enrichment.order.contains(.provider) {
            providerCompanies = try await provider.answers(for: ProviderLookup.domains(of: Array(records.values), mapping: mapping),
                                                           now: now, ask: askProvider)
        }
        var input = PipelineInput(
            records: records.values.sorted { $0.ref < $1.ref }, accounts: accounts.values.sorted { $0.ref < $1.ref },
            activities: activities.values.sorted { ($0.occurredAt, $0.id) < ($1.occurredAt, $1.id) },
            links: existingLinks.merging(people.links) { a, _ in a }, assignments: people.assignments,
            previousScores: people.scores, routingState: try await store.routingState(), synced: people.synced, now: now)
        input.enriched = people.enriched
        input.matches = matches
        // Only a mapping that merges needs to know which records an undo restored.
        if mapping.duplicates?.mergeMinScore != nil { input.mergeBlocked = try await store.mergeBlocked() }
        input.providerCompanies = providerCompanies
        var plan = pipeline.plan(input)
        plan.changes += accountChanges

        var watermarks: [String: Watermark] = [:]
        if previousFingerprint?.id != fingerprint.id { watermarks[Self.mappingStream] = fingerprint }
        var streams: [CycleResult.StreamStats] = []
        var rejected: [RejectedRecord] = []
        for item in polled {
            if let mark = item.leads.watermark { watermarks[item.leadStream] = mark }
            if let deletions = item.deletions {
                if let mark = deletions.watermark { watermarks[item.leadStream + ".deleted"] = mark }
                watermarks[item.leadStream + ".deleted-sweep"] = Watermark(modifiedAt: now, id: "sweep")
                if deletions.calls > 0 {
                    streams.append(.init(stream: item.leadStream + ".deleted", read: deletions.items.count,
                                         changed: changed.filter { $0.deleted && $0.ref.system == item.system }.count,
                                         rejected: deletions.rejected.count, calls: deletions.calls))
                }
                rejected += deletions.rejected
            }
            if let mark = item.accounts.watermark { watermarks[item.accountStream] = mark }
            if let mark = item.activities.watermark { watermarks[item.activityStream] = mark }
            let changedHere = changed.filter { $0.ref.system == item.system }.count
            streams.append(.init(stream: item.leadStream, read: item.leads.items.count, changed: changedHere,
                                 rejected: item.leads.rejected.count, calls: item.leads.calls))
            streams.append(.init(stream: item.accountStream, read: item.accounts.items.count,
                                 changed: changedAccounts.filter { $0.ref.system == item.system }.count,
                                 rejected: item.accounts.rejected.count, calls: item.accounts.calls))
            if item.activities.calls > 0 {
                streams.append(.init(stream: item.activityStream, read: item.activities.items.count, changed: item.activities.items.count,
                                     rejected: item.activities.rejected.count, calls: item.activities.calls))
            }
            rejected += item.leads.rejected + item.accounts.rejected + item.activities.rejected
        }
        var commit = CycleCommit(snapshots: changed + changedAccountRecords, accounts: changedAccounts, activities: newActivities,
                                 watermarks: watermarks, plan: plan, rejected: rejected)
        // The match index follows every person record that changed (and, on a back-fill, every person record read).
        for record in (backfill ? Array(records.values) : changed) where isPerson(record.ref) {
            commit.matchKeys[record.ref] = linker.blockingKeys(record)
        }
        // A store from before the match index: index every stored person record once (from snapshots, no API calls).
        if try await store.matchIndexIsEmpty() {
            let stored = try await store.allLinks().keys.filter { isPerson($0) && commit.matchKeys[$0] == nil }
            for record in try await store.snapshots(Array(stored)) { commit.matchKeys[record.ref] = linker.blockingKeys(record) }
        }
        var result = CycleResult(plan: plan, streams: streams, rejected: rejected, missingReps: directory.missing, commit: commit)
        result.backfill = backfill
        result.echoesSuppressed = Self.echoes(changed: changed, stored: stored, links: input.links, synced: people.synced, mapping: mapping)
        return result
    }

    /// A blocking key shared by more records than this is too common to compare on (a switchboard number).
    static let matchKeyLimit = 50

    /// Where the fingerprint of the mapping last reconciled is kept.
    static let mappingStream = "mapping.fingerprint"

    /// Mapped-field changes whose new value is the one LeadRelay last reconciled: its own writes, read back.
    static func echoes(changed: [SourceRecord], stored: [RecordRef: SourceRecord], links: [RecordRef: String],
                       synced: [String: [String: String?]], mapping: MappingSet) -> Int {
        var count = 0
        for record in changed {
            guard let old = stored[record.ref], let person = links[record.ref], let values = synced[person] else { continue }
            for field in mapping.fields {
                guard let synced = values[field.canonical] else { continue }
                let before = field.canonicalValue(from: old), after = field.canonicalValue(from: record)
                if before != after, after == synced { count += 1 }
            }
        }
        return count
    }
}
