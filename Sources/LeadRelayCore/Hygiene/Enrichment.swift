import Foundation

/// A source of values for fields a lead lacks: built-in rules, a firmographics table, a provider's answers.
///
/// Sources are pure: whatever they need from the world (a CSV file, an HTTP provider's cached answers) is
/// loaded before the pipeline runs. `EnrichmentChain` decides which proposals are taken.
public protocol Enricher: Sendable {
    /// The name provenance records: `rules`, `csv`, `provider`.
    var source: String { get }
    /// Canonical field → value this source would give `lead` (the lead as enriched by earlier sources).
    func proposals(for lead: Lead) -> [String: String]
}

/// One field filled by enrichment, with its provenance.
public struct EnrichedValue: Sendable, Hashable, Codable {
    public var field: String
    public var value: String
    /// Which source filled it (`Enricher.source`).
    public var source: String
    /// When this source first gave this value (kept across cycles while both stay the same).
    public var filledAt: Date
    /// The value a person had entered, when the configuration let enrichment replace it.
    public var replaced: String?

    public init(field: String, value: String, source: String, filledAt: Date, replaced: String? = nil) {
        self.field = field
        self.value = value
        self.source = source
        self.filledAt = filledAt
        self.replaced = replaced
    }

    /// The same value from the same source over the same entered value: provenance time does not count.
    public func isSameFill(as other: EnrichedValue) -> Bool {
        field == other.field && value == other.value && source == other.source && replaced == other.replaced
    }
}

/// Applies enrichers in order. A field a person entered is kept unless `overwrite` names it; among sources,
/// the first to give a field wins. A second pass lets an earlier source use a later one's values (a size band
/// from the employee count a firmographics table filled).
public struct EnrichmentChain: Sendable {
    public var enrichers: [any Enricher]
    /// Canonical fields enrichment may replace even when the CRMs hold a value.
    public var overwrite: Set<String>

    public init(enrichers: [any Enricher], overwrite: Set<String> = []) {
        self.enrichers = enrichers
        self.overwrite = overwrite
    }

    /// Fills `lead` and returns every enriched field with its provenance, sorted by field.
    ///
    /// - Parameter previous: what the store recorded last time, so an unchanged fill keeps its `filledAt`.
    public func apply(to lead: inout Lead, previous: [String: EnrichedValue] = [:], now: Date) -> [EnrichedValue] {
        let entered = lead.fields
        var filled: [String: EnrichedValue] = [:]
        for _ in 0..<2 {
            for enricher in enrichers {
                for (field, raw) in enricher.proposals(for: lead).sorted(by: { $0.key < $1.key }) {
                    let value = raw.fastTrimmed(.whitespaces)
                    guard !value.isEmpty, filled[field] == nil else { continue }
                    let human = entered[field].flatMap { $0.isBlank ? nil : $0 }
                    if let human {
                        guard overwrite.contains(field), human != value else { continue }
                    }
                    var fill = EnrichedValue(field: field, value: value, source: enricher.source, filledAt: now, replaced: human)
                    if let prior = previous[field], prior.isSameFill(as: fill) { fill.filledAt = prior.filledAt }
                    filled[field] = fill
                    lead.fields[field] = value
                }
            }
        }
        return filled.values.sorted { $0.field < $1.field }
    }
}

/// The built-in rules: company domain from the website or a work address, country and ISO 3166-2 region from
/// the state, size band from the employee count, and a territory from a table of countries and regions.
public struct RuleEnricher: Enricher {
    public var source: String { "rules" }
    /// Attributes only enrichment fills (no mapping holds them); a firmographics table may give them too.
    public static let attributes: Set<String> = ["companyDomain", "region", "sizeBand", "territory"]
    /// Territory → ISO codes it covers: countries (`DE`) or regions (`US-MA`); a region beats its country.
    public var territories: [String: [String]]

    public init(territories: [String: [String]] = [:]) { self.territories = territories }

    public func proposals(for lead: Lead) -> [String: String] {
        var values: [String: String] = [:]
        if let domain = WebDomain.company(website: lead.fields["website"], email: lead.email) { values["companyDomain"] = domain }
        let country = Places.country(lead.fields["country"])
        let region = Places.subdivision(lead.fields["state"], country: country)
        if let region {
            values["region"] = region
            if country == nil { values["country"] = String(region.prefix(2)) }
        }
        if let band = LeadAttributes.sizeBand(employees: lead.fields["employees"]) { values["sizeBand"] = band }
        if let territory = territory(country: country ?? region.map { String($0.prefix(2)) }, region: region) {
            values["territory"] = territory
        }
        return values
    }

    /// The territory covering `region`, else `country`; names sorted so a (rejected by `check`) overlap is still stable.
    public func territory(country: String?, region: String?) -> String? {
        for code in [region, country].compactMap({ $0 }) {
            if let name = territories.keys.sorted().first(where: { territories[$0]!.contains(code) }) { return name }
        }
        return nil
    }
}

/// Firmographics by company domain: a CSV file, or a provider's cached answers.
public struct FirmographicsEnricher: Enricher {
    public var source: String
    /// Domain (normalised, `acme.io`) → canonical field → value.
    public var companies: [String: [String: String]]

    public init(source: String, companies: [String: [String: String]]) {
        self.source = source
        self.companies = companies
    }

    public func proposals(for lead: Lead) -> [String: String] {
        guard let domain = Self.domain(of: lead) else { return [:] }
        return companies[domain] ?? [:]
    }

    /// The company domain a lead is looked up by: the rules' value, else its website, else its work address.
    public static func domain(of lead: Lead) -> String? {
        lead.fields["companyDomain"] ?? WebDomain.company(website: lead.fields["website"], email: lead.email)
    }
}

/// What `enrichment:` in `leadrelay.yaml` asks for, with the firmographics file already read.
public struct EnrichmentSettings: Sendable {
    public enum Step: String, Sendable, Hashable, CaseIterable, Codable {
        case rules, csv, provider
    }

    /// Sources in the order they are asked; a field goes to the first that gives it.
    public var order: [Step]
    public var territories: [String: [String]]
    /// The firmographics CSV: domain → canonical field → value.
    public var csvCompanies: [String: [String: String]]
    public var overwrite: Set<String>

    public init(order: [Step], territories: [String: [String]] = [:], csvCompanies: [String: [String: String]] = [:],
                overwrite: Set<String> = []) {
        self.order = order
        self.territories = territories
        self.csvCompanies = csvCompanies
        self.overwrite = overwrite
    }

    /// No enrichment (no `enrichment:` block).
    public static let disabled = EnrichmentSettings(order: [])

    /// The chain for one cycle: `provider` is the provider's cached answers for the cycle's domains.
    public func chain(provider: [String: [String: String]]) -> EnrichmentChain {
        EnrichmentChain(enrichers: order.map { step -> any Enricher in
            switch step {
            case .rules: RuleEnricher(territories: territories)
            case .csv: FirmographicsEnricher(source: "csv", companies: csvCompanies)
            case .provider: FirmographicsEnricher(source: "provider", companies: provider)
            }
        }, overwrite: overwrite)
    }
}
