import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// A Slack incoming webhook: Block Kit with its text fallback (`SlackMessage`), server errors and timeouts retried with
/// backoff. A 429 is waited out as its `Retry-After` says (never sooner); a wait longer than the policy's longest is
/// handed back (`NotifierError.retryAfter`) so the outbox holds the alert till then instead of blocking the others.
public struct SlackWebhookChannel: AlertChannel {
    public let name: String
    let webhook: Secret
    let transport: any HTTPTransport
    let retry: RetryPolicy
    public let pace: ChannelPacer.Pace?
    /// Where each record's CRM page is, for the links in the message.
    let links: RecordLinks
    let sleep: @Sendable (Duration) async throws -> Void

    public init(name: String, webhook: Secret, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.25, maxDelay: 5),
                pace: ChannelPacer.Pace? = .slack, links: RecordLinks = .none,
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.name = name
        self.webhook = webhook
        self.transport = transport
        self.retry = retry
        self.pace = pace
        self.links = links
        self.sleep = sleep
    }

    /// One webhook is one Slack channel: its pace is the webhook's, whoever's alerts it carries.
    public var paceKey: String { "slack-webhook:" + FNV1a.hex(webhook.value) }

    public func deliver(_ notification: LeadRelayCore.Notification) async throws(NotifierError) -> DeliveryReceipt {
        let data = (try? SlackMessage.payload(notification, links: links).encoded()) ?? Data()
        guard let url = URL(string: webhook.value) else { throw NotifierError(message: "the Slack webhook is not a URL", transient: false) }
        let name = self.name
        return try await retry.deliver(unavailable: "Slack webhook unavailable", sleep: sleep) {
            let response = try await transport.send(TransportRequest(method: "POST", url: url, headers: ["Content-Type": "application/json"],
                                                                     body: data, timeout: 10))
            switch response.status {
            // Slack's webhook answers 200 once the message is posted: accepted is as far as it tells.
            case 200..<300: return .delivered(DeliveryReceipt(state: .accepted, channel: name))
            case 429:
                let asked = SlackRetryAfter.seconds(response)
                let why = "HTTP 429, Retry-After \(Condition.format(asked)) s"
                if asked > retry.maxDelay { throw NotifierError(message: "Slack is rate limiting the webhook: \(why)", transient: true, retryAfter: asked) }
                return .again(why, serverAsked: asked)
            case 500...599:
                return .again("HTTP \(response.status)", serverAsked: nil)
            case let status:
                throw NotifierError(message: "Slack refused the message: HTTP \(status) \(String(decoding: response.body.prefix(200), as: UTF8.self))", transient: false)
            }
        }
    }
}

enum SlackRetryAfter {
    /// Slack's own pace: at least a second when it names none. A value that is not a number of seconds counts as none; a
    /// wait beyond an hour is held to an hour.
    static func seconds(_ response: TransportResponse) -> TimeInterval {
        response.header("Retry-After").flatMap { Double($0) }.flatMap { $0.isFinite ? min(max($0, 0), 3_600) : nil } ?? 1
    }
}
