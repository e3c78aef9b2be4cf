import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A Twilio-style Messages API (SLA-ALERTS-OPS.md §5): `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form
/// fields, HTTP Basic `AccountSid:AuthToken`; 201 with the message resource (snake_case, RFC 2822 dates, counts as
/// strings, status `queued`), or Twilio's error body `{code, message, more_info, status}`. Faults queued with
/// `SimulatorState.failSMS` answer first (429 is error 20429).
struct SMSRoutes {
    let state: SimulatorState

    func register(on router: Hummingbird.Router<BasicRequestContext>) {
        let state = self.state
        router.post("/twilio/2010-04-01/Accounts/:account/Messages.json") { request, context in
            let credentials = await state.credentials
            guard let basic = SalesforceRoutes.basicCredentials(request), basic.id == credentials.twilioAccountSid,
                  basic.secret == credentials.twilioAuthToken, context.parameters.get("account") == basic.id else {
                return Self.error(20003, "Authenticate", status: 401)
            }
            if let fault = await state.nextSMSFault() {
                if fault.status == 429 {
                    return Self.error(20429, "Too Many Requests", status: 429)
                }
                return Self.error(20500, "Internal Server Error", status: fault.status)
            }
            let form = SimulatorHTTP.form(try await SimulatorHTTP.rawBody(request))
            let to = form["To"] ?? ""
            guard to.range(of: #"^\+[1-9][0-9]{1,14}$"#, options: .regularExpression) != nil else {
                return Self.error(21211, "Invalid 'To' Phone Number: \(to)", status: 400)
            }
            guard let from = form["From"] ?? form["MessagingServiceSid"].map({ _ in credentials.twilioNumber }) else {
                return Self.error(21603, "A 'From' phone number is required.", status: 400)
            }
            guard from == credentials.twilioNumber else {
                return Self.error(21606, "The 'From' phone number provided (\(from)) is not a valid message-capable Twilio phone number for this destination.", status: 400)
            }
            guard let body = form["Body"], !body.isEmpty else { return Self.error(21602, "Message body is required.", status: 400) }
            guard body.count <= 1_600 else { return Self.error(21617, "The concatenated message body exceeds the 1600 character limit.", status: 400) }
            if let callback = form["StatusCallback"] {
                guard let url = URL(string: callback), ["http", "https"].contains(url.scheme ?? ""), let host = url.host, !host.contains("_"),
                      callback.count <= 4_000 else {
                    return Self.error(21609, "Invalid StatusCallback URL: \(callback)", status: 400)
                }
            }
            guard !(await state.isOptedOut(to)) else {
                return Self.error(21610, "Attempt to send to unsubscribed recipient", status: 400)
            }
            let sid = await state.nextSMSSid()
            let segments = Self.segments(body)
            let now = await state.now()
            await state.recordSMS(SMSMessage(sid: sid, at: now, to: to, from: from, body: body, segments: segments,
                                             statusCallback: form["StatusCallback"], status: "queued"))
            let date = Self.rfc2822(now)
            return SimulatorHTTP.json([
                "sid": .string(sid), "account_sid": .string(basic.id), "messaging_service_sid": form["MessagingServiceSid"].map(SimJSON.string) ?? .null,
                "to": .string(to), "from": .string(from), "body": .string(body), "status": "queued", "num_segments": .string(String(segments)),
                "num_media": "0", "direction": "outbound-api", "error_code": .null, "error_message": .null, "date_created": .string(date),
                "date_updated": .string(date), "date_sent": .null, "price": .null, "price_unit": "USD", "api_version": "2010-04-01",
                "uri": .string("/2010-04-01/Accounts/\(basic.id)/Messages/\(sid).json"),
            ], status: 201)
        }
    }

    static func error(_ code: Int, _ message: String, status: Int) -> Response {
        SimulatorHTTP.json(["code": .number(Double(code)), "message": .string(message),
                            "more_info": .string("https://www.twilio.com/docs/errors/\(code)"), "status": .number(Double(status))], status: status)
    }

    /// GSM-7's basic set and its escape table (which counts double); anything else makes the whole message UCS-2.
    static let gsmBasic = Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    static let gsmEscaped = Set("^{}\\[~]|€\u{0C}")

    /// Parts a carrier bills: 160 GSM-7 septets in one, 153 per part beyond; 70 UCS-2 units in one, 67 per part beyond.
    static func segments(_ body: String) -> Int {
        let gsm = body.allSatisfy { gsmBasic.contains($0) || gsmEscaped.contains($0) }
        let units = gsm ? body.reduce(0) { $0 + (gsmEscaped.contains($1) ? 2 : 1) } : body.utf16.count
        let (single, part) = gsm ? (160, 153) : (70, 67)
        return units <= single ? 1 : (units + part - 1) / part
    }

    static func rfc2822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
