import Foundation

extension RoutingConfig {
    /// Checks of calendars, absences, caps, skills, territories and reassignment: every setting that could make a rep
    /// unreachable or a rule unable to place anyone.
    func lintAvailability() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        for (name, spec) in (calendars ?? [:]).sorted(by: { $0.key < $1.key }) {
            if case .failure(let problems) = spec.build() { issues += problems.issues.map { ConfigIssue(path: ["calendars", name] + $0.path, $0.message) } }
        }
        let tableNames = Set((territories ?? []).map(\.name))
        for (index, row) in (territories ?? []).enumerated() where row.countries == nil && row.regions == nil && row.postalPrefixes == nil {
            issues.append(ConfigIssue(path: ["territories", "\(index)"], "territory '\(row.name)' names no country, region or postal prefix, so it matches every lead"))
        }
        let drawn = Set((rules.map(\.assign) + [fallback ?? .pool(Self.everyone)]).compactMap { assignment -> String? in
            if case .pool(let pool) = assignment { return pool }
            return nil
        })
        var named = Set((rules.map(\.assign) + [fallback].compactMap { $0 }).compactMap { assignment -> String? in
            if case .rep(let id) = assignment { return id }
            return nil
        })
        if case .rep(let id)? = stranded { named.insert(id) }
        let ownerRules = rules.contains { $0.assign == .accountOwner || $0.assign == .existingOwner }
        for (index, rep) in reps.enumerated() {
            let path = ["reps", "\(index)"]
            if let name = rep.calendar {
                if calendars?[name] == nil { issues.append(ConfigIssue(path: path + ["calendar"], "unknown calendar '\(name)'; define it under calendars:")) }
                if rep.hours != nil { issues.append(ConfigIssue(path: path + ["hours"], "a rep has a named calendar or hours of their own, not both")) }
            } else if let hours = rep.hours {
                if case .failure(let problems) = CalendarSpec(timeZone: rep.timeZone ?? "UTC", hours: hours).build() {
                    issues += problems.issues.map { ConfigIssue(path: path + $0.path, $0.message) }
                }
            } else if let zone = rep.timeZone, CalendarSpec.zone(zone) == nil {
                issues.append(ConfigIssue(path: path + ["timeZone"], "'\(zone)' is not an IANA time zone this machine knows (write e.g. America/Los_Angeles or UTC)"))
            }
            for (position, range) in (rep.outOfOffice ?? []).enumerated() {
                if range.to < range.from {
                    issues.append(ConfigIssue(path: path + ["outOfOffice", "\(position)"], "the range ends (\(range.to)) before it starts (\(range.from))"))
                } else if range.to.year - range.from.year > 1 {
                    issues.append(ConfigIssue(path: path + ["outOfOffice", "\(position)"], "an absence of more than a year: remove the rep instead"))
                }
            }
            if let daily = rep.caps?.daily, daily < 1 {
                issues.append(ConfigIssue(path: path + ["caps", "daily"], "a daily cap of \(daily) makes \(rep.id) unreachable; remove the rep or the cap"))
            }
            if let weekly = rep.caps?.weekly, weekly < 1 {
                issues.append(ConfigIssue(path: path + ["caps", "weekly"], "a weekly cap of \(weekly) makes \(rep.id) unreachable; remove the rep or the cap"))
            }
            if let daily = rep.caps?.daily, let weekly = rep.caps?.weekly, weekly < daily {
                issues.append(ConfigIssue(path: path + ["caps", "weekly"], "the weekly cap (\(weekly)) is below the daily cap (\(daily)), which can never be reached"))
            }
            if rep.capacity == 0 {
                issues.append(ConfigIssue(path: path + ["capacity"], "a capacity of 0 makes \(rep.id) unreachable; remove the rep or the capacity"))
            }
            let pools = Set(rep.pools ?? [])
            if !drawn.contains(Self.everyone), pools.isDisjoint(with: drawn), !named.contains(rep.id), !ownerRules {
                issues.append(ConfigIssue(path: path + ["pools"], "no rule, fallback or stranded entry can reach \(rep.id): none of their pools is drawn from"))
            }
            for (position, territory) in (rep.territories ?? []).enumerated() where !tableNames.isEmpty && !tableNames.contains(territory) {
                issues.append(ConfigIssue(path: path + ["territories", "\(position)"], "unknown territory '\(territory)'; the table has \(tableNames.sorted().joined(separator: ", "))"))
            }
        }
        for (index, rule) in rules.enumerated() {
            if rule.territory == true, !reps.contains(where: { !($0.territories ?? []).isEmpty }) {
                issues.append(ConfigIssue(path: ["rules", "\(index)", "territory"], "no rep covers any territory, so this rule can place nobody"))
            }
            if rule.skill != nil, !reps.contains(where: { !($0.skills ?? []).isEmpty }) {
                issues.append(ConfigIssue(path: ["rules", "\(index)", "skill"], "no rep has any skill, so this rule can place nobody"))
            }
        }
        if let k = reassignment?.excludeLast {
            if k < 0 { issues.append(ConfigIssue(path: ["reassignment", "excludeLast"], "cannot be negative")) }
            for pool in drawn.sorted() {
                let size = pool == Self.everyone ? reps.count : reps.filter { ($0.pools ?? []).contains(pool) }.count
                if size > 0, k >= size {
                    issues.append(ConfigIssue(path: ["reassignment", "excludeLast"],
                                              "excluding the last \(k) owners leaves nobody in pool \(pool) (\(size) rep\(size == 1 ? "" : "s")) to reassign to"))
                }
            }
        }
        return issues
    }
}
