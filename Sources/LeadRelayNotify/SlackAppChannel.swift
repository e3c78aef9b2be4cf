import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// Slack's Web API `chat.postMessage` (SLA-ALERTS-OPS.md §4.4): the app's bot token posts to one conversation — a
/// rep's own channel, or a user id for a direct message from the app — which one incoming webhook cannot (a webhook is
/// one channel). Slack answers most errors with HTTP 200 and `{"ok":false,"error":…}`: those a retry can fix
/// (`internal_error`, `service_unavailable`, `request_timeout`, `fatal_error`, `ratelimited`) are retried with backoff,
/// the rest (`channel_not_found`, `not_in_channel`, `invalid_auth`, `is_archived`, …) fail the channel for good so
/// the alert falls back. A 429 is waited out as its `Retry-After` says. The receipt keeps the message's `ts`.
public struct SlackAppChannel: AlertChannel {
    public let name: String
    let token: Secret
    let api: URL
    /// The conversation (`C…`, `G…`) or user (`U…`, `W…`) the message goes to.
    let conversation: String
    let transport: any HTTPTransport
    let retry: RetryPolicy
    public let pace: ChannelPacer.Pace?
    let links: RecordLinks
    let sleep: @Sendable (Duration) async throws -> Void

    static let transientErrors: Set<String> = ["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"]

    public init(name: String, token: Secret, api: URL, conversation: String, transport: any HTTPTransport,
                retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.25, maxDelay: 5), pace: ChannelPacer.Pace? = .slack,
                links: RecordLinks = .none, sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.name = name
        self.token = token
        self.api = api
        self.conversation = conversation
        self.transport = transport
        self.retry = retry
        self.pace = pace
        self.links = links
        self.sleep = sleep
    }

    /// Slack paces `chat.postMessage` per conversation (about one message a second).
    public var paceKey: String { "slack-conversation:" + conversation }

    public func deliver(_ notification: LeadRelayCore.Notification) async throws(NotifierError) -> DeliveryReceipt {
        var fields: [String: JSONValue] = [:]
        if case .object(let payload) = SlackMessage.payload(notification, links: links) { fields = payload }
        // `username` needs the chat:write.customize scope; the app posts as itself.
        fields["username"] = nil
        fields["channel"] = .string(conversation)
        fields["unfurl_links"] = .bool(false)
        fields["unfurl_media"] = .bool(false)
        let data = (try? JSONValue.object(fields).encoded()) ?? Data()
        let url = api.appendingPathComponent("chat.postMessage")
        var last = ""
        var asked: TimeInterval?
        for attempt in 1...retry.maxAttempts {
            asked = nil
            do {
                let response = try await transport.send(TransportRequest(method: "POST", url: url, headers: [
                    "Content-Type": "application/json; charset=utf-8", "Authorization": "Bearer \(token.value)",
                ], body: data, timeout: 10))
                switch response.status {
                case 200..<300:
                    let body = try? JSONValue.decode(response.body)
                    if body?["ok"]?.boolValue == true {
                        return DeliveryReceipt(state: .accepted, channel: name, externalID: body?["ts"]?.stringValue)
                    }
                    let error = body?["error"]?.stringValue ?? "unreadable answer"
                    guard Self.transientErrors.contains(error) else {
                        throw NotifierError(message: "Slack refused the message to \(conversation): \(error)", transient: false)
                    }
                    last = error
                case 429:
                    asked = SlackRetryAfter.seconds(response)
                    last = "HTTP 429, Retry-After \(Condition.format(asked ?? 1)) s"
                    if let asked, asked > retry.maxDelay {
                        throw NotifierError(message: "Slack is rate limiting \(conversation): \(last)", transient: true, retryAfter: asked)
                    }
                case 500...599:
                    last = "HTTP \(response.status)"
                case let status:
                    throw NotifierError(message: "Slack refused the message: HTTP \(status)", transient: false)
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
        throw NotifierError(message: "Slack Web API unavailable: \(last)", transient: true, retryAfter: asked)
    }
}
