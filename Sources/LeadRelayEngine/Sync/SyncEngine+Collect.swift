import Foundation
import LeadRelayCore
import LeadRelayCRM
import Logging

/// What a cycle looks at.
public enum ChangeSource: Sendable, Hashable {
    /// Every declared stream since its watermark.
    case poll
    /// Just these lead records, as they are now (a webhook named them): nothing else is read and no watermark moves.
    case records([RecordRef])
}

extension SyncEngine {
    /// One system's polled streams.
    struct Polled: Sendable {
        var system: CRMSystem
        var leads: PollResult<SourceRecord>
        /// Tombstones from the slower deletion sweep, when it was due this cycle.
        var deletions: PollResult<SourceRecord>?
        var accounts: PollResult<SourceRecord>
        var activities: PollResult<Activity>
        /// Contacts and opportunities under accounts (Salesforce), each kind from its own stream.
        var members: [(stream: StreamID, result: PollResult<AccountMember>)] = []
        /// Activity from the CRM's other sources (`ActivitySource`: interest, and sales touches when an SLA is configured),
        /// each from its own stream.
        var interest: [(stream: StreamID, result: PollResult<Activity>)] = []
        /// Activity kinds another source reads one by one (the Forms API): the contact counters add none of them.
        var countedElsewhere: Set<Activity.Kind> = []
        var leadStream: StreamID
        var accountStream: StreamID
        var activityStream: StreamID
        /// The lead stream failed (or is backing off): this CRM's leads were not read this cycle.
        var leadsUnread = false
        /// No events API on this portal: behaviour comes from the contacts' own calculated properties, derived when
        /// the stored versions are at hand (`HubSpotInterest.activities(from:previous:)`).
        var derivesInterest = false

        /// Why this CRM's leads are not all read this cycle; `nil` when they are.
        var incomplete: String? {
            if leadsUnread { return "the \(system.displayName) leads could not be read" }
            if leads.more || (deletions?.more ?? false) { return "the \(system.displayName) backlog is still being read" }
            return nil
        }
    }

    /// What the change source brought: every stream polled since its watermark, and the CRMs' owner lists.
    struct Collected: Sendable {
        var now: Date
        var polled: [Polled]
        var owners: [CRMSystem: [CRMOwner]]
        /// The fingerprint of the mapping now, and the one last reconciled.
        var fingerprint: String
        var previousFingerprint: String?
        /// A changed mapping back-fills: lead records are read again in full (their new fields with them) and every
        /// known person is reconciled, not only those whose records changed.
        var backfill: Bool { previousFingerprint.map { $0 != fingerprint } ?? false }
        /// Systems whose leads are not all read: the stream stopped at its page limit with more to read, or could not be
        /// read this cycle. The picture is not whole yet.
        var catchingUp: [CRMSystem] { polled.filter { $0.incomplete != nil }.map(\.system).sorted() }
        /// Why routing waits, for logs and reports; `nil` when the picture is whole.
        var holdReason: String? {
            let parts = polled.compactMap(\.incomplete)
            return parts.isEmpty ? nil : parts.joined(separator: " and ")
        }
    }

    /// The streams one system is polled by.
    /// The fields every lead read asks for: the mapping's, and in HubSpot the calculated behaviour properties.
    public static func leadFields(_ mapping: MappingSet, _ system: CRMSystem) -> [String] {
        mapping.fieldNames(in: system) + (system == .hubspot ? HubSpotInterest.properties + [CRMFieldNames.hubspotPrimaryCompany] : [])
    }

    static func streams(_ system: CRMSystem, mapping: MappingSet) -> (leads: StreamID, accounts: StreamID, activities: StreamID) {
        (StreamID(system, mapping.objectName(in: system)), StreamID(system, "accounts"), StreamID(system, "activities"))
    }

    /// The streams of records under accounts: Salesforce's Contacts and Opportunities (HubSpot contacts name their
    /// company themselves).
    static func memberStreams(_ system: CRMSystem) -> [(kind: AccountMember.Kind, stream: StreamID)] {
        guard system == .salesforce else { return [] }
        return [(.contact, StreamID(system, "contacts")), (.opportunity, StreamID(system, "opportunities"))]
    }

    /// Reads every watermark in one read, then polls both systems at once (each connector keeps its own rate-limit gate).
    func collect(now: Date, source: ChangeSource = .poll) async throws -> Collected {
        if case .records(let refs) = source { return try await collect(refs, now: now) }
        let mapping = configuration.mapping
        // Sales touches are read only for an SLA to measure.
        let touches = configuration.sla != nil
        let systems = connectors.map(\.system)
        let streams = systems.flatMap { system -> [StreamID] in
            let streams = Self.streams(system, mapping: mapping)
            return [streams.leads, streams.leads.deletions, streams.accounts, streams.activities] + Self.memberStreams(system).map(\.stream)
                + ActivitySource.sources(for: system, touches: touches).map(\.stream)
        }
        let (marks, sweeps, previousFingerprint) = try await store.read { reader in
            var marks: [StreamID: Watermark] = [:]
            var sweeps: [StreamID: Date] = [:]
            for stream in streams {
                marks[stream] = try reader.watermark(stream)
                if stream.kind == .deletions || stream == ActivitySource.forms.stream { sweeps[stream] = try reader.lastSweep(stream) }
            }
            return (marks, sweeps, try reader.mappingFingerprint())
        }
        let fingerprint = mapping.fingerprint
        let backfill = previousFingerprint.map { $0 != fingerprint } ?? false
        if backfill {
            logger.notice("The field mapping changed: reading every lead again and reconciling every known person this cycle.",
                          metadata: ["mapping.fingerprint": "\(fingerprint)"])
        }
        let (lookback, deletedEvery, accountMapping) = (configuration.lookback, configuration.deletedEvery, configuration.accountMapping)
        let formsEvery = configuration.formsEvery
        let optional = { @Sendable (stream: StreamID, read: @Sendable () async throws -> PollResult<SourceRecord>) in
            try await self.optionalStream(stream, now: now, read)
        }
        let polled = try await withThrowingTaskGroup(of: Polled.self) { group in
            for connector in connectors {
                group.addTask {
                    let system = connector.system
                    let (leadStream, accountStream, activityStream) = Self.streams(system, mapping: mapping)
                    // The lead stream fails on its own too: the other CRM's leads still commit, and routing waits
                    // (`catchingUp`) until both are read — nobody is routed on half the picture.
                    let leads = try await self.optionalStream(leadStream, now: now, backsOff: false) {
                        try await connector.pollLeads(since: backfill ? nil : marks[leadStream], lookback: lookback,
                                                      fields: Self.leadFields(mapping, system))
                    }
                    let leadsUnread = await self.health.isFailing(leadStream)
                    // Deletions the lead poll cannot see are swept on a slower cadence (they cost a full list).
                    var deletions: PollResult<SourceRecord>?
                    let lastSweep = sweeps[leadStream.deletions] ?? .distantPast
                    if now.timeIntervalSince(lastSweep) >= deletedEvery {
                        deletions = try await optional(leadStream.deletions) {
                            try await connector.pollDeletedLeads(since: marks[leadStream.deletions], lookback: lookback, fields: Self.leadFields(mapping, system))
                        }
                        // A sweep that could not run is not a sweep: it is due again.
                        if deletions?.calls == 0 { deletions = nil }
                    }
                    let accounts = try await optional(accountStream) {
                        try await connector.pollAccounts(since: marks[accountStream], lookback: lookback, fields: accountMapping?.fieldNames(in: system) ?? [])
                    }
                    let activities = try await self.optionalStream(activityStream, now: now) {
                        try await connector.pollActivities(since: marks[activityStream], lookback: lookback)
                    }
                    var members: [(stream: StreamID, result: PollResult<AccountMember>)] = []
                    for (kind, stream) in Self.memberStreams(system) {
                        members.append((stream, try await self.optionalStream(stream, now: now) {
                            try await connector.pollAccountMembers(kind, since: marks[stream], lookback: lookback)
                        }))
                    }
                    // No events API on this portal: behaviour comes from the contacts' own calculated properties.
                    let derives = system == .hubspot ? await self.health.isOff(activityStream) : false
                    var interest: [(stream: StreamID, result: PollResult<Activity>)] = []
                    var countedElsewhere: Set<Activity.Kind> = []
                    for source in ActivitySource.sources(for: system, touches: touches) {
                        let stream = source.stream
                        if source == .forms {
                            // The events API has every submission already. Elsewhere the Forms API names each one, on its
                            // slower cadence (a call per form); meanwhile a submission shows at once through the contact's
                            // own properties, under the same id, and its counter adds none of its own.
                            guard derives else { continue }
                            if !(await self.health.isOff(stream)) { countedElsewhere.insert(.formSubmission) }
                            guard now.timeIntervalSince(sweeps[stream] ?? .distantPast) >= formsEvery else { continue }
                        }
                        // HubSpot's sources start where LeadRelay starts: what came before, the contact counters counted.
                        let since = marks[stream] ?? (system == .hubspot ? Watermark(modifiedAt: now, id: "") : nil)
                        interest.append((stream, try await self.optionalStream(stream, now: now) {
                            try await connector.pollSource(source, since: since, lookback: lookback)
                        }))
                    }
                    var item = Polled(system: system, leads: leads, deletions: deletions, accounts: accounts, activities: activities,
                                      leadStream: leadStream, accountStream: accountStream, activityStream: activityStream, leadsUnread: leadsUnread)
                    item.derivesInterest = derives
                    item.members = members
                    item.interest = interest
                    item.countedElsewhere = countedElsewhere
                    return item
                }
            }
            var all: [Polled] = []
            for try await item in group { all.append(item) }
            return all.sorted { $0.system < $1.system }
        }
        return Collected(now: now, polled: polled, owners: try await ownerLists(now: now), fingerprint: fingerprint,
                         previousFingerprint: previousFingerprint)
    }

    /// Reads an optional stream on its own: a failure is backed off and reported (the watermark stays, so nothing is
    /// lost), an API the account lacks is switched off with one warning; only what stops the whole CRM (credentials,
    /// the daily budget, shutdown) ends the cycle.
    ///
    /// `backsOff: false` (the lead streams, without which nothing is routed) tries again every cycle: the client has
    /// already retried with backoff, and the loop paces cycles.
    func optionalStream<T: Sendable>(_ stream: StreamID, now: Date, backsOff: Bool = true, _ read: @Sendable () async throws -> PollResult<T>) async throws
        -> PollResult<T> {
        let skipped = PollResult<T>(items: [], watermark: nil, calls: 0)
        guard await health.due(stream, now: now) else { return skipped }
        do {
            let result = try await read()
            if let recovered = await health.succeeded(stream) {
                logger.notice("Stream readable again.", metadata: ["stream": "\(stream)", "stream.was": "\(recovered.reason)"])
            }
            return result
        } catch let error as CRMError {
            switch error {
            case .quotaExhausted, .budgetReserved: throw error
            case .authentication where !error.isNotAvailableToAccount: throw error
            default: break
            }
            if Task.isCancelled { throw error }
            let off = error.isNotAvailableToAccount
            let (problem, new) = await health.failed(stream, reason: error.description, off: off, now: now, backsOff: backsOff)
            let metadata: Logger.Metadata = ["stream": "\(stream)", "error": "\(error)", "retry.at": "\(ISOTimestamp.format(problem.retryAt))"]
            if off {
                if new { logger.warning("The account has no access to this stream; it is off, the rest goes on.", metadata: metadata) }
            } else {
                logger.log(level: new ? .warning : .info, "Stream failed; backing off, the rest goes on.", metadata: metadata)
            }
            return skipped
        }
    }

    /// The named lead records, read by id from their CRMs; accounts, activities and deletions wait for the next poll.
    func collect(_ refs: [RecordRef], now: Date) async throws -> Collected {
        let mapping = configuration.mapping
        let polled = try await withThrowingTaskGroup(of: Polled.self) { group in
            for connector in connectors {
                let system = connector.system
                let ids = refs.filter { $0.system == system && $0.object == mapping.objectName(in: system) }.map(\.id)
                group.addTask {
                    let (leadStream, accountStream, activityStream) = Self.streams(system, mapping: mapping)
                    let leads = ids.isEmpty ? PollResult(items: [], watermark: nil, calls: 0)
                        : try await connector.fetchLeads(ids: ids, fields: Self.leadFields(mapping, system))
                    // Without the events API the contact itself carries its latest behaviour: read it with the record.
                    let eventsOff = await self.health.isOff(activityStream)
                    var item = Polled(system: system, leads: leads, deletions: nil, accounts: PollResult(items: [], watermark: nil, calls: 0),
                                      activities: PollResult(items: [], watermark: nil, calls: 0),
                                      leadStream: leadStream, accountStream: accountStream, activityStream: activityStream)
                    item.derivesInterest = system == .hubspot && eventsOff
                    return item
                }
            }
            var all: [Polled] = []
            for try await item in group { all.append(item) }
            return all.sorted { $0.system < $1.system }
        }
        // A mapping change back-fills on the next poll, not here: the fingerprint read is left as it stands.
        let fingerprint = mapping.fingerprint
        let previous = try await store.read { try $0.mappingFingerprint() }
        return Collected(now: now, polled: polled, owners: try await ownerLists(now: now), fingerprint: previous ?? fingerprint,
                         previousFingerprint: previous ?? fingerprint)
    }

    func ownerLists(now: Date) async throws -> [CRMSystem: [CRMOwner]] {
        try await owners.owners(now: now) { [connectors] in
            var lists: [CRMSystem: [CRMOwner]] = [:]
            for connector in connectors { lists[connector.system] = try await connector.owners() }
            return lists
        }
    }
}
