import Foundation

/// What a cycle learns about an assigned lead from the CRMs themselves: a person gave it to someone else, or the CRM
/// moved it on. Either closes the assignment in the event log.
extension Pipeline {
    /// Owner changes in this cycle's records that LeadRelay did not make: the owner moved from what was stored to
    /// someone other than the assigned rep.
    func ownerChanges(_ live: [SourceRecord], previous: [RecordRef: SourceRecord], assigned repID: String) -> [(kind: LeadEvent.Kind, cause: Reason)] {
        let rep = holder(repID)
        var changes: [(kind: LeadEvent.Kind, cause: Reason)] = []
        for record in live {
            let system = record.ref.system
            let field = mapping.ownerField?.name(in: system) ?? (system == .hubspot ? CRMFieldNames.hubspotOwner : CRMFieldNames.salesforceOwner)
            guard let before = previous[record.ref], let now = record.value(field), before.value(field) != now else { continue }
            let ours = system == .hubspot ? rep?.hubspotOwnerID : rep?.salesforceUserID
            guard now != ours else { continue }
            let toRep = router.reps.first { (system == .hubspot ? $0.hubspotOwnerID : $0.salesforceUserID) == now }?.id
            changes.append((.ownerChangedByPerson(system: system, from: before.value(field), to: now, toRep: toRep),
                            Reason(.ownerChangedByPerson, "\(record.ref) owner changed in \(system.rawValue) to \(toRep ?? now), not by LeadRelay (assigned to \(repID))",
                                   facts: ["record": record.ref.description, "owner": now, "toRep": toRep ?? "", "assigned": repID])))
        }
        return changes
    }

    /// Every stage the CRMs' own fields state for these records.
    func statedStages(_ records: [SourceRecord]) -> [LifecycleStage] {
        records.compactMap(statedStage)
    }

    /// The stage one record states. HubSpot: `lifecyclestage`, with the lead status over it where that says more (an
    /// accepted, recycled or disqualified lead; never over an opportunity or a customer). Salesforce: a converted lead
    /// is sales-qualified whatever its status says (orgs rename "Closed - Converted"), an opportunity when conversion
    /// made one; else its `Status` by the mapping's table, else by the words orgs use ("Recycled", "Nurture").
    func statedStage(_ record: SourceRecord) -> LifecycleStage? {
        let table = mapping.lifecycle.side(record.ref.system)
        switch record.ref.system {
        case .hubspot:
            let stage = record.value(CRMFieldNames.hubspotLifecycle).flatMap(LifecycleStage.init(hubspotValue:))
            guard let status = table.stage(status: record.value(table.field)) else { return stage }
            guard let stage, let rank = stage.funnelRank else { return status }
            guard let statusRank = status.funnelRank else { return rank <= Self.rank(.sql) ? status : stage }
            return statusRank > rank ? status : stage
        case .salesforce:
            if CRMFieldNames.isConverted(record) {
                return record.value(CRMFieldNames.salesforceConvertedOpportunity) == nil ? .sql : .opportunity
            }
            let status = record.value(table.field)
            return table.stage(status: status) ?? CRMFieldNames.stage(salesforceStatus: status)
        }
    }

    /// The stage the CRMs' own fields state for these records (HubSpot `lifecyclestage`, Salesforce `Status`): the
    /// furthest along, or disqualified/recycled when a record says so and none says more. `nil` when none says anything.
    func crmStage(_ records: [SourceRecord]) -> LifecycleStage? {
        let stated = statedStages(records)
        if let furthest = stated.compactMap({ stage in stage.funnelRank.map { (stage, $0) } }).max(by: { $0.1 < $1.1 }),
           furthest.0.closesAssignment { return furthest.0 }
        if stated.contains(.disqualified) { return .disqualified }
        if stated.contains(.recycled) { return .recycled }
        return stated.compactMap { stage in stage.funnelRank.map { (stage, $0) } }.max { $0.1 < $1.1 }?.0
    }

    static func rank(_ stage: LifecycleStage) -> Int { stage.funnelRank ?? -1 }

    /// A free person's latched gate, looked at now: re-armed (with its event) when the score is seen below
    /// `threshold − hysteresis` — now, or at the lowest it fell since the last look (the old evidence alone, decayed to
    /// now); else only the time of the look is kept.
    func rearm(_ gate: inout MQLGate, lead: Lead, activities: [Activity], score: ScoreBreakdown, now: Date) -> (kind: LeadEvent.Kind, cause: Reason)? {
        guard gate.latched else { return nil }
        let mql = scorer.config.mql
        let line = MQLGate.rearmLine(mql)
        let valley = gate.checkedAt.map { checked in scorer.score(lead, activities: activities.filter { $0.occurredAt <= checked }, now: now).total }
        gate.checkedAt = now
        guard let low = gate.rearms(score: score.total, valley: valley, line: line) else { return nil }
        gate.latched = false
        return (.mqlRearmed(score: low, line: line), Reason(
            .mqlRearmed, "the score fell to \(Condition.format(low)), below the re-arm line \(Condition.format(line)) (threshold \(Condition.format(mql.threshold)) − hysteresis \(Condition.format(mql.hysteresis ?? 0))): the lead may be an MQL again",
            facts: ["score": Condition.format(low), "line": Condition.format(line)]))
    }

    /// What routing needs from the person's records: the owners the CRMs already name (the person's, for sticky
    /// `existing-owner` routing), read from each record's owner field.
    func routeContext(_ live: [SourceRecord], now: Date) -> RouteContext {
        let ownerFields = mapping.ownerFieldNames
        let owners = live.sorted { ($0.modifiedAt, $0.ref.id) > ($1.modifiedAt, $1.ref.id) }
            .flatMap { record in ownerFields.sorted().compactMap { record.value($0) } }
            .filter { !$0.isEmpty }
        return RouteContext(now: now, ownerIDs: owners, linkedCompanies: RouteContext.linkedCompanies(of: live))
    }
}
