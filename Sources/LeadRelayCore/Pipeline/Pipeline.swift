import Foundation

/// The pure heart of a cycle: map → normalise → link → score → MQL → route → `Plan`.
public struct Pipeline: Sendable {
    public var mapping: MappingSet
    public var scorer: Scorer
    public var router: Router
    public var enrichment: EnrichmentSettings
    /// The first-touch SLA (`sla.yaml`): each assignment starts a clock, each move away stops it.
    public var sla: SLASettings?

    public init(mapping: MappingSet, scoring: ScoringConfig, routing: RoutingConfig, reps: [Rep], enrichment: EnrichmentSettings = .disabled,
                routingVersion: String? = nil, sla: SLASettings? = nil) {
        self.mapping = mapping
        self.enrichment = enrichment
        self.sla = sla
        self.scorer = Scorer(config: scoring)
        self.router = Router(config: routing, reps: reps, version: routingVersion)
    }

    /// Builds the plan for `input`. People are handled in person-key order so routing is reproducible.
    public func plan(_ input: PipelineInput) -> Plan {
        var plan = Plan(generatedAt: input.now)
        guard let identifier = mapping.identifierField else { return plan }
        let resolver = IdentityResolver(identifier: identifier)
        let people = resolver.group(input.records, existing: input.links, matches: input.matches)
        let activitiesByRef = Dictionary(grouping: input.activities, by: \.subject)
        var state = input.routingState
        // Indexed on the first lead routed, once for all of them.
        var accountIndex: AccountIndex?
        let enricher = enrichment.chain(provider: input.providerCompanies)
        // A CRM merge says the loser is the survivor's person: its link follows the survivor.
        var keyOf = input.links
        for (key, records) in people { for record in records where keyOf[record.ref] == nil { keyOf[record.ref] = key } }
        var relinked = Set<RecordRef>()
        for record in input.records {
            guard let survivor = CRMFieldNames.mergedInto(record), let target = keyOf[survivor], keyOf[record.ref] != target else { continue }
            relinked.insert(record.ref)
            plan.changes.append(PlanChange(personKey: target, action: .link(record.ref),
                                           reason: Reason(.linkedByCRMMerge, "\(record.ref) was merged into \(survivor) in \(record.ref.system.rawValue)",
                                                          facts: ["record": record.ref.description, "survivor": survivor.description])))
        }
        for (personKey, records) in people.sorted(by: { $0.key < $1.key }) {
            for record in records where input.links[record.ref] == nil && !relinked.contains(record.ref) {
                plan.changes.append(PlanChange(personKey: personKey, action: .link(record.ref),
                                               reason: linkReason(record, personKey: personKey, match: input.matches[record.ref])))
            }
            let live = records.filter { !$0.deleted }
            guard !live.isEmpty else { continue }
            // A converted lead's person continues as its contact: the contact is linked to the same person.
            for record in live {
                guard let contact = CRMFieldNames.convertedContact(record), input.links[contact] != personKey else { continue }
                plan.changes.append(PlanChange(personKey: personKey, action: .link(contact), reason: Reason(
                    .linkedByConversion, "\(record.ref) was converted to \(contact); the person continues as the contact",
                    facts: ["lead": record.ref.description, "contact": contact.description])))
            }
            // Mapped fields first: their writes join the routing writes for the same record.
            let (decisions, fieldWrites, verdicts) = MappingReconciler(mapping: mapping).reconcile(
                live, synced: input.synced[personKey] ?? [:], previous: input.previous,
                firstSeen: Set(live.map(\.ref).filter { input.links[$0] == nil }))
            for decision in decisions {
                plan.changes.append(PlanChange(personKey: personKey, action: .reconcile(decision), reason: decision.planReason))
            }
            var writes = fieldWrites
            if let policy = mapping.duplicates {
                let (sets, flags) = flagDuplicates(live, policy: policy, mergeBlocked: input.mergeBlocked)
                for set in sets {
                    plan.changes.append(PlanChange(personKey: personKey, action: .duplicates(set), reason: Reason(
                        .duplicatesFound, duplicateReason(set, policy: policy),
                        facts: ["system": set.system.rawValue, "survivor": set.survivor.description, "duplicates": String(set.duplicates.count)])))
                }
                for flag in flags { Self.merge(flag, into: &writes) }
            }
            // Converted Salesforce leads are read, never written: any update is refused (CANNOT_UPDATE_CONVERTED_LEAD).
            let converted = Set(live.filter(CRMFieldNames.isConverted).map(\.ref))
            defer {
                let writable = writes.filter { write in
                    !(write.operation != .create && converted.contains(RecordRef(system: write.system, object: write.object, id: write.id ?? "")))
                }
                let handoff = CRMFieldNames.handoffFields(owner: mapping.ownerFieldNames).union([mapping.lifecycle.hubspot.field, mapping.lifecycle.salesforce.field])
                for write in Self.separatingHandoff(writable, handoffFields: handoff) {
                    plan.changes.append(PlanChange(personKey: personKey, action: .write(write), reason: write.planReason(ownerFields: mapping.ownerFieldNames)))
                }
            }
            // Held by an assignment unless recycled since: a recycled person is marketing's again, and may re-MQL.
            let gateBefore = input.gates[personKey] ?? MQLGate(latched: input.assignments[personKey] != nil)
            var gate = gateBefore
            defer { if gate != gateBefore { plan.gates[personKey] = gate } }
            var lead = assemble(personKey: personKey, records: live, assigned: input.assignments[personKey] != nil && !gate.recycled, verdicts: verdicts)
            let previous = input.enriched[personKey] ?? [:]
            let fills = enricher.apply(to: &lead, previous: previous, now: input.now)
            if fills.count != previous.count || !fills.allSatisfy({ fill in previous[fill.field].map { $0.isSameFill(as: fill) } ?? false }) {
                plan.changes.append(PlanChange(personKey: personKey, action: .enrich(fills), reason: Reason(
                    fills.isEmpty ? .enrichmentCleared : .enriched, enrichReason(fills, previous: previous),
                    facts: ["fields": (fills.isEmpty ? Array(previous.keys) : fills.map(\.field)).sorted().joined(separator: ",")])))
            }
            func log(_ kind: LeadEvent.Kind, _ cause: Reason) {
                plan.events.append(LeadEvent(personKey: personKey, kind: kind, cause: cause, occurredAt: input.now))
            }
            let assigned = gate.recycled ? nil : input.assignments[personKey]
            // A person giving the lead to a rep restarts the clock for them; to anyone else, stops it.
            var restartClockFor: Rep?
            if let assigned {
                for event in ownerChanges(live, previous: input.previous ?? [:], assigned: assigned) {
                    log(event.kind, event.cause)
                    guard let sla, case .ownerChangedByPerson(_, _, _, let toRep) = event.kind else { continue }
                    restartClockFor = toRep.flatMap(holder).flatMap { StrandedTarget.isQueue($0.id) ? nil : $0 }
                    if restartClockFor == nil { plan.timers += SLATimers.stop(personKey, settings: sla) }
                }
            }
            if let move = lifecycleMove(live, previous: input.previous ?? [:], assigned: assigned) {
                // The other CRM is told either way (it may be the one lagging); the event only when the person moved.
                for write in move.writes { Self.merge(write, into: &writes, wins: true) }
                if move.news {
                    plan.changes.append(PlanChange(personKey: personKey, action: .lifecycle(from: move.from, to: move.to), reason: move.cause))
                    log(.lifecycleChanged(from: move.from, to: move.to), move.cause)
                    // Moved on (qualified, recycled, disqualified…): nothing is due from the rep any more.
                    if let sla, move.to.closesAssignment, assigned != nil {
                        plan.timers += SLATimers.stop(personKey, settings: sla)
                        restartClockFor = nil
                    }
                }
                if move.news, move.to == .recycled, assigned != nil {
                    // Back to marketing: interest starts again from nothing, fit stays.
                    gate.recycle(at: input.now)
                    lead = assemble(personKey: personKey, records: live, assigned: false, verdicts: verdicts)
                    _ = enricher.apply(to: &lead, previous: previous, now: input.now)
                }
            }
            let activities = gate.counting(live.flatMap { activitiesByRef[$0.ref] ?? [] })
            let score = scorer.score(lead, activities: activities, now: input.now)
            if let sla, let rep = restartClockFor {
                startClock(personKey, rep: rep, lead: lead, score: score, activities: activities, sla: sla, now: input.now,
                           summary: summary(lead, score: score, decision: RouteDecision(repID: rep.id, rule: "owner-changed-by-person", reason: "", candidates: []),
                                            activities: activities), into: &plan)
            }
            let free = input.assignments[personKey] == nil || gate.recycled
            if free, let rearmed = rearm(&gate, lead: lead, activities: activities, score: score, now: input.now) {
                log(rearmed.kind, rearmed.cause)
            }
            if input.previousScores[personKey] != score.total {
                let reason = Reason(.scoreChanged, score.summary, facts: [
                    "total": Condition.format(score.total), "fit": Condition.format(score.fitScore), "interest": Condition.format(score.interestScore),
                    "previous": input.previousScores[personKey].map(Condition.format) ?? "",
                ])
                plan.changes.append(PlanChange(personKey: personKey, action: .score(score), reason: reason))
                log(.scoreChanged(from: input.previousScores[personKey], to: score.total, fit: score.fitScore, interest: score.interestScore), reason)
            }
            // A recycled lead's CRMs may still say MQL from its last pass: that stage is the one it is coming back to.
            let routable = isRoutable(lead.lifecycle) || (gate.recycled && lead.lifecycle == .mql)
            // After an SLA breach and its grace period, the lead goes to someone else: the new owner is the MQL's.
            let reroute = input.reroutes[personKey]
            if let sla, reroute != nil {
                plan.timers.append(.cancel(key: SLATimers.key(SLATimers.reroute, personKey)))
                // Moved on or given away since the request: nothing is owed any more.
                guard assigned != nil, !lead.lifecycle.closesAssignment else {
                    plan.timers += SLATimers.stop(personKey, settings: sla)
                    continue
                }
            }
            guard reroute != nil || (free && !gate.latched && routable && scorer.qualifies(score)) else { continue }
            if reroute == nil, input.holdRouting != nil {
                // Routed (and its MQL event logged) once both CRMs are read to the end; the store keeps it till then.
                plan.heldForBacklog.append(personKey)
                continue
            }
            let accounts = accountIndex ?? AccountIndex(accounts: input.accounts, profiles: input.accountProfiles)
            accountIndex = accounts
            var context = routeContext(live, now: input.now)
            if let reroute { context.priorAssignees = Set(reroute) }
            let decision = router.route(lead, accounts: accounts, state: &state, context: context)
            let routeReason = Reason(decision.repID == nil ? .unrouted : .routed,
                                     (reroute.map { "reassigned after an SLA breach, never back to \($0.joined(separator: ", ")): " } ?? "") + decision.reason,
                                     facts: ["rule": decision.rule, "rep": decision.repID ?? ""])
            guard let repID = decision.repID, let rep = holder(repID) else {
                // Nobody else can take it: it stays with its owner (the breach is logged); a first pass is unassigned.
                if reroute == nil { plan.changes.append(PlanChange(personKey: personKey, action: .assign(decision), reason: routeReason)) }
                log(.unassigned(rule: decision.rule), routeReason)
                continue
            }
            plan.changes.append(PlanChange(personKey: personKey, action: .assign(decision), reason: routeReason))
            if reroute == nil {
                let mqlReason = Reason(.crossedMQL, "crossed the MQL line: \(score.summary); threshold \(Condition.format(scorer.config.mql.threshold))",
                                       facts: ["score": Condition.format(score.total), "threshold": Condition.format(scorer.config.mql.threshold)])
                plan.changes.append(PlanChange(personKey: personKey, action: .lifecycle(from: lead.lifecycle, to: .mql), reason: mqlReason))
                log(.mql(score: score.total, threshold: scorer.config.mql.threshold), mqlReason)
                gate.crossed(at: input.now)
                log(.lifecycleChanged(from: lead.lifecycle, to: .mql), mqlReason)
            }
            log(.assigned(repID: rep.id, rule: decision.rule), routeReason)
            for var write in writeBack(lead: lead, records: live, rep: rep) {
                write.reason = writeReason(write, rep: rep) + (write.reason.map { "; " + $0 } ?? "")
                guard write.operation == .update else {
                    Self.merge(write, into: &writes, wins: true)
                    continue
                }
                // The hand-off's own fields leave any data write of the same record: the hand-off says what they become.
                for index in writes.indices where writes[index].operation == .update && writes[index].system == write.system
                    && writes[index].object == write.object && writes[index].id == write.id {
                    writes[index].fields = writes[index].fields.filter { write.fields[$0.key] == nil }
                }
                writes.removeAll { $0.operation == .update && $0.fields.isEmpty }
                writes.insert(write, at: 0)
            }
            let queued = StrandedTarget.isQueue(rep.id)
            let leadSummary = summary(lead, score: score, decision: decision, activities: activities)
            if let sla {
                // A queue owes no touch; a rep's clock starts now (a stranded lead's starts when someone takes it).
                if queued {
                    plan.timers += SLATimers.stop(personKey, settings: sla)
                } else {
                    startClock(personKey, rep: rep, lead: lead, score: score, activities: activities, sla: sla, now: input.now,
                               summary: leadSummary, prior: reroute ?? [], into: &plan)
                }
            }
            // A queue's lead is told to whoever its `alert` names; without one, the warning and the counter say it.
            guard !queued || !rep.email.isEmpty else { continue }
            let kind: NotificationKind = queued ? .stranded : .newMQL
            let note = Notification(recipient: Recipient(repID: rep.id, email: rep.email), kind: kind, lead: leadSummary)
            let tell = queued ? Reason(.notifyStranded, "tell \(rep.email) that the MQL waits in queue \(router.strandedQueue?.label ?? "")",
                                       facts: ["queue": router.strandedQueue?.salesforce ?? "", "to": rep.email])
                : Reason(.notifyNewMQL, "tell \(rep.id) about the new MQL", facts: ["rep": rep.id])
            plan.changes.append(PlanChange(personKey: personKey, action: .notify(note), reason: tell))
            log(.notified(repID: rep.id, notification: kind), tell)
        }
        return plan
    }

    /// Starts `rep`'s first-touch clock under the lead's tier; a lead no tier takes owes no touch (any old clock stops).
    func startClock(_ person: PersonKey, rep: Rep, lead: Lead, score: ScoreBreakdown, activities: [Activity], sla: SLASettings, now: Date,
                    summary: LeadSummary, prior: [String] = [], into plan: inout Plan) {
        guard let tier = sla.config.tier(for: lead, score: score, activities: activities) else {
            plan.timers += SLATimers.stop(person, settings: sla)
            return
        }
        let started = SLATimers.start(person, rep: rep, tier: tier, settings: sla, at: now, lead: summary, prior: prior)
        plan.events.append(started.event)
        plan.timers += started.timers
    }

    /// Per CRM, a person's records beyond the survivor: each flagged with the survivor's id — or, for HubSpot with
    /// merging on, merged into it when the evidence scores at least the threshold (the survivor first takes the winning
    /// value of each field). A flag on a record that is no longer a duplicate is cleared. Writes only where needed.
    func flagDuplicates(_ live: [SourceRecord], policy: DuplicatePolicy,
                        mergeBlocked: Set<RecordRef> = []) -> (sets: [DuplicateSet], writes: [RecordWrite]) {
        var sets: [DuplicateSet] = []
        var writes: [RecordWrite] = []
        let linker = IdentityLinker(mapping: mapping)
        for system in CRMSystem.allCases.sorted() {
            let records = live.filter { $0.ref.system == system && $0.ref.object == mapping.objectName(in: system) }
            guard let survivor = mapping.primaryRecord(in: system, of: records) else { continue }
            // Most people have one record per CRM: the survivor's evidence is only worked out when there are others.
            lazy var survivorCandidate = linker.candidate(survivor)
            var members: [DuplicateSet.Member] = []
            var merged: [SourceRecord] = []
            var changed = false
            for record in records where record.ref != survivor.ref {
                let candidate = linker.candidate(record)
                let score = linker.finder.score(survivorCandidate, candidate)
                let evidence = linker.finder.evidenceText(survivorCandidate, candidate)
                if system == .hubspot, let threshold = policy.mergeMinScore, score >= threshold,
                   !mergeBlocked.contains(record.ref), !mergeBlocked.contains(survivor.ref) {
                    var write = RecordWrite(operation: .merge, system: system, object: record.ref.object, id: survivor.ref.id, fields: [:])
                    write.mergeFrom = record.ref.id
                    write.reason = "merge \(record.ref) into \(survivor.ref): \(evidence); score \(Condition.format(score)) ≥ \(Condition.format(threshold))"
                    writes.append(write)
                    merged.append(record)
                    members.append(.init(ref: record.ref, evidence: evidence + "; score \(Condition.format(score))", merge: true))
                    changed = true
                    continue
                }
                members.append(.init(ref: record.ref, evidence: evidence))
                guard let field = policy.flag[system], record.value(field) != survivor.ref.id else { continue }
                var write = RecordWrite(operation: .update, system: system, object: record.ref.object, id: record.ref.id,
                                        fields: [field: survivor.ref.id])
                write.reason = "duplicate of \(survivor.ref): flag \(field)"
                writes.append(write)
                changed = true
            }
            if let field = policy.flag[system], survivor.value(field) != nil {
                var write = RecordWrite(operation: .update, system: system, object: survivor.ref.object, id: survivor.ref.id, fields: [field: ""])
                write.reason = "the surviving record: clear \(field)"
                writes.append(write)
                changed = true
            }
            if !merged.isEmpty {
                // The survivor takes each field's winning value before the merge (updates are applied before merges).
                var fields: [String: String] = [:]
                for field in mapping.fields where field.type != .owner && field.rule != .never {
                    guard let name = field.name(in: system), let value = policy.winningValue(field, survivor: survivor, merged: merged),
                          !field.same(value, field.canonicalValue(from: survivor)), let rendered = field.render(value, for: system).value else { continue }
                    fields[name] = rendered
                }
                if !fields.isEmpty {
                    var write = RecordWrite(operation: .update, system: system, object: survivor.ref.object, id: survivor.ref.id, fields: fields)
                    write.reason = "survivorship before the merge: " + fields.keys.sorted().joined(separator: ", ")
                    writes.insert(write, at: 0)
                }
            }
            guard changed, !members.isEmpty else { continue }
            sets.append(DuplicateSet(system: system, survivor: survivor.ref, duplicates: members))
        }
        return (sets, writes)
    }

    func duplicateReason(_ set: DuplicateSet, policy: DuplicatePolicy) -> String {
        "\(set.duplicates.count + 1) \(set.system.rawValue) records of one person: \(set.survivor) survives (\(policy.survivor.map(\.rawValue).joined(separator: ", "))); "
            + set.duplicates.map { "\($0.ref) \($0.merge ? "merged" : "flagged") (\($0.evidence))" }.joined(separator: ", ")
    }

    /// Adds `write` to `writes`, folding an update into an earlier update of the same record: a batch may not name a
    /// record twice. With `wins` the new write's fields and settings win (routing over reconciliation); without, it
    /// only adds the fields the earlier write lacks.
    /// Every update split in two where it mixes hand-off fields (owner, lifecycle, status) with data fields: the
    /// hand-off part first, in a request of its own, so a data value a CRM refuses never takes the owner down with it.
    /// Creates stay whole (a new record needs its owner from the start).
    static func separatingHandoff(_ writes: [RecordWrite], handoffFields: Set<String>) -> [RecordWrite] {
        var handoff: [RecordWrite] = []
        var data: [RecordWrite] = []
        for write in writes {
            guard write.operation == .update else { data.append(write); continue }
            let own = write.fields.filter { handoffFields.contains($0.key) }
            guard !own.isEmpty, own.count < write.fields.count else {
                if own.isEmpty { data.append(write) } else { handoff.append(write) }
                continue
            }
            var first = write
            first.fields = own
            var rest = write
            rest.fields = write.fields.filter { !handoffFields.contains($0.key) }
            // Only the hand-off is conditional on the version routed from; the data fields follow the reconciliation.
            rest.unmodifiedSince = nil
            rest.expected = nil
            rest.clearFirst = nil
            handoff.append(first)
            data.append(rest)
        }
        return handoff + data
    }

    static func merge(_ write: RecordWrite, into writes: inout [RecordWrite], wins: Bool = false) {
        guard write.operation == .update, let index = writes.firstIndex(where: {
            $0.operation == .update && $0.system == write.system && $0.object == write.object && $0.id == write.id
        }) else {
            writes.append(write)
            return
        }
        var kept = wins ? write : writes[index]
        let other = wins ? writes[index] : write
        kept.fields.merge(other.fields) { own, _ in own }
        kept.reason = [kept.reason, other.reason].compactMap { $0 }.joined(separator: "; ")
        writes[index] = kept
    }

    /// Only people not yet with sales are routed; recycled and disqualified wait for the SLA stage.
    func isRoutable(_ stage: LifecycleStage) -> Bool {
        stage == .subscriber || stage == .lead
    }

    /// The canonical lead of one person's live records.
    /// The lead as scoring and routing see it. Where the person is in both CRMs, each field the reconciliation decided
    /// takes its verdict (one rule decides which side wins, for the writes and for the lead alike); other fields, and
    /// people in one CRM, come from the merge of their records (duplicates fill the survivor's gaps).
    public func assemble(personKey: PersonKey, records: [SourceRecord], assigned: Bool, verdicts: [String: String?] = [:]) -> Lead {
        let choices = FieldMerger(mapping: mapping).merge(records)
        var fields: [String: String] = [:]
        for (name, choice) in choices { if let value = choice.value { fields[name] = value } }
        for (name, verdict) in verdicts { fields[name] = verdict }
        var stages: [LifecycleStage] = [.lead] + statedStages(records)
        if assigned { stages.append(.mql) }
        let lifecycle = stages.contains(.disqualified) && !assigned
            ? LifecycleStage.disqualified
            : stages.max { ($0.funnelRank ?? -1) < ($1.funnelRank ?? -1) } ?? .lead
        return Lead(personKey: personKey, sources: records.map(\.ref).sorted(), fields: fields,
                    lifecycle: lifecycle, modifiedAt: records.map(\.modifiedAt).max() ?? .distantPast)
    }

    func linkReason(_ record: SourceRecord, personKey: PersonKey, match: IdentityLinker.Match?) -> Reason {
        if let match, match.personKey == personKey {
            return Reason(match.byCrossReference ? .linkedByCrossReference : .linkedByEvidence,
                          "\(record.ref) matches \(match.matched) by evidence (\(match.evidence); score \(Condition.format(match.score)))",
                          facts: ["matched": match.matched.description, "evidence": match.evidence, "score": Condition.format(match.score)])
        }
        return if let mailbox = personKey.email {
            Reason(.linkedByEmail, "\(record.ref) has email \(mailbox)", facts: ["email": mailbox])
        } else {
            Reason(.linkedAlone, "\(record.ref) has no usable email; tracked on its own")
        }
    }

    func enrichReason(_ fills: [EnrichedValue], previous: [String: EnrichedValue]) -> String {
        guard !fills.isEmpty else { return "enrichment no longer fills \(previous.keys.sorted().joined(separator: ", ")): the CRMs hold those values now" }
        return "enriched " + fills.map { fill in
            "\(fill.field) = \(fill.value) from \(fill.source)" + (fill.replaced.map { " (replacing \"\($0)\" as configured)" } ?? "")
        }.joined(separator: ", ")
    }
}
