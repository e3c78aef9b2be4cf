import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayHTTP
import LeadRelayNotify
import Testing

@Suite("SMS text: GSM-7 or UCS-2, and at most two segments")
struct SMSTextTests {
    @Test("GSM-7 counts 160 in one and 153 a part, escape characters twice; one character outside it makes the whole text UCS-2")
    func segments() {
        #expect(SMSText.measure(String(repeating: "a", count: 160)) == (.gsm7, 160, 1))
        #expect(SMSText.measure(String(repeating: "a", count: 161)) == (.gsm7, 161, 2))
        #expect(SMSText.measure(String(repeating: "a", count: 306)) == (.gsm7, 306, 2))
        #expect(SMSText.measure(String(repeating: "a", count: 307)).segments == 3)
        #expect(SMSText.measure(String(repeating: "{", count: 80)) == (.gsm7, 160, 1), "escape-table characters take two septets")
        #expect(SMSText.measure("Müller & Søn: £5 ¿ok?").encoding == .gsm7)
        #expect(SMSText.measure("Zoë Łukasiewicz") == (.ucs2, 15, 1))
        #expect(SMSText.measure(String(repeating: "Ł", count: 71)).segments == 2)
        #expect(SMSText.measure("Deal 🚀").units == 7, "an emoji is two UTF-16 units")
    }

    @Test("typographic quotes, dashes and ellipses are written plain, so a curly apostrophe does not cost UCS-2")
    func normalised() {
        let text = SMSText.normalised("O\u{2019}Brien \u{2014} \u{201C}VP\u{201D}\u{2026}")
        #expect(text == "O'Brien - \"VP\"...")
        #expect(SMSText.measure(text).encoding == .gsm7)
    }

    @Test("an alert's body says who, where and the score, links the record when it fits, and never takes more than two segments")
    func body() {
        let links = RecordLinks(hubspotPortalID: "4410", salesforceInstance: nil)
        var note = SlackAlertTests.note()
        let body = SMSText.body(note, links: links)
        #expect(body == "LeadRelay: New MQL: Morgan Reyes at Northwind & Sons, score 79.7. https://app.hubspot.com/contacts/4410/record/0-1/51")
        note.lead.name = String(repeating: "Ł", count: 200)
        let long = SMSText.body(note, links: links)
        #expect(SMSText.measure(long).segments <= 2 && long.hasSuffix("..."), "\(SMSText.measure(long))")
        note.lead.name = String(repeating: "Morgan ", count: 80)
        #expect(SMSText.measure(SMSText.body(note, links: links)).segments <= 2)
    }
}

@Suite("Alert channels against the simulator: chat.postMessage, SMS, preferences and fallback")
struct AlertChannelTests {
    static func account(_ endpoints: CRMSimulator.Endpoints, _ credentials: SimulatorState.Credentials, callback: URL? = nil) -> SMSAccount {
        SMSAccount(baseURL: endpoints.smsBaseURL, accountSid: credentials.twilioAccountSid, authToken: Secret(credentials.twilioAuthToken),
                   from: credentials.twilioNumber, statusCallback: callback)
    }

    static let quick = RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.05)

    @Test("a text goes to the rep's E.164 number from the account's, with the status callback; the provider's sid is the receipt")
    func sms() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let credentials = await simulator.state.credentials
            let channel = SMSChannel(name: "sms:ana", account: Self.account(endpoints, credentials, callback: URL(string: "https://leadrelay.example.com/sms/status")),
                                     to: "+15558675310", transport: AsyncHTTPClientTransport(), retry: Self.quick,
                                     pace: ChannelPacer.Pace(perSecond: 100, burst: 10), links: SlackAlertTests.links)
            let notifier = AlertNotifier(reps: ["ana": [channel]], team: [])
            let receipt = try await notifier.send(SlackAlertTests.note())
            let sent = try #require(await simulator.state.smsMessages.last)
            #expect(receipt.state == .accepted && receipt.channel == "sms:ana" && receipt.externalID == sent.sid && sent.sid.hasPrefix("SM"))
            #expect(sent.to == "+15558675310" && sent.from == credentials.twilioNumber && sent.statusCallback == "https://leadrelay.example.com/sms/status")
            #expect(sent.body.hasPrefix("LeadRelay: New MQL: Morgan Reyes at Northwind & Sons"), "form encoding kept the ampersand: \(sent.body)")
            #expect(sent.segments == SMSText.measure(sent.body).segments, "the provider bills what LeadRelay counted")

            // Too many concurrent requests (20429) is retried; a wrong token is not.
            await simulator.state.failSMS([.init(status: 429)])
            #expect(try await notifier.send(SlackAlertTests.note()).state == .accepted)
            let wrong = SMSAccount(baseURL: endpoints.smsBaseURL, accountSid: credentials.twilioAccountSid, authToken: Secret("nope"), from: credentials.twilioNumber)
            do {
                _ = try await SMSChannel(name: "sms:ana", account: wrong, to: "+15558675310", transport: AsyncHTTPClientTransport(), retry: Self.quick)
                    .deliver(SlackAlertTests.note())
                Issue.record("expected a refusal")
            } catch let error as NotifierError {
                #expect(!error.transient && error.message.contains("20003"), "\(error.message)")
            }
            #expect(await simulator.state.smsMessages.count == 2)
        }
    }

    @Test("a rep who replied STOP is not texted: the refusal (21610) is final and the alert falls back to the next channel")
    func optedOut() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let credentials = await simulator.state.credentials
            await simulator.state.optOutSMS("+15558675310")
            let sms = SMSChannel(name: "sms:ana", account: Self.account(endpoints, credentials), to: "+15558675310",
                                 transport: AsyncHTTPClientTransport(), retry: Self.quick)
            let team = SlackWebhookChannel(name: "slack", webhook: Secret(endpoints.slackWebhookURL.absoluteString), transport: AsyncHTTPClientTransport())
            let receipt = try await AlertNotifier(reps: ["ana": [sms, team]], team: [team]).send(SlackAlertTests.note())
            #expect(receipt.state == .fellBack && receipt.channel == "slack")
            #expect(await simulator.state.smsMessages.isEmpty)
            #expect(await simulator.state.slackBodies().count == 1)
        }
    }

    @Test("chat.postMessage reaches the rep's own conversation with the bot token; one the bot is not in fails over to the team webhook")
    func slackApp() async throws {
        let simulator = CRMSimulator()
        try await simulator.withRunningInSlot { endpoints in
            let token = Secret(await simulator.state.credentials.slackBotToken)
            func app(_ conversation: String) -> SlackAppChannel {
                SlackAppChannel(name: "slack-app:ana", token: token, api: endpoints.slackAPIURL, conversation: conversation,
                                transport: AsyncHTTPClientTransport(), retry: Self.quick, links: SlackAlertTests.links)
            }
            let team = SlackWebhookChannel(name: "slack", webhook: Secret(endpoints.slackWebhookURL.absoluteString), transport: AsyncHTTPClientTransport())
            await simulator.state.addSlackChannel("U024BE7LH")
            let direct = try await AlertNotifier(reps: ["ana": [app("U024BE7LH"), team]], team: [team]).send(SlackAlertTests.note())
            #expect(direct.state == .accepted && direct.channel == "slack-app:ana" && direct.externalID?.contains(".") == true, "the message ts")
            let posted = try #require(await simulator.state.slackBodies().last)
            #expect(posted["channel"]?.stringValue == "U024BE7LH" && posted["blocks"]?.arrayValue?.isEmpty == false && posted["username"] == nil)

            let fell = try await AlertNotifier(reps: ["ana": [app("C0NOTJOINED"), team]], team: [team]).send(SlackAlertTests.note())
            #expect(fell.state == .fellBack && fell.channel == "slack")
            do {
                _ = try await app("C0NOTJOINED").deliver(SlackAlertTests.note())
                Issue.record("expected a refusal")
            } catch let error as NotifierError {
                #expect(!error.transient && error.message.contains("not_in_channel"), "\(error.message)")
            }
            // A 429 with a long Retry-After is handed back, and the conversation is held for every alert till then.
            await simulator.state.failSlack([.init(status: 429, retryAfter: 30)])
            let notifier = AlertNotifier(reps: ["ana": [app("U024BE7LH")]], team: [])
            do {
                _ = try await notifier.send(SlackAlertTests.note())
                Issue.record("expected the wait to be handed back")
            } catch let error as NotifierError {
                #expect(error.transient && error.retryAfter == 30 && error.channel == "slack-app:ana")
            }
            do {
                _ = try await notifier.send(SlackAlertTests.note())
                Issue.record("expected the conversation to be held")
            } catch let error as NotifierError {
                #expect(error.pacedUntil != nil)
            }
        }
    }

    @Test("channels follow each rep's preference from leadrelay.yaml; the dispatcher stores which channel took each alert")
    func preferences() async throws {
        try await withRig(people: 600) { rig in
            let credentials = await rig.simulator.state.credentials
            let result = try await rig.engine.runCycle()
            let reps = Array(Set(result.plan.notifications.map(\.repID))).sorted()
            #expect(reps.count >= 3, "\(reps)")
            let directory = (rig.configuration.path as NSString).deletingLastPathComponent
            try Data(credentials.slackBotToken.utf8).write(to: URL(fileURLWithPath: directory + "/credentials/slack-bot"))
            try Data(credentials.twilioAuthToken.utf8).write(to: URL(fileURLWithPath: directory + "/credentials/twilio"))
            await rig.simulator.state.addSlackChannel("U0FIRST01")
            let base = rig.configuration.config.hubspot.baseURL
            let yaml = try String(contentsOfFile: rig.configuration.path, encoding: .utf8).replacingOccurrences(of: "notify: { slack: { webhookURLFile: credentials/slack }, ", with: """
                notify: { slack: { webhookURLFile: credentials/slack },
                  slackApp: { tokenFile: credentials/slack-bot, baseURL: "\(base)/slack/api" },
                  sms: { baseURL: "\(base)/twilio", accountSid: \(credentials.twilioAccountSid), authTokenFile: credentials/twilio, from: "\(credentials.twilioNumber)" },
                  reps: { \(reps[0]): { slackChannel: U0FIRST01, phone: "+15550000001", channels: [slack-app, team] },
                          \(reps[1]): { phone: "+15550000002", channels: [sms] },
                          \(reps[2]): { slackChannel: U0NOTJOIN, channels: [slack-app, team] } },
                """).replacingOccurrences(of: "pace: { slack: { perSecond: 10000, burst: 10000 } }",
                                          with: "pace: { slack: { perSecond: 10000, burst: 10000 }, sms: { perSecond: 10000, burst: 10000 } }")
            #expect(yaml.contains("sms: { perSecond: 10000"))
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: rig.configuration.path))
            let configuration = try ConfigurationLoader(environment: [:]).load(rig.configuration.path)
            let dispatcher = try await Daemon.start(configuration, store: rig.store, connectors: rig.connectors).dispatcher
            let stats = try await dispatcher.drain()
            #expect(stats.failed == 0 && stats.retryLater == 0, "\(stats)")
            let alerts = try await rig.store.outbox().compactMap { entry -> (String, DeliveryReceipt?)? in
                guard case .notify(let note) = entry.payload else { return nil }
                return (note.repID, entry.delivery)
            }
            for (rep, receipt) in alerts {
                switch rep {
                case reps[0]: #expect(receipt?.channel == "slack-app:\(rep)" && receipt?.state == .accepted)
                case reps[1]: #expect(receipt?.channel == "sms:\(rep)" && receipt?.externalID?.hasPrefix("SM") == true)
                case reps[2]: #expect(receipt?.channel == "slack" && receipt?.state == .fellBack, "not in the conversation: the team webhook")
                default: #expect(receipt?.channel == "slack" && receipt?.state == .accepted)
                }
            }
            let texts = await rig.simulator.state.smsMessages
            #expect(texts.count == alerts.filter { $0.0 == reps[1] }.count && texts.allSatisfy { $0.to == "+15550000002" })
        }
    }
}

@Suite("notify: channels, paces and digests are checked where they are written")
struct NotifyConfigTests {
    @Test("each mistake names its key and line: a phone not E.164, a slackChannel without an app, a channel listed twice or not set up, a bad sid, pace or digest")
    func located() throws {
        let workspace = try TestWorkspace()
        try workspace.write("credentials/bot", "xoxb-1\n")
        try workspace.write("credentials/twilio", "token\n")
        let cases: [(String, String, String)] = [
            ("reps: { ana: { phone: '555-0100' } }, sms: { accountSid: AC5ef872f6da5a21de157d80997a64bd33, authTokenFile: credentials/twilio, from: '+15017122661' }",
             "notify.reps.ana.phone", "not an E.164 number"),
            ("reps: { ana: { slackChannel: U024BE7LH } }", "notify.reps.ana.slackChannel", "needs notify.slackApp"),
            ("slackApp: { tokenFile: credentials/bot }, reps: { ana: { slackChannel: '#sales' } }", "notify.reps.ana.slackChannel", "not a Slack channel or user id"),
            ("reps: { ana: { channels: [team, team] } }", "notify.reps.ana.channels.1", "listed twice"),
            ("reps: { ana: { channels: [sms] } }", "notify.reps.ana.channels.0", "needs phone"),
            ("reps: { ana: { channels: [pager] } }", "notify.reps.ana.channels.0", "is not a channel"),
            ("sms: { accountSid: AC123, authTokenFile: credentials/twilio, from: '+15017122661' }", "notify.sms.accountSid", "AC and 32 hex"),
            ("sms: { accountSid: AC5ef872f6da5a21de157d80997a64bd33, authTokenFile: credentials/twilio }", "notify.sms", "exactly one of from"),
            ("sms: { accountSid: AC5ef872f6da5a21de157d80997a64bd33, authTokenFile: credentials/twilio, from: '+15017122661', statusListen: 127.0.0.1:9471 }",
             "notify.sms.statusListen", "needs statusCallback"),
            ("pace: { slack: { perSecond: 0 } }", "notify.pace.slack.perSecond", "above 0"),
            ("pace: { pager: { perSecond: 1 } }", "notify.pace.pager", "unknown channel"),
            ("digest: { quiet: 10m, maxWait: 1m }", "notify.digest.maxWait", "shorter than quiet"),
        ]
        for (notify, key, words) in cases {
            try workspace.configure(nil, credentials: nil, notify: notify)
            do {
                _ = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
                Issue.record("expected a configuration error for \(notify)")
            } catch {
                #expect(error.problems.contains { $0.file.hasSuffix("leadrelay.yaml") && $0.key == key && $0.line != nil && $0.message.contains(words) },
                        "\(key): \(error.description)")
            }
        }
        try workspace.configure(nil, credentials: nil, notify: """
            slackApp: { tokenFile: credentials/bot, channel: C0TEAM01 }, sms: { accountSid: AC5ef872f6da5a21de157d80997a64bd33, authTokenFile: credentials/twilio, from: '+15017122661', statusCallback: 'https://leadrelay.example.com/sms/status', statusListen: '127.0.0.1:9471' }, reps: { ana: { slackChannel: U024BE7LH, phone: '+15558675310', channels: [sms, slack-app, team] } }
            """)
        let loaded = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
        #expect(loaded.smsAccount?.from == "+15017122661" && loaded.slackApp?.channel == "C0TEAM01" && "\(loaded.smsAccount!.authToken)" == "***")
        let notifier = try #require(ConnectorFactory.notifier(loaded) as? AlertNotifier)
        #expect(notifier.channels(for: "ana").map(\.name) == ["sms:ana", "slack-app:ana", "slack", "slack-app"])
        #expect(notifier.channels(for: "ben").map(\.name) == ["slack", "slack-app"], "a rep without a list: the team's")
        #expect(try Daemon.build(loaded).services().map { "\($0)" }.filter { $0.hasPrefix("LoopService") }.count == 3, "poll, dispatch and the SLA monitor")
        #expect(try Daemon.build(loaded).services().count == 4, "the status receiver joins the loops")
    }
}
