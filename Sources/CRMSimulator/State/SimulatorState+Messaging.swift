import AsyncHTTPClient
import Crypto
import NIOCore
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

extension SimulatorState {
    /// The carrier reports `status` for message `sid`: the message moves on, and when it named a `StatusCallback` the
    /// provider posts the callback there as Twilio does — form fields `MessageSid`, `MessageStatus`, `SmsSid`,
    /// `SmsStatus`, `AccountSid`, `From`, `To` (and `ErrorCode` when given), signed with `X-Twilio-Signature`.
    /// `signWith` overrides the key (a forged callback). Returns the receiver's HTTP status, `nil` without a callback.
    @discardableResult
    public func reportSMSStatus(sid: String, _ status: String, errorCode: String? = nil, signWith key: String? = nil) async throws -> Int? {
        setSMSStatus(sid: sid, status)
        guard let message = smsMessages.first(where: { $0.sid == sid }), let callback = message.statusCallback,
              let url = URL(string: callback) else { return nil }
        var fields = ["MessageSid": sid, "MessageStatus": status, "SmsSid": sid, "SmsStatus": status, "AccountSid": credentials.twilioAccountSid,
                      "From": message.from, "To": message.to, "ApiVersion": "2010-04-01"]
        if let errorCode { fields["ErrorCode"] = errorCode }
        let signed = callback + fields.keys.sorted().map { $0 + fields[$0]! }.joined()
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(signed.utf8), using: SymmetricKey(data: Data((key ?? credentials.twilioAuthToken).utf8)))
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.keys.sorted().map { "\($0)=\(fields[$0]!.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "X-Twilio-Signature", value: Data(mac).base64EncodedString())
        request.headers.add(name: "User-Agent", value: "TwilioProxy/1.1")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return Int(response.status.code)
    }
}
