import Foundation
import LeadRelayCore
import Logging
import Metrics
import LeadRelayHTTP

/// Why a provider lookup gave nothing this time.
public enum EnrichmentProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The provider refused the credentials (401/403): configuration to fix, not a company to skip.
    case refused(String)
    /// Down, slow or pacing us past our patience: ask again next cycle.
    case unavailable(String)

    public var description: String {
        switch self {
        case .refused(let message): "the enrichment provider refused the token: \(message)"
        case .unavailable(let message): "the enrichment provider is unavailable: \(message)"
        }
    }
}

/// Looks companies up by web domain at an HTTP enrichment provider.
///
/// `GET {baseURL}/v1/companies/{domain}` with a bearer token answers 200 with
/// `{"domain","name","industry","employees","annualRevenue","country","state"}` (any may be missing), or 404 when the
/// provider does not know the domain. 429 holds every further call for `Retry-After` (at least a second); 5xx and
/// time-outs are retried with capped, jittered backoff.
public struct EnrichmentProviderClient: Sendable {
    /// Provider field → canonical field.
    public static let fields: [(provider: String, canonical: String)] = [
        ("name", "company"), ("industry", "industry"), ("employees", "employees"), ("annualRevenue", "annualRevenue"),
        ("country", "country"), ("state", "state"),
    ]
    /// 429s tolerated for one lookup before the provider counts as unavailable for the cycle.
    static let maxRateLimitHits = 5

    let baseURL: URL
    let token: Secret
    let transport: any HTTPTransport
    public let gate: RateLimitGate
    let retry: RetryPolicy
    let timeout: TimeInterval
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void
    let jitter: @Sendable () -> Double

    public init(baseURL: URL, token: Secret, transport: any HTTPTransport, perSecond: Int, timeout: TimeInterval = 10,
                retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: 0.5, maxDelay: 5), logger: Logger = Logger(label: "leadrelay.enrichment"),
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
        self.baseURL = baseURL
        self.token = token
        self.transport = transport
        self.gate = RateLimitGate(policy: QuotaPolicy(perWindow: perSecond, window: 1))
        self.retry = retry
        self.timeout = timeout
        self.logger = logger
        self.sleep = sleep
        self.jitter = jitter
    }

    /// The company's fields in canonical names, or `nil` when the provider does not know the domain.
    public func lookup(_ domain: String) async throws(EnrichmentProviderError) -> [String: String]? {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)!
        let basePath = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        components.percentEncodedPath = basePath + "/v1/companies/" + FormEncoding.escape(domain)
        guard let url = components.url else { throw .unavailable("cannot build a URL for '\(domain)'") }
        let request = TransportRequest(method: "GET", url: url, headers: ["Authorization": "Bearer \(token.value)", "Accept": "application/json"],
                                       timeout: timeout)
        var attempt = 0, rateLimitHits = 0
        var lastError = ""
        while attempt < retry.maxAttempts {
            attempt += 1
            let ticket: RateLimitGate.Ticket
            do { ticket = try await gate.admit() } catch { throw .unavailable("cancelled") }
            let response: TransportResponse
            do {
                response = try await transport.send(request)
                await gate.completed(ticket)
            } catch {
                await gate.completed(ticket)
                if Task.isCancelled { throw .unavailable("cancelled") }
                lastError = "\(error)"
                Counter(label: "leadrelay_enrichment_requests_total", dimensions: [("outcome", "error")]).increment()
                try await backoff(attempt, serverAsked: nil, lastError: lastError)
                continue
            }
            switch response.status {
            case 200:
                Counter(label: "leadrelay_enrichment_requests_total", dimensions: [("outcome", "found")]).increment()
                guard let json = try? JSONValue.decode(response.body), json.objectValue != nil else {
                    throw .unavailable("GET /v1/companies/\(domain): the body is not a JSON object")
                }
                var values: [String: String] = [:]
                for (name, canonical) in Self.fields {
                    if let text = json[name]?.flatText?.trimmingCharacters(in: .whitespaces), !text.isEmpty { values[canonical] = text }
                }
                return values
            case 404:
                Counter(label: "leadrelay_enrichment_requests_total", dimensions: [("outcome", "unknown")]).increment()
                return nil
            case 401, 403:
                throw .refused("HTTP \(response.status)")
            case 429:
                Counter(label: "leadrelay_enrichment_requests_total", dimensions: [("outcome", "rate_limited")]).increment()
                let wait = max(1, response.header("retry-after").flatMap(TimeInterval.init) ?? 1)
                logger.notice("Enrichment provider rate limited us; holding further lookups.", metadata: ["enrichment.wait_seconds": "\(wait)"])
                await gate.hold(for: wait)
                rateLimitHits += 1
                lastError = "429"
                guard rateLimitHits < Self.maxRateLimitHits else { throw .unavailable("rate limited \(rateLimitHits) times in a row") }
                attempt -= 1
            case 500...599, 408:
                lastError = "HTTP \(response.status)"
                Counter(label: "leadrelay_enrichment_requests_total", dimensions: [("outcome", "error")]).increment()
                try await backoff(attempt, serverAsked: response.header("retry-after").flatMap(TimeInterval.init), lastError: lastError)
            default:
                throw .unavailable("GET /v1/companies/\(domain): HTTP \(response.status)")
            }
        }
        throw .unavailable("\(attempt) attempts, last: \(lastError)")
    }

    func backoff(_ attempt: Int, serverAsked: TimeInterval?, lastError: String) async throws(EnrichmentProviderError) {
        guard attempt < retry.maxAttempts else { return }
        let delay = retry.delay(afterAttempt: attempt, serverAsked: serverAsked, unit: jitter())
        logger.debug("Enrichment lookup failed; retrying.", metadata: ["enrichment.attempt": "\(attempt)", "enrichment.error": "\(lastError)"])
        do { try await sleep(.clamped(seconds: delay)) } catch { throw .unavailable("cancelled") }
    }
}
