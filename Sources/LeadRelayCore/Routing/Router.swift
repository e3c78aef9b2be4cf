import Foundation

/// What routing knows about one lead beyond its fields.
public struct RouteContext: Sendable, Hashable {
    /// When the decision is made (working hours, caps).
    public var now: Date
    /// Owner ids on the person's records in the CRMs (`hubspot_owner_id`, `OwnerId`), for `existing-owner`.
    public var ownerIDs: [String]
    /// Reps who held the lead before and may not have it again (reassignment after an SLA breach).
    public var priorAssignees: Set<String>
    /// The HubSpot companies the person's contact is associated with (`associatedcompanyid`), for account matching.
    public var linkedCompanies: [RecordRef]

    public init(now: Date, ownerIDs: [String] = [], priorAssignees: Set<String> = [], linkedCompanies: [RecordRef] = []) {
        self.now = now
        self.ownerIDs = ownerIDs
        self.priorAssignees = priorAssignees
        self.linkedCompanies = linkedCompanies
    }

    /// The primary HubSpot company of each live HubSpot contact among `records`, which leads to the person's account
    /// when the address does not.
    public static func linkedCompanies(of records: [SourceRecord]) -> [RecordRef] {
        records.filter { $0.ref.system == .hubspot && !$0.deleted }.compactMap { record in
            guard let id = record.value(CRMFieldNames.hubspotPrimaryCompany), !id.isEmpty,
                  id.allSatisfy(\.isNumber) else { return nil }
            return RecordRef(system: .hubspot, object: "companies", id: id)
        }
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
        route(lead, accounts: AccountIndex(accounts: accounts), state: &state, context: context)
    }

    /// Routes one lead against indexed accounts (build the index once for many leads).
    public func route(_ lead: Lead, accounts: AccountIndex, state: inout RoutingState, context: RouteContext) -> RouteDecision {
        var decision = decide(lead, accounts: accounts, state: &state, context: context)
        decision.configVersion = version
        // A queue is nobody's load: only reps count what they were given.
        if let rep = decision.repID, !StrandedTarget.isQueue(rep) { state.record(rep, at: context.now) }
        return decision
    }

    func decide(_ lead: Lead, accounts: AccountIndex, state: inout RoutingState, context: RouteContext) -> RouteDecision {
        var notes: [String] = []
        var matched: AccountMatch??
        for rule in config.rules {
            if rule.matchKind == .account {
                if matched == nil { matched = .some(matchingAccount(lead, accounts, context: context)) }
                guard let match = matched ?? nil else {
                    notes.append("\(rule.name): no account matches (domain \(lead.emailDomain ?? "none"), company \(lead.fields["company"].map { "\"\($0)\"" } ?? "none"))")
                    continue
                }
                if var decision = assign(rule.assign, rule: rule, lead: lead, account: match, state: &state, context: context, notes: &notes) {
                    decision.account = RouteDecision.AccountChoice(match)
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

    /// The account of the lead's company (`AccountIndex.match`), an owner counting as active when they are an active rep.
    public func matchingAccount(_ lead: Lead, _ accounts: AccountIndex, context: RouteContext = RouteContext(now: .distantPast)) -> AccountMatch? {
        accounts.match(lead, linkedCompanies: context.linkedCompanies) { rep(ownerID: $0)?.active ?? false }
    }

    /// The account of the lead's company among `accounts` (indexed for this one lead).
    public func matchingAccount(_ lead: Lead, _ accounts: [Account]) -> Account? {
        matchingAccount(lead, AccountIndex(accounts: accounts))?.account
    }

    /// The rep a CRM owner id belongs to.
    public func rep(ownerID: String) -> Rep? {
        reps.first { $0.salesforceUserID == ownerID || $0.hubspotOwnerID == ownerID }
    }

    func assign(_ assignment: RoutingConfig.Assignment, rule: RoutingConfig.Rule, lead: Lead, account match: AccountMatch?,
                state: inout RoutingState, context: RouteContext, notes: inout [String]) -> RouteDecision? {
        let prefix = notes.isEmpty ? "" : notes.joined(separator: "; ") + "; "
        switch assignment {
        case .accountOwner, .existingOwner:
            let owner: Rep?
            let what: String
            if assignment == .accountOwner {
                owner = match?.account.ownerID.flatMap(rep(ownerID:))
                what = "account \(match?.account.name ?? "") (\(match?.explanation ?? "")), owned by"
            } else {
                owner = context.ownerIDs.lazy.compactMap(rep(ownerID:)).first
                what = "the person is already owned in a CRM by"
            }
            guard let owner else {
                notes.append(assignment == .accountOwner ? "\(rule.name): account \(match?.account.name ?? "") has no owner among the reps"
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
