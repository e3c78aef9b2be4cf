import Foundation
import LeadRelayCore

extension SyncEngine {
    /// The pure step: from what was collected and loaded (and the provider's answers), the cycle's plan and commit.
    /// Same input, same result; nothing here reads the store, the network or the clock.
    static func plan(_ collected: Collected, _ loaded: Loaded, providerCompanies: [String: [String: String]],
                     configuration: LoadedConfiguration) -> CycleResult {
        let mapping = configuration.mapping
        let now = collected.now
        let directory = RepDirectory(routing: configuration.routing, owners: collected.owners)
        let pipeline = Pipeline(mapping: mapping, scoring: configuration.scoring, routing: directory.routing, reps: directory.reps,
                                enrichment: configuration.enrichment, routingVersion: configuration.version.isEmpty ? nil : configuration.version,
                                sla: configuration.slaSettings)
        var input = PipelineInput(
            records: loaded.records.values.sorted { $0.ref < $1.ref }, accounts: loaded.accounts, activities: loaded.activities,
            links: loaded.existingLinks.merging(loaded.people.links) { a, _ in a }, assignments: loaded.people.assignments,
            previousScores: loaded.people.scores, routingState: loaded.routingState, synced: loaded.people.synced, now: now)
        input.enriched = loaded.people.enriched
        input.accountProfiles = loaded.accountProfiles
        input.gates = loaded.people.gates
        input.matches = loaded.matches
        input.mergeBlocked = loaded.mergeBlocked
        input.providerCompanies = providerCompanies
        input.previous = loaded.stored
        input.holdRouting = collected.holdReason
        input.reroutes = loaded.reroutes
        // Least-loaded and capacity see the CRMs' open leads too, those assigned outside LeadRelay included.
        input.routingState.openInCRM = Dictionary(directory.reps.map { ($0.id, loaded.crmOpenLeads.count(for: $0)) }, uniquingKeysWith: max)
        var plan = pipeline.plan(input)
        if let accountMapping = configuration.accountMapping {
            plan.changes += AccountReconciliation(mapping: accountMapping)
                .plan(records: loaded.accountRecords, links: loaded.accountLinks, synced: loaded.accountSynced, previous: loaded.accountPrevious)
        }

        let changed = loaded.changed
        var watermarks: [StreamID: Watermark] = [:]
        var sweeps: [StreamID: Date] = [:]
        var streams: [CycleResult.StreamStats] = []
        var rejected: [RejectedRecord] = []
        for item in collected.polled {
            if let mark = item.leads.watermark { watermarks[item.leadStream] = mark }
            if let deletions = item.deletions {
                if let mark = deletions.watermark { watermarks[item.leadStream.deletions] = mark }
                sweeps[item.leadStream.deletions] = now
                if deletions.calls > 0 {
                    streams.append(.init(stream: item.leadStream.deletions.rawValue, read: deletions.items.count,
                                         changed: changed.filter { $0.deleted && $0.ref.system == item.system }.count,
                                         rejected: deletions.rejected.count, calls: deletions.calls))
                }
                rejected += deletions.rejected
            }
            if let mark = item.accounts.watermark { watermarks[item.accountStream] = mark }
            if let mark = item.activities.watermark { watermarks[item.activityStream] = mark }
            for (stream, result) in item.members {
                if let mark = result.watermark { watermarks[stream] = mark }
                if result.calls > 0 {
                    let read = Set(result.items.map(\.ref))
                    streams.append(.init(stream: stream.rawValue, read: result.items.count,
                                         changed: loaded.changedMembers.filter { read.contains($0.ref) }.count,
                                         rejected: result.rejected.count, calls: result.calls))
                }
                rejected += result.rejected
            }
            let changedHere = changed.filter { $0.ref.system == item.system }.count
            streams.append(.init(stream: item.leadStream.rawValue, read: item.leads.items.count, changed: changedHere,
                                 rejected: item.leads.rejected.count, calls: item.leads.calls))
            streams.append(.init(stream: item.accountStream.rawValue, read: item.accounts.items.count,
                                 changed: loaded.changedAccounts.filter { $0.ref.system == item.system }.count,
                                 rejected: item.accounts.rejected.count, calls: item.accounts.calls))
            if item.activities.calls > 0 {
                streams.append(.init(stream: item.activityStream.rawValue, read: item.activities.items.count, changed: item.activities.items.count,
                                     rejected: item.activities.rejected.count, calls: item.activities.calls))
            }
            for (stream, result) in item.interest {
                if let mark = result.watermark { watermarks[stream] = mark }
                if stream == ActivitySource.forms.stream, result.calls > 0 { sweeps[stream] = now }
                if result.calls > 0 {
                    streams.append(.init(stream: stream.rawValue, read: result.items.count, changed: result.items.count,
                                         rejected: result.rejected.count, calls: result.calls))
                }
                rejected += result.rejected
            }
            rejected += item.leads.rejected + item.accounts.rejected + item.activities.rejected
        }
        var commit = CycleCommit(snapshots: changed + loaded.changedAccountRecords, accounts: loaded.changedAccounts,
                                 activities: loaded.newActivities, watermarks: watermarks, plan: plan, rejected: rejected)
        commit.configVersion = configuration.version
        commit.accountMembers = loaded.changedMembers
        commit.sweeps = sweeps
        commit.released = loaded.released
        if collected.previousFingerprint != collected.fingerprint { commit.mappingFingerprint = collected.fingerprint }
        // The match index follows every person record that changed (and, on a back-fill, every person record read).
        let linker = IdentityLinker(mapping: mapping)
        let isPerson = { (ref: RecordRef) in ref.object == mapping.objectName(in: ref.system) }
        for record in (collected.backfill ? Array(loaded.records.values) : changed) where isPerson(record.ref) {
            commit.matchKeys[record.ref] = linker.blockingKeys(record)
        }
        for record in loaded.unindexed where commit.matchKeys[record.ref] == nil { commit.matchKeys[record.ref] = linker.blockingKeys(record) }
        // Each person record read keeps its owner and whether its lead is open, under the person it is linked to now.
        var personOf = input.links
        for change in plan.changes {
            if case .link(let ref) = change.action, let person = change.person { personOf[ref] = person }
        }
        commit.holds = changed.compactMap { record in personOf[record.ref].flatMap { pipeline.hold(record, person: $0) } }
        let fresh = Set(commit.holds.map(\.ref))
        commit.holds += loaded.unheld.filter { !fresh.contains($0.record.ref) }.compactMap { pipeline.hold($0.record, person: $0.person) }
        var result = CycleResult(plan: plan, streams: streams, rejected: rejected, missingReps: directory.missing, commit: commit)
        result.strandedQueueProblem = directory.queueProblem
        result.backfill = collected.backfill
        result.catchingUp = collected.catchingUp
        result.echoesSuppressed = echoes(changed: changed, stored: loaded.stored, links: input.links, synced: loaded.people.synced,
                                         mapping: mapping)
        return result
    }

    /// Mapped-field changes whose new value is the one LeadRelay last reconciled: its own writes, read back.
    static func echoes(changed: [SourceRecord], stored: [RecordRef: SourceRecord], links: [RecordRef: PersonKey],
                       synced: [PersonKey: [String: String?]], mapping: MappingSet) -> Int {
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
