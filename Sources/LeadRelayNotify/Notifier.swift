import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// Delivers a message to a rep.
public protocol Notifier: Sendable {
    /// Sends the message; returns what the channel said of it.
    /// - Throws: `NotifierError` saying whether a later retry can help.
    func send(_ notification: LeadRelayCore.Notification) async throws(NotifierError) -> DeliveryReceipt
}

public struct NotifierError: Error, Sendable {
    public var message: String
    /// False for errors a retry cannot fix (bad webhook URL, payload refused).
    public var transient: Bool
    /// How long the channel asked LeadRelay to wait before the next try (`Retry-After` of a 429).
    public var retryAfter: TimeInterval?

    public init(message: String, transient: Bool, retryAfter: TimeInterval? = nil) {
        self.message = message
        self.transient = transient
        self.retryAfter = retryAfter
    }
}

/// Posts an alert to a Slack incoming webhook as Block Kit with its text fallback (`SlackMessage`), retrying server
/// errors and timeouts with backoff. A 429 is waited out as its `Retry-After` says (never sooner); a wait longer than
/// the policy's longest is handed back (`NotifierError.retryAfter`) so the outbox holds the alert till then instead of
/// blocking the other alerts.
///
/// The webhook URL is a bearer credential (anyone holding it can post to the channel): it is kept as a `Secret`, and the
/// notifier describes itself without it.
public struct SlackNotifier: Notifier, CustomStringConvertible {
    let webhook: Secret
    let transport: any HTTPTransport
    let retry: RetryPolicy
    let sleep: @Sendable (Duration) async throws -> Void
    /// Where each record's CRM page is, for the links in the message.
    let links: RecordLinks

    public init(webhook: Secret, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.25, maxDelay: 5),
                links: RecordLinks = .none, sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.links = links
        self.webhook = webhook
        self.transport = transport
        self.retry = retry
        self.sleep = sleep
    }

    public var description: String { "SlackNotifier(webhook: \(webhook))" }

    public func send(_ notification: LeadRelayCore.Notification) async throws(NotifierError) -> DeliveryReceipt {
        guard let url = URL(string: webhook.value) else { throw NotifierError(message: "the Slack webhook is not a URL", transient: false) }
        let data = (try? SlackMessage.payload(notification, links: links).encoded()) ?? Data()
        var last = ""
        var asked: TimeInterval?
        for attempt in 1...retry.maxAttempts {
            asked = nil
            do {
                let response = try await transport.send(TransportRequest(method: "POST", url: url, headers: ["Content-Type": "application/json"],
                                                                         body: data, timeout: 10))
                switch response.status {
                // Slack's webhook answers 200 once the message is posted: accepted is as far as it tells.
                case 200..<300: return DeliveryReceipt(state: .accepted, channel: "slack")
                case 429:
                    // Slack's own pace: at least a second when it names none.
                    asked = response.header("Retry-After").flatMap(Double.init).map { max($0, 0) } ?? 1
                    last = "HTTP 429, Retry-After \(Condition.format(asked ?? 1)) s"
                    if let asked, asked > retry.maxDelay {
                        throw NotifierError(message: "Slack is rate limiting the webhook: \(last)", transient: true, retryAfter: asked)
                    }
                case 500...599:
                    last = "HTTP \(response.status)"
                case let status:
                    throw NotifierError(message: "Slack refused the message: HTTP \(status) \(String(decoding: response.body.prefix(200), as: UTF8.self))", transient: false)
                }
            } catch let error as NotifierError {
                throw error
            } catch {
                last = "\(error)"
            }
            if attempt < retry.maxAttempts {
                try? await sleep(.clamped(seconds: retry.delay(afterAttempt: attempt, serverAsked: asked, unit: Double.random(in: 0...1))))
            }
        }
        throw NotifierError(message: "Slack webhook unavailable: \(last)", transient: true, retryAfter: asked)
    }
}
