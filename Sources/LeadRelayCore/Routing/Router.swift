/// Chooses the rep for an MQL: rules in order, first match wins, then the fallback.
public struct Router: Sendable {
    public var config: RoutingConfig
    public var reps: [Rep]

    public init(config: RoutingConfig, reps: [Rep]) {
        self.config = config
        self.reps = reps.sorted { $0.id < $1.id }
    }

    /// The rule name of a decision that gave the lead to the stranded owner.
    public static let strandedRule = "stranded"

    /// Routes one lead; `state` is updated with the assignment when a rep is chosen.
    public func route(_ lead: Lead, accounts: [Account], state: inout RoutingState) -> RouteDecision {
        var notes: [String] = []
        for rule in config.rules {
            if rule.matchKind == .account {
                guard let account = matchingAccount(lead, accounts) else {
                    notes.append("\(rule.name): no account with domain \(lead.emailDomain ?? "(none)")")
                    continue
                }
                if let decision = assign(rule.assign, rule: rule.name, lead: lead, account: account, state: &state, notes: notes) {
                    return decision
                }
                notes.append("\(rule.name): account \(account.name) has no owner among the reps")
                continue
            }
            if let when = rule.when, !LeadAttributes.matches(when, lead) {
                continue
            }
            if let decision = assign(rule.assign, rule: rule.name, lead: lead, account: nil, state: &state, notes: notes) {
                return decision
            }
            notes.append("\(rule.name): no rep available")
        }
        let fallback = config.fallback ?? .pool(RoutingConfig.everyone)
        if let decision = assign(fallback, rule: "fallback", lead: lead, account: nil, state: &state, notes: notes) {
            return decision
        }
        // Nobody could take it: the stranded owner does, capacity notwithstanding, so no MQL waits unowned.
        let why = notes.isEmpty ? "no rep could take it" : notes.joined(separator: "; ")
        if case .rep(let id)? = config.stranded, let rep = reps.first(where: { $0.id == id }) {
            state.record(rep.id)
            return RouteDecision(repID: rep.id, rule: Self.strandedRule, reason: "\(why); given to \(rep.id), who takes what nobody else can (routing stranded)",
                                 candidates: reps.map { .init(repID: $0.id, rejected: $0.id == rep.id ? nil : "could not take it") })
        }
        return RouteDecision(repID: nil, rule: "none", reason: "no rule placed the lead: " + why,
                             candidates: reps.map { .init(repID: $0.id, rejected: "no matching rule") })
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

    func assign(_ assignment: RoutingConfig.Assignment, rule: String, lead: Lead, account: Account?,
                state: inout RoutingState, notes: [String]) -> RouteDecision? {
        let prefix = notes.isEmpty ? "" : notes.joined(separator: "; ") + "; "
        switch assignment {
        case .accountOwner:
            guard let account, let owner = account.ownerID,
                  let rep = reps.first(where: { $0.salesforceUserID == owner || $0.hubspotOwnerID == owner }) else { return nil }
            state.record(rep.id)
            return RouteDecision(repID: rep.id, rule: rule,
                                 reason: prefix + "\(rule): \(lead.emailDomain ?? "") matches account \(account.name), owned by \(rep.id)",
                                 candidates: reps.map { .init(repID: $0.id, rejected: $0.id == rep.id ? nil : "not the account owner") })
        case .rep(let id):
            guard let rep = reps.first(where: { $0.id == id }), hasRoom(rep, state) else { return nil }
            state.record(rep.id)
            return RouteDecision(repID: rep.id, rule: rule, reason: prefix + "\(rule): assigned to \(rep.id) by rule",
                                 candidates: reps.map { .init(repID: $0.id, rejected: $0.id == rep.id ? nil : "rule names \(id)") })
        case .pool(let pool):
            return pick(from: pool, rule: rule, prefix: prefix, state: &state)
        }
    }

    func pick(from pool: String, rule: String, prefix: String, state: inout RoutingState) -> RouteDecision? {
        let members = reps.filter { pool == RoutingConfig.everyone || $0.pools.contains(pool) }
        var candidates: [RouteDecision.Candidate] = reps.filter { !members.contains($0) }
            .map { .init(repID: $0.id, rejected: "not in pool \(pool)") }
        let open = members.filter { hasRoom($0, state) }
        candidates += members.filter { !hasRoom($0, state) }
            .map { .init(repID: $0.id, rejected: "at capacity (\(state.open[$0.id, default: 0])/\($0.capacity ?? 0))") }
        let strategy = config.strategy(of: pool)
        // Lower key wins; ties go to the lower rep id so the choice is reproducible.
        func key(_ rep: Rep) -> Double {
            switch strategy {
            case .weightedRoundRobin: Double(state.assigned[rep.id, default: 0] + 1) / Double(max(rep.weight, 1))
            case .leastLoaded: Double(state.open[rep.id, default: 0]) / Double(max(rep.weight, 1))
            }
        }
        guard let winner = open.min(by: { (key($0), $0.id) < (key($1), $1.id) }) else { return nil }
        candidates += open.filter { $0.id != winner.id }.map { rep in
            switch strategy {
            case .weightedRoundRobin:
                .init(repID: rep.id, rejected: "behind in round robin (\(state.assigned[rep.id, default: 0]) assigned, weight \(rep.weight))")
            case .leastLoaded:
                .init(repID: rep.id, rejected: "more loaded (\(state.open[rep.id, default: 0]) open, weight \(rep.weight))")
            }
        }
        candidates.append(.init(repID: winner.id, rejected: nil))
        let detail = "\(state.assigned[winner.id, default: 0]) assigned before, weight \(winner.weight)"
        state.record(winner.id)
        return RouteDecision(repID: winner.id, rule: rule,
                             reason: prefix + "\(rule): \(strategy.rawValue) in pool \(pool) chose \(winner.id) (\(detail))",
                             candidates: candidates.sorted { $0.repID < $1.repID })
    }

    func hasRoom(_ rep: Rep, _ state: RoutingState) -> Bool {
        guard let capacity = rep.capacity else { return true }
        return state.open[rep.id, default: 0] < capacity
    }
}
