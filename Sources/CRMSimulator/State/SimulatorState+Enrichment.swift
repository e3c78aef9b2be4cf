import Foundation
import LeadRelayCore

/// A company-enrichment provider (Clearbit-style): firmographics by web domain, with an API key and a per-second limit.
extension SimulatorState {
    /// What the provider answers for one lookup.
    enum EnrichmentAnswer {
        case found(SimJSON)
        case unknown
        case unauthorized
        case rateLimited(retryAfter: Int)
        case fault(Fault)
    }

    func enrichmentLookup(domain: String, token: String?) -> EnrichmentAnswer {
        enrichmentRequests += 1
        guard token == credentials.enrichmentToken else { return .unauthorized }
        if let limit = enrichmentPerSecond {
            let now = clock()
            enrichmentCallTimes.removeAll { now.timeIntervalSince($0) >= 1 }
            guard enrichmentCallTimes.count < limit else {
                enrichmentRateLimited += 1
                return .rateLimited(retryAfter: 1)
            }
            enrichmentCallTimes.append(now)
        }
        if !enrichmentFaults.isEmpty { return .fault(enrichmentFaults.removeFirst()) }
        return enrichmentCompanies[domain.lowercased()].map(EnrichmentAnswer.found) ?? .unknown
    }

    /// The provider learns (or forgets, with `nil`) a company.
    public func setEnrichmentCompany(domain: String, _ fields: [String: SimJSON]?) {
        var body = fields ?? [:]
        body["domain"] = .string(domain.lowercased())
        enrichmentCompanies[domain.lowercased()] = fields == nil ? nil : .object(body)
    }

    /// Requests per second before `429` (`nil` turns the limit off).
    public func setEnrichmentPerSecond(_ limit: Int?) { enrichmentPerSecond = limit }

    /// Answers the next lookups with these faults (`serverError` → 503, `delay` → slow), in order.
    public func injectEnrichmentFaults(_ faults: [Fault]) { enrichmentFaults += faults }

    /// Every account of a seed plan, as the provider knows it: name, the Salesforce industry, size, US state, revenue.
    func loadEnrichment(_ accounts: [SeedPlan.Account]) {
        for account in accounts {
            setEnrichmentCompany(domain: account.domain, [
                "name": .string(account.name), "industry": .string(account.industry.salesforce),
                "employees": .number(Double(account.employees)), "annualRevenue": .number(Double(account.employees) * 180_000),
                "country": "US", "state": .string(account.state),
            ])
        }
    }
}
