import Foundation

/// A stage sales moved a person to in one CRM (accepted, qualified, converted, won, recycled, disqualified), with its
/// event and the writes that make the other CRM say the same.
struct LifecycleMove {
    var from: LifecycleStage
    var to: LifecycleStage
    /// The record whose change said so.
    var record: RecordRef
    var cause: Reason
    /// The other CRM's record brought to the same stage: its status by the mapping's table and, in HubSpot, the
    /// lifecycle stage (forward, or back for a recycle: cleared first).
    var writes: [RecordWrite]
    /// The person was at this stage already (one CRM catching up with the other): writes only, no event.
    var news: Bool
}

extension Pipeline {
    /// The newest stage change among the person's records since they were last read, when it is a stage sales moves a
    /// lead to (`LifecycleMap.stages`). `from` is where the person stood before (an assigned lead at least MQL).
    func lifecycleMove(_ live: [SourceRecord], previous: [RecordRef: SourceRecord], assigned: String?) -> LifecycleMove? {
        let changed = live.compactMap { record -> (record: SourceRecord, stage: LifecycleStage)? in
            guard let before = previous[record.ref], let stage = statedStage(record), LifecycleMap.stages.contains(stage),
                  statedStage(before) != stage else { return nil }
            return (record, stage)
        }
        guard let newest = changed.max(by: { ($0.record.modifiedAt, $0.record.ref) < ($1.record.modifiedAt, $1.record.ref) }) else { return nil }
        var from = crmStage(live.map { previous[$0.ref] ?? $0 }) ?? .lead
        if assigned != nil, Self.rank(from) >= 0, Self.rank(from) < Self.rank(.mql) { from = .mql }
        let to = newest.stage
        let system = newest.record.ref.system
        let writes = CRMSystem.allCases.sorted().filter { $0 != system }.compactMap { other in
            mapping.primaryRecord(in: other, of: live).flatMap { stageWrite(to, on: $0, saidBy: newest.record.ref) }
        }
        let owner = assigned.map { "; \($0)'s assignment " + (to.closesAssignment ? "is closed" : "goes on") } ?? ""
        let cause = Reason(to.closesAssignment ? .lifecycleMovedOn : .lifecycleAccepted,
                           "\(system.displayName) moved the lead from \(from.rawValue) to \(to.rawValue) (\(newest.record.ref))\(owner)",
                           facts: ["from": from.rawValue, "to": to.rawValue, "record": newest.record.ref.description, "rep": assigned ?? ""])
        return LifecycleMove(from: from, to: to, record: newest.record.ref, cause: cause, writes: writes, news: from != to)
    }

    /// The write that brings `record` to `stage`, `nil` when it says so already, is further along (a forward stage
    /// never moves a record back; a recycle or disqualification never touches an opportunity or a customer), or is a
    /// converted Salesforce lead (read-only).
    func stageWrite(_ stage: LifecycleStage, on record: SourceRecord, saidBy source: RecordRef) -> RecordWrite? {
        let system = record.ref.system
        guard record.ref.object == mapping.objectName(in: system), !CRMFieldNames.isConverted(record) else { return nil }
        let current = statedStage(record)
        guard current != stage else { return nil }
        if let rank = stage.funnelRank {
            if let now = current?.funnelRank, now >= rank { return nil }
        } else if let now = current?.funnelRank, now >= Self.rank(.opportunity) {
            return nil
        }
        let table = mapping.lifecycle.side(system)
        var fields: [String: String] = [:]
        var notes: [String] = []
        if let value = table.write(stage), table.stage(status: record.value(table.field)) != stage {
            fields[table.field] = value
        }
        var back = false
        if system == .hubspot, let want = LifecycleMap.hubspotStage(for: stage) {
            let raw = record.value(CRMFieldNames.hubspotLifecycle)
            // A stage of the portal's own (a custom option) is left as it is: LeadRelay cannot tell where it stands.
            let held = raw.flatMap(LifecycleStage.init(hubspotValue:))
            if raw == nil || held.map({ Self.rank(want) > Self.rank($0) }) == true {
                fields[CRMFieldNames.hubspotLifecycle] = want.hubspotValue
            } else if let held, Self.rank(want) < Self.rank(held), stage == .recycled {
                // HubSpot moves the stage forward only: back to marketing is an explicit clear, then the value.
                fields[CRMFieldNames.hubspotLifecycle] = want.hubspotValue
                back = true
                notes.append("lifecyclestage moved back from \(held.hubspotValue) to \(want.hubspotValue): cleared first, as HubSpot only moves it forward")
            }
        }
        guard !fields.isEmpty else { return nil }
        var write = RecordWrite(operation: .update, system: system, object: record.ref.object, id: record.ref.id, fields: fields)
        if back { write.clearFirst = [CRMFieldNames.hubspotLifecycle] }
        if system == .salesforce {
            // A rep's own change made since the read wins: the status is written on the version read, else re-planned.
            write.unmodifiedSince = record.modifiedAt
            write.expected = [table.field: record.value(table.field) ?? ""]
        }
        write.reason = (["\(stage.rawValue) in \(source.system.displayName) (\(source)): \(system.displayName) says so too"] + notes)
            .joined(separator: "; ")
        return write
    }
}
