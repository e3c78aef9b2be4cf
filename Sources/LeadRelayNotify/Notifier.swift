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
/// A rep with a webhook of their own (`notify.reps`) is told there first; when that channel fails — refused for good,
/// or still failing after its retries — the alert falls back to the team webhook (`fell-back`).
///
/// The webhook URL is a bearer credential (anyone holding it can post to the channel): it is kept as a `Secret`, and the
/// notifier describes itself without it.
public struct SlackNotifier: Notifier, CustomStringConvertible {
    /// The team channel; `nil` when only reps have channels.
    let webhook: Secret?
    /// Rep id → the rep's own channel.
    let repWebhooks: [String: Secret]
    let transport: any HTTPTransport
    let retry: RetryPolicy
    let sleep: @Sendable (Duration) async throws -> Void
    /// Where each record's CRM page is, for the links in the message.
    let links: RecordLinks

    public init(webhook: Secret?, repWebhooks: [String: Secret] = [:], transport: any HTTPTransport,
                retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.25, maxDelay: 5),
                links: RecordLinks = .none, sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.links = links
        self.webhook = webhook
        self.repWebhooks = repWebhooks
        self.transport = transport
        self.retry = retry
        self.sleep = sleep
    }

    public var description: String { "SlackNotifier(webhook: \(webhook.map(\.description) ?? "none"), reps: \(repWebhooks.keys.sorted()))" }

    public func send(_ notification: LeadRelayCore.Notification) async throws(NotifierError) -> DeliveryReceipt {
        let data = (try? SlackMessage.payload(notification, links: links).encoded()) ?? Data()
        // The rep's own channel first, then the team's.
        let targets = [repWebhooks[notification.repID].map { ("slack:\(notification.repID)", $0) }, webhook.map { ("slack", $0) }].compactMap { $0 }
        guard !targets.isEmpty else { throw NotifierError(message: "no Slack channel for \(notification.repID) and no team channel", transient: false) }
        var failures: [(channel: String, error: NotifierError)] = []
        for (index, (channel, hook)) in targets.enumerated() {
            do {
                var receipt = try await post(data, to: hook)
                receipt.channel = channel
                if index > 0 { receipt.state = .fellBack }
                return receipt
            } catch {
                failures.append((channel, error))
            }
        }
        // Tried again later if any channel may recover; as soon as the longest wait asked for is over.
        throw NotifierError(message: failures.map { "\($0.channel): \($0.error.message)" }.joined(separator: "; "),
                            transient: failures.contains { $0.error.transient }, retryAfter: failures.compactMap(\.error.retryAfter).max())
    }

    /// One webhook, with the retries and waits the policy and the channel allow.
    func post(_ data: Data, to hook: Secret) async throws(NotifierError) -> DeliveryReceipt {
        guard let url = URL(string: hook.value) else { throw NotifierError(message: "the Slack webhook is not a URL", transient: false) }
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
                    // A value that is not a number of seconds counts as none; a wait beyond an hour is held to an hour.
                    asked = response.header("Retry-After").flatMap { Double($0) }.flatMap { $0.isFinite ? min(max($0, 0), 3_600) : nil } ?? 1
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
