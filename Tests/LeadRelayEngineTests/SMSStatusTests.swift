import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayHTTP
import LeadRelayNotify
import Logging
import Testing

/// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
func freePort() throws -> Int {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
    }
    guard bound else { throw CocoaError(.fileWriteUnknown) }
    return Int(UInt16(bigEndian: address.sin_port))
}

@Suite("SMS status callbacks: signed, out of order, for every alert a text carried")
struct SMSStatusTests {
    @Test("the provider's signed callbacks move each texted alert to delivered or undelivered, never back; a forged one changes nothing")
    func callbacks() async throws {
        try await withRig(people: 600) { rig in
            let credentials = await rig.simulator.state.credentials
            let result = try await rig.engine.runCycle()
            let reps = Set(result.plan.notifications.map(\.repID))
            #expect(reps.count >= 2)
            let port = try freePort()
            let callback = try #require(URL(string: "http://127.0.0.1:\(port)/sms/status"))
            let base = try #require(URL(string: rig.configuration.config.hubspot.baseURL))
            let account = SMSAccount(baseURL: base.appendingPathComponent("twilio"), accountSid: credentials.twilioAccountSid,
                                     authToken: Secret(credentials.twilioAuthToken), from: credentials.twilioNumber, statusCallback: callback)
            var channels: [String: [any AlertChannel]] = [:]
            for (index, rep) in reps.sorted().enumerated() {
                channels[rep] = [SMSChannel(name: "sms:\(rep)", account: account, to: "+1555000\(String(format: "%04d", index))",
                                            transport: AsyncHTTPClientTransport(), pace: nil)]
            }
            let dispatcher = try await Daemon.start(rig.configuration, store: rig.store, connectors: rig.connectors,
                                                    notifier: AlertNotifier(reps: channels, team: [])).dispatcher
            let stats = try await dispatcher.drain()
            #expect(stats.notified == result.plan.notifications.count && stats.failed == 0, "\(stats)")
            let texts = await rig.simulator.state.smsMessages
            #expect(texts.count == stats.notified && texts.allSatisfy { $0.statusCallback == callback.absoluteString })

            let (ready, readyContinuation) = AsyncStream<Int>.makeStream()
            let receiver = SMSStatusReceiver(store: rig.store, authToken: Secret(credentials.twilioAuthToken), publicURL: callback,
                                             host: "127.0.0.1", port: port, logger: Logger(label: "test.sms"),
                                             onReady: { readyContinuation.yield($0) })
            let server = Task { try await receiver.run() }
            defer { server.cancel() }
            for await bound in ready {
                #expect(bound == port)
                break
            }
            func delivery(_ sid: String) async throws -> DeliveryReceipt? {
                try await rig.store.outbox().first { $0.delivery?.externalID == sid }?.delivery
            }
            let (first, second) = (texts[0].sid, texts[1].sid)
            #expect(try await delivery(first)?.state == .accepted)
            #expect(try await rig.simulator.state.reportSMSStatus(sid: first, "sent") == 204)
            #expect(try await rig.simulator.state.reportSMSStatus(sid: first, "delivered") == 204)
            #expect(try await delivery(first)?.state == .delivered)
            #expect(try await rig.simulator.state.reportSMSStatus(sid: first, "sent") == 204, "a late callback is taken…")
            #expect(try await delivery(first)?.state == .delivered, "…and does not move the alert back")

            #expect(try await rig.simulator.state.reportSMSStatus(sid: second, "undelivered", errorCode: "30003", signWith: "forged") == 403)
            #expect(try await delivery(second)?.state == .accepted, "a forged callback changes nothing")
            #expect(try await rig.simulator.state.reportSMSStatus(sid: second, "undelivered", errorCode: "30003") == 204)
            let undelivered = try #require(try await rig.store.outbox().first { $0.delivery?.externalID == second })
            #expect(undelivered.delivery?.state == .undelivered && undelivered.delivery?.channel.hasPrefix("sms:") == true)
            let person = try #require(undelivered.subject.person)
            #expect(try await rig.store.events(for: person).contains {
                if case .delivered(_, _, .undelivered) = $0.event.kind { true } else { false }
            })
        }
    }

    @Test("the signature is Twilio's: HMAC-SHA1 over the URL and the parameters in name order, base64")
    func signature() {
        // The parameters of Twilio's signature-validation sample; the value computed independently with Python's hmac
        // (base64(hmac.new(b"12345", url + sorted name+value, sha1))).
        let parameters = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"),
                          ("To", "+18005551212")]
        let signature = SMSStatusReceiver.signature(url: "https://example.com/myapp", parameters: parameters, token: "12345")
        #expect(signature == "NGAgWNhdnsLF8j385frvrQoi9sg=")
        #expect(SMSStatusReceiver.signature(url: "https://example.com/myapp", parameters: parameters.reversed(), token: "12345") == signature)
        #expect(!SMSStatusReceiver.matches(signature, "NGAgWNhdnsLF8j385frvrQoi9sh="))
        let form = SMSStatusReceiver.form("MessageStatus=sent&To=%2B15550001&Body=a+b")
        #expect(form.map(\.0) == ["MessageStatus", "To", "Body"] && form.map(\.1) == ["sent", "+15550001", "a b"])
    }
}
