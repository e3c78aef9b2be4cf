import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// Where and as whom text messages are sent: a Twilio-style account (SLA-ALERTS-OPS.md §5).
public struct SMSAccount: Sendable {
    /// The API root (`https://api.twilio.com`); messages go to `…/2010-04-01/Accounts/{accountSid}/Messages.json`.
    public var baseURL: URL
    public var accountSid: String
    public var authToken: Secret
    /// The sending number (E.164), or a messaging service that picks one (`MG…`): exactly one of them.
    public var from: String?
    public var messagingServiceSid: String?
    /// Where the provider reports each message's later states (`sent`, `delivered`, `undelivered`, `failed`).
    public var statusCallback: URL?

    public init(baseURL: URL, accountSid: String, authToken: Secret, from: String?, messagingServiceSid: String? = nil, statusCallback: URL? = nil) {
        self.baseURL = baseURL
        self.accountSid = accountSid
        self.authToken = authToken
        self.from = from
        self.messagingServiceSid = messagingServiceSid
        self.statusCallback = statusCallback
    }

    /// `+` and 1 to 15 digits, the first not 0: the only form the API takes.
    public static func isE164(_ number: String) -> Bool {
        number.range(of: #"^\+[1-9][0-9]{1,14}$"#, options: .regularExpression) != nil
    }
}

/// A text message to one rep through a Twilio-style API: a plain, segment-aware body (`SMSText`), form-encoded, HTTP
/// Basic with the account's sid and token, the status callback named so later states reach LeadRelay. The receipt keeps
/// the message sid. Errors a retry cannot fix — an invalid or unreachable number (21211, 21612, 21614, 21408), a
/// recipient who replied STOP (21610), a bad sender or callback (21606, 21609), refused credentials — fail the channel
/// for good so the alert falls back; 429 (20429, too many concurrent requests) and server errors are retried.
public struct SMSChannel: AlertChannel {
    public let name: String
    let account: SMSAccount
    let to: String
    let transport: any HTTPTransport
    let retry: RetryPolicy
    public let pace: ChannelPacer.Pace?
    let links: RecordLinks
    let sleep: @Sendable (Duration) async throws -> Void

    public init(name: String, account: SMSAccount, to: String, transport: any HTTPTransport,
                retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.5, maxDelay: 5), pace: ChannelPacer.Pace? = .sms,
                links: RecordLinks = .none, sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.name = name
        self.account = account
        self.to = to
        self.transport = transport
        self.retry = retry
        self.pace = pace
        self.links = links
        self.sleep = sleep
    }

    /// A sender's pace: one number sends about one message a second.
    public var paceKey: String { "sms-sender:" + (account.from ?? account.messagingServiceSid ?? account.accountSid) }

    public func deliver(_ notification: LeadRelayCore.Notification) async throws(NotifierError) -> DeliveryReceipt {
        var form = [("To", to), ("Body", SMSText.body(notification, links: links))]
        if let from = account.from { form.append(("From", from)) } else if let service = account.messagingServiceSid { form.append(("MessagingServiceSid", service)) }
        if let callback = account.statusCallback { form.append(("StatusCallback", callback.absoluteString)) }
        let body = Data(form.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&").utf8)
        let url = account.baseURL.appendingPathComponent("2010-04-01/Accounts/\(account.accountSid)/Messages.json")
        let basic = Data("\(account.accountSid):\(account.authToken.value)".utf8).base64EncodedString()
        let name = self.name
        return try await retry.deliver(unavailable: "the SMS API is unavailable", sleep: sleep) {
            let response = try await transport.send(TransportRequest(method: "POST", url: url, headers: [
                "Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(basic)",
            ], body: body, timeout: 15))
            let json = try? JSONValue.decode(response.body)
            let code = json?["code"]?.doubleValue.map { String(Int($0)) } ?? "no code"
            switch response.status {
            case 200..<300:
                guard let sid = json?["sid"]?.stringValue else { throw NotifierError(message: "the SMS API answered without a message sid", transient: false) }
                return .delivered(DeliveryReceipt(state: .accepted, channel: name, externalID: sid))
            case 429:
                return .again("HTTP 429 (\(code))", serverAsked: response.header("Retry-After").flatMap { Double($0) }.map { min(max($0, 0), 3_600) })
            case 500...599:
                return .again("HTTP \(response.status)", serverAsked: nil)
            case let status:
                let what = json?["message"]?.stringValue ?? String(decoding: response.body.prefix(200), as: UTF8.self)
                throw NotifierError(message: "the SMS API refused the message: HTTP \(status), error \(code): \(what)", transient: false)
            }
        }
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `application/x-www-form-urlencoded`: everything but ASCII unreserved characters percent-encoded as UTF-8 (`+` too).
    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
