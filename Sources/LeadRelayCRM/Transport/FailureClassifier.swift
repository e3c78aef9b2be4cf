import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// What to do about one response or transport failure.
public enum FailureClass: Sendable, Equatable {
    /// 2xx (and HubSpot's 207): use the body.
    case success
    /// Transient (5xx, timeout, reset, row lock): try again after backoff, or after `after` when the server said.
    case retry(after: TimeInterval?)
    /// Rate limited: wait `wait` seconds before any further call to this system.
    case rateLimited(wait: TimeInterval, policy: String)
    /// The access token expired or was revoked: get a new one and retry once.
    case reauthenticate
    /// The daily API budget is spent: stop this run, keep state, resume later.
    case quotaExhausted(String)
    /// Permanent for this request (validation, not found, permission): report it, do not retry.
    case fail(code: String, message: String)
}

/// The one place that decides how LeadRelay reacts to each CRM failure (see the table tests).
public enum FailureClassifier {
    /// A wait a server names in seconds (`Retry-After`, a rate-limit interval): `nil` unless a finite, non-negative
    /// number; at most a day, whatever it says.
    public static func serverWait(_ text: String) -> TimeInterval? {
        guard let seconds = TimeInterval(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0 else { return nil }
        return min(seconds, 86_400)
    }

    /// Classifies a response from `system`.
    public static func classify(_ system: CRMSystem, status: Int, headers: [String: String], body: Data) -> FailureClass {
        if (200..<300).contains(status) { return .success }
        let retryAfter = headers["retry-after"].flatMap(serverWait)
        switch system {
        case .hubspot: return hubspot(status: status, retryAfter: retryAfter, headers: headers, body: body)
        case .salesforce: return salesforce(status: status, retryAfter: retryAfter, body: body)
        }
    }

    /// Classifies a failure below HTTP: every one of them is worth another try.
    public static func classify(_ error: any Error) -> FailureClass {
        switch error {
        case TransportError.bodyTooLarge(let limit):
            return .fail(code: "BODY_TOO_LARGE", message: "response larger than \(limit) bytes")
        default:
            return .retry(after: nil)
        }
    }

    static func hubspot(status: Int, retryAfter: TimeInterval?, headers: [String: String], body: Data) -> FailureClass {
        let json = try? JSONValue.decode(body)
        let category = json?["category"]?.stringValue ?? ""
        let message = json?["message"]?.stringValue ?? HTTPStatusText.text(status)
        switch status {
        case 429:
            let policy = json?["policyName"]?.stringValue ?? "UNKNOWN"
            if policy == "DAILY" { return .quotaExhausted("HubSpot daily API limit reached: \(message)") }
            // Never trust a missing Retry-After: wait at least the window the policy names.
            let window: TimeInterval = switch policy {
            case "SECONDLY": 1
            default: headers["x-hubspot-ratelimit-interval-milliseconds"].flatMap(Double.init).map { $0 / 1000 } ?? 10
            }
            return .rateLimited(wait: max(retryAfter ?? 0, window), policy: policy)
        case 401:
            return category == "EXPIRED_AUTHENTICATION" ? .reauthenticate : .fail(code: category.isEmpty ? "UNAUTHORIZED" : category, message: message)
        case 408, 500, 502, 503, 504, 520...599:
            return .retry(after: retryAfter)
        default:
            return .fail(code: category.isEmpty ? "HTTP_\(status)" : category, message: detail(json) ?? message)
        }
    }

    static func salesforce(status: Int, retryAfter: TimeInterval?, body: Data) -> FailureClass {
        let json = try? JSONValue.decode(body)
        let first = json?.arrayValue?.first
        let code = first?["errorCode"]?.stringValue ?? json?["error"]?.stringValue ?? "HTTP_\(status)"
        let message = first?["message"]?.stringValue ?? json?["error_description"]?.stringValue ?? HTTPStatusText.text(status)
        switch (status, code) {
        case (401, "INVALID_SESSION_ID"):
            return .reauthenticate
        case (403, "REQUEST_LIMIT_EXCEEDED"):
            // Daily quota cannot be slept through; concurrent-long-transaction limits clear in seconds.
            return message.contains("ConcurrentPerOrgLongTxn") ? .retry(after: retryAfter ?? 5) : .quotaExhausted("Salesforce API limit reached: \(message)")
        case (_, "UNABLE_TO_LOCK_ROW"), (_, "SERVER_UNAVAILABLE"), (_, "UNKNOWN_EXCEPTION"):
            return .retry(after: retryAfter)
        case (408, _), (500...599, _):
            return .retry(after: retryAfter)
        case (429, _):
            return .rateLimited(wait: max(retryAfter ?? 0, 1), policy: code)
        default:
            return .fail(code: code, message: message)
        }
    }

    /// HubSpot validation details are more useful than the summary message.
    static func detail(_ json: JSONValue?) -> String? {
        guard let errors = json?["errors"]?.arrayValue, let first = errors.first?["message"]?.stringValue else { return nil }
        let code = errors.first?["code"]?.stringValue.map { "\($0): " } ?? ""
        return code + first
    }
}

enum HTTPStatusText {
    static func text(_ status: Int) -> String {
        switch status {
        case 400: "bad request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not found"
        case 409: "conflict"
        case 429: "too many requests"
        case 500...599: "server error \(status)"
        default: "HTTP \(status)"
        }
    }
}
