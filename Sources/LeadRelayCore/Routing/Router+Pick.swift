import Foundation

extension Router {
    /// Picks from a pool by its strategy among the reps with no exclusion; every rep of the configuration is listed in
    /// the decision with one code.
    func pick(from pool: String, rule: RoutingConfig.Rule, lead: Lead, prefix: String,
              state: inout RoutingState, context: RouteContext) -> RouteDecision? {
        var codes: [String: (code: RouteDecision.Code, text: String)] = [:]
        for rep in reps { codes[rep.id] = exclusion(rep, lead: lead, rule: rule, pool: pool, state: state, context: context) }
        let members = reps.filter { codes[$0.id]?.code != .notInPool }
        let eligible = members.filter { codes[$0.id]?.code == .eligible }
        let strategy = config.strategy(of: pool)
        let tie = { (rep: String) in FairnessLedger.stableHash(lead.personKey.rawValue, rep) }
        let winner: Rep
        var fairness: RouteDecision.Fairness?
        let detail: String
        switch strategy {
        case .weightedRoundRobin:
            var ledger = state.ledgers[pool] ?? FairnessLedger()
            let weights = Dictionary(uniqueKeysWithValues: members.map { ($0.id, max($0.weight, 1)) })
            let before = ledger.credit.filter { weights[$0.key] != nil }
            let away = Set(members.filter { [.ooo, .outsideHours].contains(codes[$0.id]?.code) }.map(\.id))
            let policy = config.returnPolicy(of: pool)
            guard let id = ledger.pick(members: weights, eligible: Set(eligible.map(\.id)), away: away, policy: policy, tieBreak: tie),
                  let chosen = eligible.first(where: { $0.id == id }) else { return nil }
            winner = chosen
            state.ledgers[pool] = ledger
            fairness = .init(pool: pool, before: before, after: ledger.credit, policy: policy.description)
            detail = "credit \(before[winner.id, default: 0]) + share, weight \(winner.weight), next due of \(eligible.count) eligible"
        case .leastLoaded:
            func key(_ rep: Rep) -> Double { Double(state.load(of: rep.id)) / Double(max(rep.weight, 1)) }
            guard let chosen = eligible.min(by: { (key($0), tie($0.id), $0.id) < (key($1), tie($1.id), $1.id) }) else { return nil }
            winner = chosen
            detail = "\(state.load(of: winner.id)) open, weight \(winner.weight), the least loaded of \(eligible.count) eligible"
        }
        let candidates = reps.map { rep -> RouteDecision.Candidate in
            let (code, text) = codes[rep.id] ?? (.eligible, "")
            if rep.id == winner.id { return .init(repID: rep.id, rejected: nil, code: .eligible) }
            guard code == .eligible else { return .init(repID: rep.id, rejected: text, code: code) }
            switch strategy {
            case .weightedRoundRobin:
                return .init(repID: rep.id, rejected: "behind in round robin (credit \(fairness?.before[rep.id] ?? 0), weight \(rep.weight))", code: .eligible)
            case .leastLoaded:
                return .init(repID: rep.id, rejected: "more loaded (\(state.load(of: rep.id)) open, weight \(rep.weight))", code: .eligible)
            }
        }
        return RouteDecision(repID: winner.id, rule: rule.name,
                             reason: prefix + "\(rule.name): \(strategy.rawValue) in pool \(pool) chose \(winner.id) (\(detail))",
                             candidates: candidates, fairness: fairness)
    }

    /// The one reason `rep` may not take `lead` now, or `.eligible`. Checked in a fixed order, so the code is the first
    /// that applies: who the rep is (inactive, prior assignee), what the rule needs (pool, territory, skill), then
    /// availability (out of office, working hours) and load (daily cap, weekly cap, capacity).
    func exclusion(_ rep: Rep, lead: Lead, rule: RoutingConfig.Rule?, pool: String?, state: RoutingState,
                   context: RouteContext) -> (code: RouteDecision.Code, text: String) {
        if !rep.active { return (.inactive, "is deactivated or missing in the CRMs") }
        if context.priorAssignees.contains(rep.id) { return (.priorAssignee, "held the lead before") }
        if let pool, pool != RoutingConfig.everyone, !rep.pools.contains(pool) { return (.notInPool, "not in pool \(pool)") }
        if rule?.territory == true, let territory = config.territory(of: lead), !rep.territories.contains(territory) {
            return (.territory, "does not cover territory \(territory)")
        }
        if let skill = rule?.skill, let value = LeadAttributes.value(skill, of: lead),
           !rep.skills.contains(where: { $0.equalsIgnoringCase(value) }) {
            return (.skill, "has no \(skill) skill \(value)")
        }
        let calendar = rep.calendar ?? .always(in: rep.timeZone)
        let today = calendar.localDate(of: context.now)
        if rep.outOfOffice.contains(today) { return (.ooo, "is out of office on \(today)") }
        if !calendar.isOpen(at: context.now) {
            if calendar.closedDays.contains(today) { return (.outsideHours, "is off for the holiday on \(today)") }
            return (.outsideHours, "is outside working hours (\(calendar.timeZone.identifier))")
        }
        // Caps reset in the rep's own zone (their calendar's, else their `timeZone`).
        let local = BusinessCalendar.always(in: rep.timeZone)
        if let cap = rep.dailyCap {
            let given = state.given(to: rep.id, since: local.startOfDay(local.localDate(of: context.now)), until: context.now)
            if given >= cap { return (.capDaily, "reached the daily cap (\(given)/\(cap) since local midnight, \(rep.timeZone.identifier))") }
        }
        if let cap = rep.weeklyCap {
            let given = state.given(to: rep.id, since: local.startOfWeek(containing: context.now), until: context.now)
            if given >= cap { return (.capWeekly, "reached the weekly cap (\(given)/\(cap) since Monday, \(rep.timeZone.identifier))") }
        }
        if let capacity = rep.capacity, state.load(of: rep.id) >= capacity {
            return (.capacity, "at capacity (\(state.load(of: rep.id))/\(capacity))")
        }
        return (.eligible, "eligible")
    }
}
