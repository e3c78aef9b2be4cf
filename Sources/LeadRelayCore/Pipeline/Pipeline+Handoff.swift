import Foundation

/// The hand-off itself: the owner and stage writes to both CRMs (creating the record a CRM lacks), their reasons,
/// the lead in brief for the alert, and the stranded queue as a holder.
extension Pipeline {
    /// The rep a holder id names, or the stranded queue as a holder (its CRM owners; `email` is whom its alert goes to).
    func holder(_ id: String) -> Rep? {
        if let rep = router.reps.first(where: { $0.id == id }) { return rep }
        guard StrandedTarget.isQueue(id), let queue = router.strandedQueue else { return nil }
        return Rep(id: id, email: queue.alert.flatMap(EmailAddress.normalise) ?? "", pools: [], weight: 1,
                   hubspotOwnerID: queue.hubspotOwnerValue, salesforceUserID: queue.salesforce)
    }

    /// Owner and stage writes for every system, creating the record where the person has none.
    func writeBack(lead: Lead, records: [SourceRecord], rep: Rep) -> [RecordWrite] {
        var writes: [RecordWrite] = []
        let hubspotOwner = mapping.ownerField?.hubspot ?? CRMFieldNames.hubspotOwner
        let salesforceOwner = mapping.ownerField?.salesforce ?? CRMFieldNames.salesforceOwner
        // The stranded queue may leave HubSpot's owner as it is: the contact still becomes an MQL there.
        let queued = StrandedTarget.isQueue(rep.id)
        for system in CRMSystem.allCases.sorted() {
            let ownerField = system == .hubspot ? hubspotOwner : salesforceOwner
            let ownerID = system == .hubspot ? rep.hubspotOwnerID : rep.salesforceUserID
            guard ownerID != nil || queued else { continue }
            var fields: [String: String] = [:]
            if let ownerID { fields[ownerField] = ownerID }
            // With a duplicate policy the owner goes to the surviving record; otherwise to the newest.
            let existing = mapping.primaryRecord(in: system, of: records)
            if system == .hubspot {
                let current = existing?.value(CRMFieldNames.hubspotLifecycle).flatMap(LifecycleStage.init(hubspotValue:))
                // HubSpot only moves the stage forward; never write a stage behind the current one.
                if (current?.funnelRank ?? 0) < (LifecycleStage.mql.funnelRank ?? 0) {
                    fields[CRMFieldNames.hubspotLifecycle] = LifecycleStage.mql.hubspotValue
                }
                // Sales sees a fresh lead as NEW; a status a rep already set is theirs to keep, unless it sent the lead
                // back (recycled, disqualified): an MQL again starts over.
                let table = mapping.lifecycle.hubspot
                if let existing, existing.value(CRMFieldNames.hubspotLeadStatus) == nil
                    || table.field == CRMFieldNames.hubspotLeadStatus && table.stage(status: existing.value(table.field))?.funnelRank == nil {
                    fields[CRMFieldNames.hubspotLeadStatus] = "NEW"
                }
            }
            if let existing, system == .salesforce, statedStage(existing) == .recycled {
                // A recycled lead that is an MQL again starts over with sales: open, not "Recycled".
                fields[CRMFieldNames.salesforceStatus] = CRMFieldNames.salesforceOpenStatus
            }
            if let existing {
                // Salesforce owner changes are conditional on the version routed from: a rep's own change made since wins.
                var write = RecordWrite(operation: .update, system: system, object: existing.ref.object, id: existing.ref.id, fields: fields)
                if system == .salesforce {
                    write.unmodifiedSince = existing.modifiedAt
                    // What "a person took it" means: the owner or status moved, not any field.
                    var expected: [String: String] = [:]
                    for name in [ownerField, CRMFieldNames.salesforceStatus] where existing.fields.keys.contains(name) {
                        expected[name] = existing.value(name) ?? ""
                    }
                    write.expected = expected
                }
                if !write.fields.isEmpty { writes.append(write) }
            } else if let email = lead.email, let emailField = mapping.identifierField?.name(in: system) {
                // A new record starts without an owner rather than with a cleared one.
                if fields[ownerField]?.isEmpty == true { fields[ownerField] = nil }
                let created = createFields(lead, system: system)
                fields.merge(created.fields) { current, _ in current }
                var write = RecordWrite(operation: .create, system: system, object: mapping.objectName(in: system), id: nil,
                                        fields: fields, matchField: emailField, matchValue: email)
                if !created.leftOut.isEmpty { write.reason = "left out: " + created.leftOut.joined(separator: "; ") }
                writes.append(write)
            }
        }
        return writes
    }

    /// Mapped values a new record in `system` starts with, as far as the rules let them flow there.
    /// `leftOut` names each value the field's live type cannot hold, with the reason: it is not sent.
    func createFields(_ lead: Lead, system: CRMSystem) -> (fields: [String: String], leftOut: [String]) {
        var fields: [String: String] = [:]
        var leftOut: [String] = []
        for field in mapping.fields where field.type != .owner {
            guard let name = field.name(in: system), var value = lead.fields[field.canonical] ?? field.defaultValue else { continue }
            if let max = field.maxLength, value.count > max {
                // Too long for the mapping: cut it, or leave the field out of the new record.
                guard field.overflow == .truncate else { continue }
                value = String(value.prefix(max))
            }
            switch (field.rule, system) {
            case (.never, _), (.leadrelay, _), (.hubspotToSalesforce, .hubspot), (.salesforceToHubSpot, .salesforce):
                continue
            default:
                switch field.render(value, for: system) {
                case .value(let rendered): fields[name] = rendered
                case .refused(let reason): leftOut.append("\(field.canonical): \(reason)")
                }
            }
        }
        if system == .salesforce {
            // Salesforce requires both on a Lead; web-to-lead uses the same placeholder.
            for canonical in ["lastName", "company"] {
                if let name = mapping.field(canonical)?.salesforce, fields[name] == nil { fields[name] = CRMFieldNames.notProvided }
            }
            fields[CRMFieldNames.salesforceStatus] = CRMFieldNames.salesforceOpenStatus
        } else {
            fields[CRMFieldNames.hubspotLeadStatus] = "NEW"
        }
        return (fields, leftOut)
    }

    func writeReason(_ write: RecordWrite, rep: Rep) -> String {
        let owner = StrandedTarget.isQueue(rep.id) ? "queue \(router.strandedQueue?.label ?? rep.id)" : rep.id
        return switch write.operation {
        case .update: "write owner \(owner) to \(write.system.rawValue)/\(write.object)/\(write.id ?? "")"
        case .create: "the person has no \(write.system.rawValue) \(write.object) yet: create it owned by \(owner)"
        case .merge: "merge \(write.system.rawValue)/\(write.object)/\(write.mergeFrom ?? "") into \(write.id ?? "")"
        }
    }

    func summary(_ lead: Lead, score: ScoreBreakdown, decision: RouteDecision, activities: [Activity]) -> LeadSummary {
        let name = [lead.fields["firstName"], lead.fields["lastName"]].compactMap { $0 }.joined(separator: " ")
        // The lead's own doing, not a rep's: sales touches say nothing of how fresh the interest is.
        let active = activities.lazy.filter { !$0.isSalesTouch }.map(\.occurredAt).max() ?? lead.modifiedAt
        return LeadSummary(personKey: lead.personKey, name: name.isEmpty ? nil : name, email: lead.email, company: lead.fields["company"],
                           title: lead.fields["title"], score: score.total, fit: score.fitScore, interest: score.interestScore,
                           routedBy: decision.rule, records: lead.sources, breakdown: score, lastActiveAt: active)
    }
}
