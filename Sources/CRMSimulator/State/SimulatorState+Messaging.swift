import Foundation

/// A text message as the Twilio-style API took it.
public struct SMSMessage: Sendable, Hashable {
    public var sid: String
    public var at: Date
    public var to: String
    public var from: String
    public var body: String
    /// What the simulator's own count says (GSM-7: 160 / 153 per part; anything else UCS-2: 70 / 67).
    public var segments: Int
    public var statusCallback: String?
    public var status: String
}

extension SimulatorState {
    /// The Slack app's bot joins a channel (or may message a user): `chat.postMessage` to it works from now on.
    public func addSlackChannel(_ id: String) { slackChannels.insert(id) }

    func hasSlackChannel(_ id: String) -> Bool { slackChannels.contains(id) }

    /// A `ts` as Slack gives one: seconds and a six-digit sequence.
    func nextSlackTimestamp() -> String {
        slackTimestamp += 1
        return String(format: "%.0f.%06d", now().timeIntervalSince1970.rounded(.down), slackTimestamp)
    }

    /// Queues faults for the SMS API: the next requests get them (429 with `Retry-After`, as code 20429; 500).
    public func failSMS(_ faults: [SlackFault]) { smsFaults += faults }

    func nextSMSFault() -> SlackFault? { smsFaults.isEmpty ? nil : smsFaults.removeFirst() }

    /// The number replied STOP: messages to it are refused (21610) until it opts in again.
    public func optOutSMS(_ number: String) { smsOptedOut.insert(number) }

    func isOptedOut(_ number: String) -> Bool { smsOptedOut.contains(number) }

    func recordSMS(_ message: SMSMessage) { smsMessages.append(message) }

    /// Moves a message on (`sent`, `delivered`, `undelivered`, `failed`), as the carrier would report it.
    public func setSMSStatus(sid: String, _ status: String) {
        if let index = smsMessages.firstIndex(where: { $0.sid == sid }) { smsMessages[index].status = status }
    }

    /// A new message sid: `SM` and 32 hex digits.
    func nextSMSSid() -> String {
        "SM" + String(format: "%032x", smsMessages.count + 1)
    }
}
