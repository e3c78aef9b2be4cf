import Foundation

/// What routing knows about one lead beyond its fields.
public struct RouteContext: Sendable, Hashable {
    /// When the decision is made (working hours, caps).
    public var now: Date
    /// Owner ids on the person's records in the CRMs (`hubspot_owner_id`, `OwnerId`), for `existing-owner`.
    public var ownerIDs: [String]
    /// Reps who held the lead before and may not have it again (reassignment after an SLA breach).
    public var priorAssignees: Set<String>

    public init(now: Date, ownerIDs: [String] = [], priorAssignees: Set<String> = []) {
        self.now = now
        self.ownerIDs = ownerIDs
        self.priorAssignees = priorAssignees
    }
}

/// Chooses the rep for an MQL: rules in order, first match wins, then the fallback, then the stranded owner.
public struct Router: Sendable {
    public var config: RoutingConfig
    public var reps: [Rep]
    /// The digest of the routing configuration, stamped on every decision.
    public var version: String?

    public init(config: RoutingConfig, reps: [Rep], version: String? = nil) {
        self.config = config
        self.reps = reps.sorted { $0.id < $1.id }
        self.version = version
    }

    /// The queue that holds what nobody can take, when routing names one.
    public var strandedQueue: StrandedTarget.Queue? {
        if case .queue(let queue)? = config.stranded { return queue }
        return nil
    }

    /// The rule name of a decision that gave the lead to the stranded owner.
    public static let strandedRule = "stranded"

    /// Routes one lead; `state` is updated with the assignment when a rep is chosen.
    public func route(_ lead: Lead, accounts: [Account], state: inout RoutingState, context: RouteContext) -> RouteDecision {
        var decision = decide(lead, accounts: accounts, state: &state, context: context)
        decision.configVersion = version
        // A queue is nobody's load: only reps count what they were given.
        if let rep = decision.repID, !StrandedTarget.isQueue(rep) { state.record(rep, at: context.now) }
        return decision
    }

    func decide(_ lead: Lead, accounts: [Account], state: inout RoutingState, context: RouteContext) -> RouteDecision {
        var notes: [String] = []
        for rule in config.rules {
            if rule.matchKind == .account {
                guard let account = matchingAccount(lead, accounts) else {
                    notes.append("\(rule.name): no account with domain \(lead.emailDomain ?? "(none)")")
                    continue
                }
                if let decision = assign(rule.assign, rule: rule, lead: lead, account: account, state: &state, context: context, notes: &notes) {
                    return decision
                }
                continue
            }
            if let when = rule.when, !LeadAttributes.matches(when, lead) { continue }
            if rule.territory == true, config.territory(of: lead) == nil {
                notes.append("\(rule.name): the lead is in no territory")
                continue
            }
            if let skill = rule.skill, LeadAttributes.value(skill, of: lead) == nil {
                notes.append("\(rule.name): the lead has no \(skill)")
                continue
            }
            if let decision = assign(rule.assign, rule: rule, lead: lead, account: nil, state: &state, context: context, notes: &notes) {
                return decision
            }
        }
        let fallback = RoutingConfig.Rule(name: "fallback", match: nil, when: nil, assign: config.fallback ?? .pool(RoutingConfig.everyone))
        if let decision = assign(fallback.assign, rule: fallback, lead: lead, account: nil, state: &state, context: context, notes: &notes) {
            return decision
        }
        // Nobody could take it: the stranded owner does, capacity notwithstanding, so no MQL waits unowned.
        let why = notes.isEmpty ? "no rep could take it" : notes.joined(separator: "; ")
        let audit = reps.map { rep in
            let (code, text) = exclusion(rep, lead: lead, rule: nil, pool: nil, state: state, context: context)
            return RouteDecision.Candidate(repID: rep.id, rejected: code == .eligible ? "could not take it" : text, code: code)
        }
        if case .rep(let id)? = config.stranded, let rep = reps.first(where: { $0.id == id }), rep.active {
            return RouteDecision(repID: rep.id, rule: Self.strandedRule,
                                 reason: "\(why); given to \(rep.id), who takes what nobody else can (routing stranded)",
                                 candidates: audit.map { $0.repID == rep.id ? .init(repID: rep.id, rejected: nil, code: .eligible) : $0 })
        }
        if case .queue(let queue)? = config.stranded {
            return RouteDecision(repID: StrandedTarget.queueHolder, rule: Self.strandedRule,
                                 reason: "\(why); it waits in queue \(queue.label), which holds what nobody else can take (routing stranded)",
                                 candidates: audit)
        }
        return RouteDecision(repID: nil, rule: "none", reason: "no rule placed the lead: " + why, candidates: audit)
    }

    /// The account of the lead's company: the one whose domain equals the domain of the lead's company address (work or
    /// shared inbox); else a Salesforce account without a website (orgs have many) whose name is the lead's company or
    /// the name of a company holding that domain.
    ///
    /// Salesforce owns account ownership: a Salesforce account found by name comes before a HubSpot company found by
    /// domain, which counts only when Salesforce has no account.
    public func matchingAccount(_ lead: Lead, _ accounts: [Account]) -> Account? {
        guard let domain = lead.email.flatMap(EmailAddress.companyDomain) else { return nil }
        let byDomain = accounts.filter { $0.domain == domain }
        if let salesforce = byDomain.filter({ $0.ref.system == .salesforce }).min(by: { $0.ref < $1.ref }) { return salesforce }
        let names = Set(([lead.fields["company"]] + byDomain.map(\.name)).compactMap(CompanyName.matchKey))
        if !names.isEmpty {
            let byName = accounts.filter { $0.ref.system == .salesforce && $0.domain == nil && CompanyName.matchKey($0.name).map(names.contains) == true }
            // Two website-less accounts of one name are ambiguous: neither is taken.
            if byName.count == 1 { return byName[0] }
        }
        return byDomain.min { $0.ref < $1.ref }
    }

    /// The rep a CRM owner id belongs to.
    public func rep(ownerID: String) -> Rep? {
        reps.first { $0.salesforceUserID == ownerID || $0.hubspotOwnerID == ownerID }
    }

    func assign(_ assignment: RoutingConfig.Assignment, rule: RoutingConfig.Rule, lead: Lead, account: Account?,
                state: inout RoutingState, context: RouteContext, notes: inout [String]) -> RouteDecision? {
        let prefix = notes.isEmpty ? "" : notes.joined(separator: "; ") + "; "
        switch assignment {
        case .accountOwner, .existingOwner:
            let owner: Rep?
            let what: String
            if assignment == .accountOwner {
                owner = account?.ownerID.flatMap(rep(ownerID:))
                what = "\(lead.emailDomain ?? "") matches account \(account?.name ?? ""), owned by"
            } else {
                owner = context.ownerIDs.lazy.compactMap(rep(ownerID:)).first
                what = "the person is already owned in a CRM by"
            }
            guard let owner else {
                notes.append(assignment == .accountOwner ? "\(rule.name): account \(account?.name ?? "") has no owner among the reps"
                                                         : "\(rule.name): nobody among the reps owns the person")
                return nil
            }
            // The owner keeps their own people whatever their load; deactivated or excluded owners pass it on.
            let (code, text) = exclusion(owner, lead: lead, rule: nil, pool: nil, state: state, context: context)
            if code == .inactive || code == .priorAssignee || code == .ooo {
                notes.append("\(rule.name): \(owner.id) \(text)")
                return nil
            }
            let label = assignment == .accountOwner ? "not the account owner" : "not the person's owner"
            return RouteDecision(repID: owner.id, rule: rule.name, reason: prefix + "\(rule.name): \(what) \(owner.id)",
                                 candidates: reps.map { .init(repID: $0.id, rejected: $0.id == owner.id ? nil : label,
                                                              code: $0.id == owner.id ? .eligible : .notNamed) })
        case .rep(let id):
            guard let chosen = reps.first(where: { $0.id == id }) else { return nil }
            let (code, text) = exclusion(chosen, lead: lead, rule: rule, pool: nil, state: state, context: context)
            guard code == .eligible else {
                notes.append("\(rule.name): \(id) \(text)")
                return nil
            }
            return RouteDecision(repID: chosen.id, rule: rule.name, reason: prefix + "\(rule.name): assigned to \(chosen.id) by rule",
                                 candidates: reps.map { .init(repID: $0.id, rejected: $0.id == id ? nil : "rule names \(id)",
                                                              code: $0.id == id ? .eligible : .notNamed) })
        case .pool(let pool):
            if let decision = pick(from: pool, rule: rule, lead: lead, prefix: prefix, state: &state, context: context) { return decision }
            notes.append("\(rule.name): no rep available")
            return nil
        }
    }
}
