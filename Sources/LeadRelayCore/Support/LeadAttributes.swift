/// The attributes rules can test, canonical fields plus a few derived ones.
///
/// Derived: `emailDomain`, `emailClass` (`work`/`free`/`role`/`disposable`), `companyDomain` (from a work
/// address), `seniority` (from `title`: c-level, vp, director, manager, individual), `department` (from
/// `title`), `country` (ISO 3166-1 from `country`), `region` (ISO 3166-2 from `state`, e.g. `US-MA`),
/// `sizeBand` (from `employees`: 1-10, 11-50, 51-200, 201-1000, 1001-5000, 5001+), `territory` (from the enrichment
/// rules' table), `lifecycle`. A value enrichment filled (`companyDomain`, `region`, `sizeBand`, `territory`) is read first.
public enum LeadAttributes {
    public static let derived: Set<String> = ["emailDomain", "emailClass", "companyDomain", "seniority", "department", "country",
                                              "region", "sizeBand", "territory", "lifecycle"]

    /// The value of `name` for `lead`, or `nil` when the lead does not have it.
    public static func value(_ name: String, of lead: Lead) -> String? {
        switch name {
        case "emailDomain": return lead.emailDomain
        case "emailClass": return lead.email.flatMap(EmailClass.of)?.rawValue
        case "companyDomain": return lead.fields[name] ?? lead.email.flatMap(EmailAddress.companyDomain)
        case "seniority": return Seniority.of(title: lead.fields["title"])?.rawValue
        case "department": return Department.of(title: lead.fields["title"])?.rawValue
        case "country": return Places.country(lead.fields["country"])
        case "region": return lead.fields[name] ?? Places.subdivision(lead.fields["state"], country: Places.country(lead.fields["country"]))
        case "sizeBand": return lead.fields[name] ?? sizeBand(employees: lead.fields["employees"])
        case "lifecycle": return lead.lifecycle.rawValue
        default: return lead.fields[name]
        }
    }

    /// The band of an employee count as a CRM holds it (`40`, `1,200`); `nil` for anything that is not a count.
    public static func sizeBand(employees raw: String?) -> String? {
        // A range (`100-500`) is placed by its lower bound: the band it certainly reaches.
        if let raw, let band = NumberRanges.band(raw) { return Int(exactly: band.lower.rounded(.down)).map(sizeBand) }
        guard let raw, let count = Double(raw.withoutCommas), count >= 0,
              let employees = Int(exactly: count.rounded(.down)) else { return nil }
        return sizeBand(employees)
    }

    /// The employee-count band a company falls in.
    public static func sizeBand(_ employees: Int) -> String {
        switch employees {
        case ..<11: "1-10"
        case ..<51: "11-50"
        case ..<201: "51-200"
        case ..<1001: "201-1000"
        case ..<5001: "1001-5000"
        default: "5001+"
        }
    }

    /// Tests every condition of a `when` block (all must hold).
    public static func matches(_ when: [String: Condition], _ lead: Lead) -> Bool {
        when.allSatisfy { $0.value.matches(value($0.key, of: lead)) }
    }

    /// Renders a `when` block for reasons, keys sorted: `industry in [Healthcare]`.
    public static func describe(_ when: [String: Condition]) -> String {
        when.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.summary)" }.joined(separator: " and ")
    }
}
