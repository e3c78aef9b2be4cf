import Foundation
import LeadRelayCore

/// Why a CRM call did not succeed, after retries.
public enum CRMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The CRM refused this request for good (validation, not found, permission).
    case rejected(system: CRMSystem, status: Int, code: String, message: String)
    /// The daily API budget is spent; the run must stop and resume later.
    case quotaExhausted(system: CRMSystem, message: String)
    /// LeadRelay's configured share of the daily budget is spent (the rest is kept free); resume at `resumeAt`.
    case budgetReserved(system: CRMSystem, resumeAt: Date, message: String)
    /// Credentials were refused: a configuration problem, not something to retry.
    case authentication(system: CRMSystem, message: String)
    /// Every retry failed with a transient error.
    case unavailable(system: CRMSystem, attempts: Int, lastError: String)
    /// The CRM answered with a body LeadRelay cannot read.
    case invalidResponse(system: CRMSystem, message: String)

    public var description: String {
        switch self {
        case .rejected(let system, let status, let code, let message): "\(system.rawValue) rejected the request (HTTP \(status) \(code)): \(message)"
        case .quotaExhausted(let system, let message): "\(system.rawValue) API budget exhausted: \(message)"
        case .budgetReserved(let system, _, let message): "\(system.rawValue) daily budget share spent: \(message)"
        case .authentication(let system, let message):
            message.hasPrefix("MISSING_SCOPES")
                ? "\(system.rawValue) denies this call to the app or account (a scope it was not granted, or a tier without the API): \(message)"
                : "\(system.rawValue) refused the credentials: \(message)"
        case .unavailable(let system, let attempts, let last): "\(system.rawValue) unavailable after \(attempts) attempts: \(last)"
        case .invalidResponse(let system, let message): "\(system.rawValue) sent an unreadable response: \(message)"
        }
    }
}
