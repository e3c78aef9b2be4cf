import Foundation

extension ScoringConfig {
    /// Checks of the groups, caps, decays and windows: each problem located by its key.
    func validateModel() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        let groups = self.groups ?? [:]
        func bounds(_ limits: Limits?, _ path: [String]) {
            guard let limits, let cap = limits.cap, let floor = limits.floor, floor > cap else { return }
            issues.append(ConfigIssue(path: path + ["floor"], "floor \(Condition.format(floor)) is above cap \(Condition.format(cap))"))
        }
        func decay(_ decay: Decay?, window: ConfigDuration?, _ path: [String]) {
            if decay != nil, window != nil {
                issues.append(ConfigIssue(path: path + ["window"], "a time window and a decay do not go together; choose one"))
            }
            if case .linear(let percent, let every)? = decay {
                if !(percent > 0 && percent <= 100) { issues.append(ConfigIssue(path: path + ["decay", "percent"], "percent is above 0 and at most 100")) }
                if every.seconds <= 0 { issues.append(ConfigIssue(path: path + ["decay", "every"], "the decay period must be longer than 0")) }
            }
            if case .halfLife(let halfLife)? = decay, halfLife.seconds <= 0 {
                issues.append(ConfigIssue(path: path + ["decay", "halfLife"], "the half-life must be longer than 0"))
            }
            if let window, window.seconds <= 0 { issues.append(ConfigIssue(path: path + ["window"], "the window must be longer than 0")) }
        }
        for name in groups.keys.sorted() {
            guard let group = groups[name] else { continue }
            bounds(group.limits, ["groups", name])
            decay(group.decay, window: group.window, ["groups", name])
        }
        bounds(limits?.fit, ["limits", "fit"])
        bounds(limits?.interest, ["limits", "interest"])
        bounds(limits?.total, ["limits", "total"])
        var fitGroups: Set<String> = []
        for (index, rule) in fit.enumerated() {
            guard let group = rule.group else { continue }
            fitGroups.insert(group)
            if groups[group] == nil { issues.append(Self.unknownGroup(group, ["fit", "\(index)", "group"], groups)) }
            if let spec = groups[group], spec.decay != nil || spec.window != nil {
                issues.append(ConfigIssue(path: ["fit", "\(index)", "group"], "group '\(group)' has a decay or window, and fit never decays"))
            }
        }
        for (index, rule) in interest.events.enumerated() {
            let path = ["interest", "events", "\(index)"]
            if let group = rule.group {
                if groups[group] == nil { issues.append(Self.unknownGroup(group, path + ["group"], groups)) }
                if fitGroups.contains(group) {
                    issues.append(ConfigIssue(path: path + ["group"], "group '\(group)' holds fit rules too; a group is fit or interest"))
                }
            }
            if let cap = rule.cap, cap <= 0 { issues.append(ConfigIssue(path: path + ["cap"], "a rule's cap is above 0 (it bounds the points either way)")) }
            decay(rule.decay, window: rule.window, path)
        }
        if let hysteresis = mql.hysteresis, hysteresis < 0 || hysteresis >= mql.threshold {
            issues.append(ConfigIssue(path: ["mql", "hysteresis"], "hysteresis is from 0 to below the threshold (\(Condition.format(mql.threshold)))"))
        }
        return issues
    }

    static func unknownGroup(_ name: String, _ path: [String], _ groups: [String: Group]) -> ConfigIssue {
        ConfigIssue(path: path, "no group '\(name)' under groups:" + (groups.isEmpty ? " (none defined)" : "; defined: \(groups.keys.sorted().joined(separator: ", "))"))
    }

    /// The decay or window that applies to `rule`: its own, else its group's, else `interest.halfLife`.
    public func fading(of rule: EventRule) -> (decay: Decay, window: ConfigDuration?) {
        let group = rule.group.flatMap { groups?[$0] }
        if let window = rule.window { return (.none, window) }
        if let decay = rule.decay { return (decay, nil) }
        if let window = group?.window { return (.none, window) }
        if let decay = group?.decay { return (decay, nil) }
        return (interest.halfLife.map(Decay.halfLife) ?? .none, nil)
    }
}
