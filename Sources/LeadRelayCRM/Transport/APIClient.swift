import Foundation
import LeadRelayCore
import Logging
import Metrics
import LeadRelayHTTP

/// Sends authenticated JSON calls to one CRM with rate-limit holds, retries and one re-authentication.
public struct APIClient: Sendable {
    public let system: CRMSystem
    /// 429s tolerated for one request before giving up on it.
    static let maxRateLimitHits = 20
    let transport: any HTTPTransport
    let auth: any AccessTokenProvider
    public let gate: RateLimitGate
    let retry: RetryPolicy
    let logger: Logger
    let timeout: TimeInterval
    let sleep: @Sendable (Duration) async throws -> Void
    let jitter: @Sendable () -> Double

    public init(system: CRMSystem, transport: any HTTPTransport, auth: any AccessTokenProvider,
                gate: RateLimitGate = RateLimitGate(), retry: RetryPolicy = RetryPolicy(), timeout: TimeInterval = 30,
                logger: Logger = Logger(label: "leadrelay.crm"),
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
        self.system = system
        self.transport = transport
        self.auth = auth
        self.gate = gate
        self.retry = retry
        self.timeout = timeout
        self.logger = logger
        self.sleep = sleep
        self.jitter = jitter
    }

    /// Sends `body` as JSON to `path` (relative to the token's base URL, or absolute path like `nextRecordsUrl`).
    ///
    /// - Returns: the 2xx response (HubSpot 207 included: the caller reads per-record errors).
    /// - Parameter repeatable: whether the request may be sent again when its outcome is unknown (the connection broke
    ///   or timed out after it was sent). `false` for creates: sent twice they make two records, so the caller finds out
    ///   what happened (reads back, looks the record up) before it tries again.
    /// - Throws: `CRMError` once the failure is permanent or retries are spent.
    public func send(_ method: String, _ path: String, query: [(String, String)] = [], json body: JSONValue? = nil,
                     headers extra: [String: String] = [:], repeatable: Bool = true) async throws(CRMError) -> TransportResponse {
        let payload: Data?
        do {
            payload = try body?.encoded()
        } catch {
            throw .invalidResponse(system: system, message: "could not encode the request body: \(error)")
        }
        var token = try await auth.current()
        var reauthenticated = false
        var attempt = 0
        var rateLimitHits = 0
        var lastError = ""
        while attempt < retry.maxAttempts {
            attempt += 1
            let ticket: RateLimitGate.Ticket
            do {
                // HubSpot search has its own bucket, outside the ten-second one.
                ticket = try await gate.admit(search: path.hasSuffix("/search"))
            } catch let pause as QuotaPause {
                logger.notice("Daily API budget share spent; pausing this CRM until the window allows.", metadata: [
                    "crm.system": "\(system.rawValue)", "crm.budget": "\(pause)",
                ])
                throw .budgetReserved(system: system, resumeAt: pause.resumeAt, message: pause.description)
            } catch {
                throw .unavailable(system: system, attempts: attempt, lastError: "cancelled")
            }
            var headers = ["Authorization": "Bearer \(token.token.value)", "Accept": "application/json"]
            if payload != nil { headers["Content-Type"] = "application/json" }
            headers.merge(extra) { _, new in new }
            let request = TransportRequest(method: method, url: url(path, query: query, base: token.baseURL),
                                           headers: headers, body: payload, timeout: timeout)
            let started = ContinuousClock.now
            let outcome: FailureClass
            var response: TransportResponse?
            do {
                let received = try await transport.send(request)
                await gate.completed(ticket)
                response = received
                await gate.observe(headers: received.headers)
                outcome = FailureClassifier.classify(system, status: received.status, headers: received.headers, body: received.body)
            } catch {
                await gate.completed(ticket)
                if Task.isCancelled { throw .unavailable(system: system, attempts: attempt, lastError: "cancelled") }
                if !repeatable, !Self.neverSent(error) {
                    throw .unavailable(system: system, attempts: attempt, lastError: "outcome unknown (\(error)); not sent again blind")
                }
                outcome = FailureClassifier.classify(error)
                lastError = "\(error)"
            }
            record(method: method, outcome: outcome, since: started)
            switch outcome {
            case .success:
                return response!
            case .reauthenticate where !reauthenticated:
                reauthenticated = true
                attempt -= 1
                logger.info("Access token expired; authenticating again.", metadata: ["crm.system": "\(system.rawValue)"])
                token = try await auth.refresh()
            case .reauthenticate:
                throw .authentication(system: system, message: "the new access token was refused as well")
            case .rateLimited(let wait, let policy):
                logger.warning("Rate limited; holding further calls.", metadata: [
                    "crm.system": "\(system.rawValue)", "crm.policy": "\(policy)", "crm.wait_seconds": "\(wait)",
                ])
                await gate.hold(for: wait)
                lastError = "429 \(policy)"
                // A 429 is the server pacing us, not a failure of the request: it does not use up an
                // attempt, but a server that never lets us through must not hold the cycle forever.
                rateLimitHits += 1
                if rateLimitHits < Self.maxRateLimitHits { attempt -= 1 }
            case .retry(let after):
                lastError = response.map { "HTTP \($0.status)" } ?? lastError
                guard attempt < retry.maxAttempts else { break }
                let delay = retry.delay(afterAttempt: attempt, serverAsked: after, unit: jitter())
                logger.notice("Transient CRM failure; retrying.", metadata: [
                    "crm.system": "\(system.rawValue)", "crm.attempt": "\(attempt)", "crm.error": "\(lastError)",
                ])
                do {
                    try await sleep(.clamped(seconds: delay))
                } catch {
                    throw .unavailable(system: system, attempts: attempt, lastError: "cancelled")
                }
            case .quotaExhausted(let message):
                throw .quotaExhausted(system: system, message: message)
            case .fail(let code, let message):
                // A token refused outright, or one without the scopes LeadRelay needs, is configuration to fix, not a record to skip.
                if response?.status == 401 || code == "MISSING_SCOPES" {
                    throw .authentication(system: system, message: "\(code): \(message)")
                }
                throw .rejected(system: system, status: response?.status ?? 0, code: code, message: message)
            }
        }
        throw .unavailable(system: system, attempts: attempt, lastError: lastError)
    }

    /// A transport failure that happened before the server saw the request.
    static func neverSent(_ error: any Error) -> Bool {
        if case TransportError.notSent = error { return true }
        return false
    }

    /// Decodes a successful response body as JSON.
    public func json(_ method: String, _ path: String, query: [(String, String)] = [], json body: JSONValue? = nil,
                     headers: [String: String] = [:], repeatable: Bool = true) async throws(CRMError) -> JSONValue {
        let response = try await send(method, path, query: query, json: body, headers: headers, repeatable: repeatable)
        if response.body.isEmpty { return .null }
        do {
            return try JSONValue.decode(response.body)
        } catch {
            throw .invalidResponse(system: system, message: "\(method) \(path): body is not JSON (\(response.body.count) bytes)")
        }
    }

    func url(_ path: String, query: [(String, String)], base: URL) -> URL {
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        let basePath = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        components.percentEncodedPath = basePath + (path.hasPrefix("/") ? path : "/" + path)
        if !query.isEmpty {
            components.percentEncodedQuery = query.map { "\(FormEncoding.escape($0.0))=\(FormEncoding.escape($0.1))" }.joined(separator: "&")
        }
        return components.url!
    }

    func record(method: String, outcome: FailureClass, since started: ContinuousClock.Instant) {
        let label: String = switch outcome {
        case .success: "success"
        case .retry: "retry"
        case .rateLimited: "rate_limited"
        case .reauthenticate: "reauthenticate"
        case .quotaExhausted: "quota_exhausted"
        case .fail: "failed"
        }
        Counter(label: "leadrelay_crm_requests_total", dimensions: [("system", system.rawValue), ("outcome", label)]).increment()
        let elapsed = started.duration(to: .now)
        Timer(label: "leadrelay_crm_request_duration_seconds", dimensions: [("system", system.rawValue)])
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
