import Foundation

extension RoutingConfig {
    /// The return-from-absence policy of a pool: its own, else the file's, else `bounded(2)`.
    public func returnPolicy(of pool: String) -> FairnessLedger.ReturnPolicy {
        pools?[pool]?.returnFromAbsence ?? returnFromAbsence ?? .default
    }

    /// The lead's territory: the most specific row of `territories:` it matches (postal prefix, then region, then
    /// country; the longer postal prefix first), else the `territory` enrichment gave it.
    public func territory(of lead: Lead) -> String? {
        let country = LeadAttributes.value("country", of: lead)
        let region = LeadAttributes.value("region", of: lead)?.uppercased()
        let postal = (lead.fields["postalCode"] ?? lead.fields["zip"])?.uppercased().filter { !$0.isWhitespace }
        var best: (rank: Int, name: String)?
        for row in territories ?? [] {
            if let countries = row.countries, !countries.contains(where: { $0.equalsIgnoringCase(country ?? "") }) { continue }
            if let regions = row.regions, !regions.contains(where: { $0.uppercased() == region }) { continue }
            var rank = row.countries == nil ? 0 : 1
            if row.regions != nil { rank = 100 }
            if let prefixes = row.postalPrefixes {
                guard let postal, let longest = prefixes.map({ $0.uppercased().filter { !$0.isWhitespace } }).filter({ postal.hasPrefix($0) })
                    .map(\.count).max() else { continue }
                rank = 1_000 + longest
            }
            if best == nil || rank > best!.rank { best = (rank, row.name) }
        }
        return best?.name ?? lead.fields["territory"]
    }

    /// The calendar of a rep entry: the named one, else its own `timeZone`/`hours`, else `nil` (any time).
    public func calendar(of entry: RepEntry) -> BusinessCalendar? {
        let spec: CalendarSpec?
        if let name = entry.calendar {
            spec = calendars?[name]
        } else if entry.hours != nil {
            spec = CalendarSpec(timeZone: entry.timeZone ?? "UTC", hours: entry.hours)
        } else {
            spec = nil
        }
        guard let spec, case .success(let calendar) = spec.build() else { return nil }
        return calendar
    }

    /// The rep an entry describes, before the CRMs say who they are there.
    public func rep(_ entry: RepEntry, email: String) -> Rep {
        let calendar = calendar(of: entry)
        var away = Set<LocalDate>()
        let probe = calendar ?? .always()
        for range in entry.outOfOffice ?? [] where range.from <= range.to {
            var day = range.from
            // A range longer than two years is a typo the validation reports; it is not walked.
            for _ in 0..<731 {
                away.insert(day)
                if day == range.to { break }
                day = probe.next(day)
            }
        }
        return Rep(id: entry.id, email: email, pools: entry.pools ?? [], weight: entry.weight ?? 1, capacity: entry.capacity,
                   calendar: calendar, outOfOffice: away, dailyCap: entry.caps?.daily, weeklyCap: entry.caps?.weekly,
                   skills: Set(entry.skills ?? []), territories: Set(entry.territories ?? []),
                   timeZone: calendar?.timeZone ?? entry.timeZone.flatMap(CalendarSpec.zone))
    }
}
