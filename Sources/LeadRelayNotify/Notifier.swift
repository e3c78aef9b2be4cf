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
}

/// Posts `{"text": …}` to a Slack incoming webhook, retrying server errors and timeouts with backoff.
///
/// The webhook URL is a bearer credential (anyone holding it can post to the channel): it is kept as a `Secret`, and the
/// notifier describes itself without it.
public struct SlackNotifier: Notifier, CustomStringConvertible {
    let webhook: Secret
    let transport: any HTTPTransport
    let retry: RetryPolicy
    let sleep: @Sendable (Duration) async throws -> Void

    public init(webhook: Secret, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.25, maxDelay: 5),
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.webhook = webhook
        self.transport = transport
        self.retry = retry
        self.sleep = sleep
    }

    public var description: String { "SlackNotifier(webhook: \(webhook))" }

    public func send(_ notification: LeadRelayCore.Notification) async throws(NotifierError) -> DeliveryReceipt {
        guard let url = URL(string: webhook.value) else { throw NotifierError(message: "the Slack webhook is not a URL", transient: false) }
        let body: JSONValue = ["text": .string(NotificationText.plain(notification)), "username": "LeadRelay"]
        let data = (try? body.encoded()) ?? Data()
        var last = ""
        for attempt in 1...retry.maxAttempts {
            do {
                let response = try await transport.send(TransportRequest(method: "POST", url: url, headers: ["Content-Type": "application/json"],
                                                                         body: data, timeout: 10))
                switch response.status {
                // Slack's webhook answers 200 once the message is posted: accepted is as far as it tells.
                case 200..<300: return DeliveryReceipt(state: .accepted, channel: "slack")
                case 429, 500...599:
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
                try? await sleep(.clamped(seconds: retry.delay(afterAttempt: attempt, serverAsked: nil, unit: Double.random(in: 0...1))))
            }
        }
        throw NotifierError(message: "Slack webhook unavailable: \(last)", transient: true)
    }
}
