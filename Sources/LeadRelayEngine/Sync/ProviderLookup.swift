import Foundation
import LeadRelayCore
import LeadRelayCRM
import Logging
import Metrics

/// The enrichment provider's answers for one cycle's company domains: the store's cache first, the provider for
/// domains never asked or asked longer ago than `cacheFor`, at most `lookupsPerCycle` of them.
struct ProviderLookup: Sendable {
    let client: EnrichmentProviderClient
    let settings: EnrichmentProviderSettings
    let mapping: MappingSet
    let store: any ProviderCache
    let logger: Logger

    /// Domain → canonical field → value, for every domain the provider knows. With `ask == false` (dry runs) only the
    /// cache is read and nothing is written.
    func answers(for domains: Set<String>, now: Date, ask: Bool) async throws -> [String: [String: String]] {
        guard !domains.isEmpty else { return [:] }
        let cached = try await store.providerAnswers(Array(domains))
        var table: [String: [String: String]] = [:]
        var due: [String] = []
        for domain in domains.sorted() {
            if let answer = cached[domain] {
                // A stale answer still serves until a fresh one replaces it: a provider outage must not undo enrichment.
                if let fields = answer.fields { table[domain] = fields }
                if now.timeIntervalSince(answer.fetchedAt) < settings.cacheFor { continue }
            }
            due.append(domain)
        }
        guard ask, !due.isEmpty else { return table }
        var fetched: [ProviderAnswer] = []
        let asked = due.prefix(settings.lookupsPerCycle)
        if due.count > asked.count {
            logger.notice("More company domains to look up than one cycle allows; the rest are asked when their people next change.",
                          metadata: ["enrichment.due": "\(due.count)", "enrichment.lookups_per_cycle": "\(settings.lookupsPerCycle)"])
        }
        lookups: for domain in asked {
            do {
                let fields = try await client.lookup(domain).map(canonical)
                fetched.append(ProviderAnswer(domain: domain, fields: fields, fetchedAt: now))
                if let fields { table[domain] = fields } else { table[domain] = nil }
            } catch {
                // Down or refusing: stop asking this cycle (never hammer it); cached answers still serve.
                switch error {
                case .refused: logger.error("Enrichment lookups stopped for this cycle.", metadata: ["enrichment.error": "\(error)"])
                case .unavailable: logger.warning("Enrichment lookups stopped for this cycle.", metadata: ["enrichment.error": "\(error)"])
                }
                Counter(label: "leadrelay_enrichment_skipped_total").increment(by: asked.count - fetched.count)
                break lookups
            }
        }
        try await store.saveProviderAnswers(fetched)
        return table
    }

    /// Provider values in the mapping's canonical form (numbers as the CRMs' numbers compare).
    func canonical(_ fields: [String: String]) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in fields { values[name] = mapping.enrichmentValue(name, value) }
        return values
    }

    /// The company domains of a cycle's records: the website when mapped, else a work address.
    static func domains(of records: [SourceRecord], mapping: MappingSet) -> Set<String> {
        let email = mapping.identifierField
        let website = mapping.field("website")
        var domains = Set<String>()
        for record in records where !record.deleted {
            if let domain = WebDomain.company(website: website?.canonicalValue(from: record), email: email?.canonicalValue(from: record)) {
                domains.insert(domain)
            }
        }
        return domains
    }
}
