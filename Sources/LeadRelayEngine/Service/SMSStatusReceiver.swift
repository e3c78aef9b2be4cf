import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import LeadRelayCore
import Logging
import NIOCore
import ServiceLifecycle

/// Receives the SMS provider's status callbacks (SLA-ALERTS-OPS.md §5.2): a form POST per state a message reached
/// (`queued`, `sent`, `delivered`, `undelivered`, `failed`), signed with `X-Twilio-Signature` — base64 of HMAC-SHA1,
/// keyed with the account's auth token, over the callback URL exactly as configured followed by every POST parameter's
/// name and value in name order — and compared in constant time. A valid callback moves each alert the message carried
/// on (`delivered`, or `undelivered` with the carrier's error code in the log); callbacks that arrive out of order never
/// move an alert back. An unsigned or mis-signed request is refused with 403 and changes nothing.
public struct SMSStatusReceiver: Service, CustomStringConvertible {
    let store: any OutboxQueue
    let authToken: Secret
    /// The URL the provider calls, as configured in `notify.sms.statusCallback` (the signature covers it).
    let publicURL: URL
    let host: String
    let port: Int
    let clock: @Sendable () -> Date
    let logger: Logger
    let onReady: @Sendable (Int) async -> Void

    public init(store: any OutboxQueue, authToken: Secret, publicURL: URL, host: String, port: Int, clock: @escaping @Sendable () -> Date = { Date() },
                logger: Logger, onReady: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.store = store
        self.authToken = authToken
        self.publicURL = publicURL
        self.host = host
        self.port = port
        self.clock = clock
        self.logger = logger
        self.onReady = onReady
    }

    public var description: String { "SMSStatusReceiver(\(host):\(port))" }

    public func run() async throws {
        let router = Router()
        let path = publicURL.path.isEmpty ? "/" : publicURL.path
        let (store, token, url, clock, logger) = (self.store, self.authToken, self.publicURL.absoluteString, self.clock, self.logger)
        router.post(RouterPath(path)) { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 64 << 10)
            let parameters = Self.form(String(buffer: body))
            guard let signature = request.headers[HTTPField.Name("X-Twilio-Signature")!],
                  Self.matches(signature, Self.signature(url: url, parameters: parameters, token: token.value)) else {
                logger.warning("SMS status callback refused: missing or wrong signature.")
                return Response(status: .forbidden)
            }
            let fields = Dictionary(parameters, uniquingKeysWith: { first, _ in first })
            guard let sid = fields["MessageSid"] ?? fields["SmsSid"], let status = fields["MessageStatus"] ?? fields["SmsStatus"] else {
                return Response(status: .badRequest)
            }
            guard let state = Self.state(status) else { return Response(status: .noContent) }
            let moved = try await store.recordDelivery(externalID: sid, state: state, at: clock())
            if state == .undelivered {
                logger.warning("A text message was not delivered.", metadata: ["sms.sid": "\(sid)", "sms.status": "\(status)",
                                                                                "sms.error_code": "\(fields["ErrorCode"] ?? "")", "alerts": "\(moved)"])
            } else {
                logger.debug("SMS status.", metadata: ["sms.sid": "\(sid)", "sms.status": "\(status)", "alerts": "\(moved)"])
            }
            return Response(status: .noContent)
        }
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let onReady = self.onReady
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "leadrelay"),
                              onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) }, logger: quiet)
        try await app.runService()
    }

    /// A provider status as a delivery state; `nil` for states that say nothing new (`receiving`, `scheduled`, …).
    static func state(_ status: String) -> DeliveryReceipt.State? {
        switch status {
        case "queued", "accepted", "sending", "sent": .accepted
        case "delivered", "read": .delivered
        case "undelivered", "failed", "canceled": .undelivered
        default: nil
        }
    }

    /// base64(HMAC-SHA1(token, url + name₁value₁ + name₂value₂ …)), parameters in name order (then value order).
    public static func signature(url: String, parameters: [(String, String)], token: String) -> String {
        let text = url + parameters.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { $0.0 + $0.1 }.joined()
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(token.utf8)))
        return Data(code).base64EncodedString()
    }

    /// Equal in time that does not depend on where they differ.
    static func matches(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// An `application/x-www-form-urlencoded` body, in order (`+` is a space).
    static func form(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring?) -> String {
                String(part ?? "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part ?? "")
            }
            return (decode(parts.first), decode(parts.count > 1 ? parts[1] : nil))
        }
    }
}
