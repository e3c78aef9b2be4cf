import Foundation

/// What the enrichment provider said about one company domain, and when.
public struct ProviderAnswer: Sendable, Hashable {
    public var domain: String
    /// Canonical field → value; `nil` when the provider does not know the domain (cached too, so it is not asked again).
    public var fields: [String: String]?
    public var fetchedAt: Date

    public init(domain: String, fields: [String: String]?, fetchedAt: Date) {
        self.domain = domain
        self.fields = fields
        self.fetchedAt = fetchedAt
    }
}

/// The enrichment provider's answers by company domain, kept across cycles.
public protocol ProviderCache: Sendable {
    /// The cached answers for these domains (those asked before).
    func providerAnswers(_ domains: [String]) async throws -> [String: ProviderAnswer]
    /// Caches answers outside the cycle's transaction: an answer is worth keeping even if the cycle fails.
    func saveProviderAnswers(_ answers: [ProviderAnswer]) async throws
}
