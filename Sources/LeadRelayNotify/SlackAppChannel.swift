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
        let (name, conversation, token) = (self.name, self.conversation, self.token)
        return try await retry.deliver(unavailable: "Slack Web API unavailable", sleep: sleep) {
            let response = try await transport.send(TransportRequest(method: "POST", url: url, headers: [
                "Content-Type": "application/json; charset=utf-8", "Authorization": "Bearer \(token.value)",
            ], body: data, timeout: 10))
            switch response.status {
            case 200..<300:
                let body = try? JSONValue.decode(response.body)
                if body?["ok"]?.boolValue == true {
                    return .delivered(DeliveryReceipt(state: .accepted, channel: name, externalID: body?["ts"]?.stringValue))
                }
                let error = body?["error"]?.stringValue ?? "unreadable answer"
                guard Self.transientErrors.contains(error) else {
                    throw NotifierError(message: "Slack refused the message to \(conversation): \(error)", transient: false)
                }
                return .again(error, serverAsked: nil)
            case 429:
                let asked = SlackRetryAfter.seconds(response)
                let why = "HTTP 429, Retry-After \(Condition.format(asked)) s"
                if asked > retry.maxDelay { throw NotifierError(message: "Slack is rate limiting \(conversation): \(why)", transient: true, retryAfter: asked) }
                return .again(why, serverAsked: asked)
            case 500...599:
                return .again("HTTP \(response.status)", serverAsked: nil)
            case let status:
                throw NotifierError(message: "Slack refused the message: HTTP \(status)", transient: false)
            }
        }
    }
}
