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
    /// Nothing was tried: the channel keeps a pace and its next turn is then. Not a failed attempt.
    public var pacedUntil: Date?
    /// The channel the alert was meant for first (the one its delivery state is recorded against).
    public var channel: String?

    public init(message: String, transient: Bool, retryAfter: TimeInterval? = nil, pacedUntil: Date? = nil, channel: String? = nil) {
        self.channel = channel
        self.message = message
        self.transient = transient
        self.retryAfter = retryAfter
        self.pacedUntil = pacedUntil
    }
}

/// One way to reach people: a Slack webhook, a Slack channel through `chat.postMessage`, an SMS sender.
public protocol AlertChannel: Sendable {
    /// The channel's name in receipts, events and logs; never a credential (`slack`, `slack:ana`, `slack-app:ana`, `sms:ana`).
    var name: String { get }
    /// Channels sharing a key share a pace (one webhook, one Slack channel, one sender number); a fingerprint, never a secret.
    var paceKey: String { get }
    var pace: ChannelPacer.Pace? { get }
    /// One message, with the retries and waits the channel's policy allows.
    func deliver(_ notification: LeadRelayCore.Notification) async throws(NotifierError) -> DeliveryReceipt
}

/// Tells each rep through their channels in the order of their preference (`notify.reps.<id>.channels`), then the
/// team's: a channel that fails — refused for good, or still failing after its retries — hands the alert to the next
/// (`fell-back`); one that keeps a pace and has no turn free makes the alert wait for its turn (a pace is not a
/// failure: the rep's own channel is not skipped because it is busy). A 429 holds the channel for everyone until its
/// `Retry-After` has passed.
public struct AlertNotifier: Notifier, CustomStringConvertible {
    /// Rep id → every channel the rep's alerts try, most preferred first (the team's included where the rep wants them).
    let reps: [String: [any AlertChannel]]
    /// For reps with no list of their own.
    let team: [any AlertChannel]
    let pacer: ChannelPacer
    let clock: @Sendable () -> Date

    public init(reps: [String: [any AlertChannel]], team: [any AlertChannel], pacer: ChannelPacer = ChannelPacer(),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.reps = reps
        self.team = team
        self.pacer = pacer
        self.clock = clock
    }

    public var description: String {
        "AlertNotifier(team: \(team.map(\.name)), reps: \(reps.keys.sorted().map { "\($0): \(reps[$0]!.map(\.name))" }))"
    }

    /// The channels an alert to `repID` tries, in order.
    public func channels(for repID: String) -> [any AlertChannel] {
        reps[repID] ?? team
    }

    public func send(_ notification: LeadRelayCore.Notification) async throws(NotifierError) -> DeliveryReceipt {
        let targets = channels(for: notification.repID)
        guard !targets.isEmpty else { throw NotifierError(message: "no channel for \(notification.repID) and no team channel", transient: false) }
        var failures: [(channel: String, error: NotifierError)] = []
        for (index, channel) in targets.enumerated() {
            if let pace = channel.pace, let next = pacer.take(channel.paceKey, pace: pace, now: clock()) {
                throw NotifierError(message: "\(channel.name) keeps its pace; next turn at \(ISOTimestamp.format(next))", transient: true,
                                    pacedUntil: next, channel: channel.name)
            }
            do {
                var receipt = try await channel.deliver(notification)
                receipt.channel = channel.name
                if index > 0 { receipt.state = .fellBack }
                return receipt
            } catch {
                if let wait = error.retryAfter { pacer.hold(channel.paceKey, until: clock().addingTimeInterval(wait), now: clock()) }
                failures.append((channel.name, error))
            }
        }
        // Tried again later if any channel may recover; as soon as the longest wait asked for is over.
        throw NotifierError(message: failures.map { "\($0.channel): \($0.error.message)" }.joined(separator: "; "),
                            transient: failures.contains { $0.error.transient }, retryAfter: failures.compactMap(\.error.retryAfter).max(),
                            channel: failures.first?.channel)
    }
}

/// Slack only: a rep with a webhook of their own (`notify.reps`) is told there first; when that channel fails the
/// alert falls back to the team webhook (`fell-back`). Each webhook keeps Slack's pace (about one message a second).
///
/// The webhook URL is a bearer credential (anyone holding it can post to the channel): it is kept as a `Secret`, and the
/// notifier describes itself without it.
public struct SlackNotifier: Notifier, CustomStringConvertible {
    let notifier: AlertNotifier

    public init(webhook: Secret?, repWebhooks: [String: Secret] = [:], transport: any HTTPTransport,
                retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.25, maxDelay: 5), pace: ChannelPacer.Pace? = .slack,
                links: RecordLinks = .none, clock: @escaping @Sendable () -> Date = { Date() },
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        func channel(_ name: String, _ hook: Secret) -> any AlertChannel {
            SlackWebhookChannel(name: name, webhook: hook, transport: transport, retry: retry, pace: pace, links: links, sleep: sleep)
        }
        let team = webhook.map { [channel("slack", $0)] } ?? []
        notifier = AlertNotifier(reps: Dictionary(uniqueKeysWithValues: repWebhooks.map { ($0.key, [channel("slack:\($0.key)", $0.value)] + team) }),
                                 team: team, clock: clock)
    }

    public var description: String { "SlackNotifier(\(notifier.description))" }

    public func send(_ notification: LeadRelayCore.Notification) async throws(NotifierError) -> DeliveryReceipt {
        try await notifier.send(notification)
    }
}
