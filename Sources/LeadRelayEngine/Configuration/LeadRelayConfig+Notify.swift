import Foundation
import LeadRelayCore
import LeadRelayNotify

extension LeadRelayConfig {
    public struct Notify: Sendable, Decodable {
        /// The team channel: alerts for reps without a channel of their own, and where a rep's channel falls back to.
        public var slack: Webhook?
        /// A Slack app's bot token for `chat.postMessage`: reps' own channels or direct messages (`reps.<id>.slackChannel`).
        public var slackApp: SlackApp?
        /// A Twilio-style account for text messages to reps with a `phone`.
        public var sms: SMS?
        /// Per rep (id of `routing.yaml`): the rep's own channels, tried first.
        public var reps: [String: RepChannels]?
        /// Each channel's pace (`slack`, `sms`): messages per second and the burst allowed after a quiet spell.
        public var pace: [String: Rate]?
        /// Alerts about leads idle for longer than `horizon` go to each rep as one digest.
        public var digest: Digest?
    }

    public struct SlackApp: Sendable, Decodable {
        public var tokenEnv: String?
        public var tokenFile: String?
        /// Slack's Web API root; default `https://slack.com/api`.
        public var baseURL: String?
        /// A team conversation the app posts to (`C…`), after a rep's own channels; the `team` of a rep's `channels`.
        public var channel: String?
    }

    public struct SMS: Sendable, Decodable {
        /// Default `https://api.twilio.com`.
        public var baseURL: String?
        public var accountSid: String
        public var authTokenEnv: String?
        public var authTokenFile: String?
        /// The sending number (E.164) or a messaging service (`MG…`): exactly one.
        public var from: String?
        public var messagingServiceSid: String?
        /// The public URL the provider posts each message's later states to.
        public var statusCallback: String?
        /// Where LeadRelay listens for those callbacks (`host:port`, loopback by default behind a reverse proxy that
        /// serves `statusCallback`); without it, states after `accepted` are not learned.
        public var statusListen: String?
    }

    /// `host:port` of a listener, when it is one.
    public static func listenAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        let host = String(text[..<colon])
        return host.isEmpty ? nil : (host, port)
    }

    public struct RepChannels: Sendable, Decodable {
        /// The rep's own incoming webhook.
        public var slack: Webhook?
        /// The rep's channel or Slack user id, for `chat.postMessage` through `slackApp`.
        public var slackChannel: String?
        /// The rep's mobile number, E.164 (`+15558675310`), for `sms`.
        public var phone: String?
        /// The order to try: `slack-app`, `slack`, `sms`, `team`; default: the rep's own channels in that order, then the team's.
        public var channels: [String]?
    }

    public struct Rate: Sendable, Decodable {
        public var perSecond: Double
        public var burst: Int?
    }

    public struct Digest: Sendable, Decodable {
        /// `false` tells every alert on its own, however old the lead's last activity (default true).
        public var enabled: Bool?
        /// A lead whose last activity is older than this when its alert goes out is told in the digest; default 24h.
        public var horizon: ConfigDuration?
        /// The digest goes once no alert for it has arrived for this long (the backlog is read); default 1m.
        public var quiet: ConfigDuration?
        /// …or once its oldest alert has waited this long; default 15m.
        public var maxWait: ConfigDuration?
    }

    static let channelNames = ["slack-app", "slack", "sms", "team"]

    /// A Slack conversation or user id as Slack writes them: `C…`, `G…`, `D…`, `U…`, `W…` and capitals or digits.
    static func isSlackID(_ text: String) -> Bool {
        text.range(of: "^[CGDUW][A-Z0-9]{2,}$", options: .regularExpression) != nil
    }

    func validateNotify() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        guard let notify else { return issues }
        if let slack = notify.slack, (slack.webhookURLEnv == nil) == (slack.webhookURLFile == nil) {
            issues.append(ConfigIssue(path: ["notify", "slack"], "name exactly one of webhookURLEnv or webhookURLFile"))
        }
        if let app = notify.slackApp {
            if (app.tokenEnv == nil) == (app.tokenFile == nil) {
                issues.append(ConfigIssue(path: ["notify", "slackApp"], "name exactly one of tokenEnv or tokenFile (the bot token, xoxb-…)"))
            }
            if let base = app.baseURL, !Self.isHTTPURL(base) { issues.append(ConfigIssue(path: ["notify", "slackApp", "baseURL"], "'\(base)' is not an http(s) URL")) }
            if let channel = app.channel, !Self.isSlackID(channel) {
                issues.append(ConfigIssue(path: ["notify", "slackApp", "channel"], "'\(channel)' is not a Slack conversation id (C0123ABCD); a #name is not an id"))
            }
        }
        if let sms = notify.sms {
            if sms.accountSid.range(of: "^AC[0-9a-f]{32}$", options: .regularExpression) == nil {
                issues.append(ConfigIssue(path: ["notify", "sms", "accountSid"], "'\(sms.accountSid)' is not an account sid (AC and 32 hex digits)"))
            }
            if (sms.authTokenEnv == nil) == (sms.authTokenFile == nil) {
                issues.append(ConfigIssue(path: ["notify", "sms"], "name exactly one of authTokenEnv or authTokenFile"))
            }
            if (sms.from == nil) == (sms.messagingServiceSid == nil) {
                issues.append(ConfigIssue(path: ["notify", "sms"], "name exactly one of from (a number, E.164) or messagingServiceSid (MG…)"))
            }
            if let from = sms.from, !SMSAccount.isE164(from) {
                issues.append(ConfigIssue(path: ["notify", "sms", "from"], "'\(from)' is not an E.164 number (+ and country code, no spaces: +15017122661)"))
            }
            if let service = sms.messagingServiceSid, service.range(of: "^MG[0-9a-f]{32}$", options: .regularExpression) == nil {
                issues.append(ConfigIssue(path: ["notify", "sms", "messagingServiceSid"], "'\(service)' is not a messaging service sid (MG and 32 hex digits)"))
            }
            if let base = sms.baseURL, !Self.isHTTPURL(base) { issues.append(ConfigIssue(path: ["notify", "sms", "baseURL"], "'\(base)' is not an http(s) URL")) }
            if let listen = sms.statusListen {
                if Self.listenAddress(listen) == nil {
                    issues.append(ConfigIssue(path: ["notify", "sms", "statusListen"], "'\(listen)' is not host:port (127.0.0.1:9471)"))
                } else if sms.statusCallback == nil {
                    issues.append(ConfigIssue(path: ["notify", "sms", "statusListen"], "listening needs statusCallback: the public URL the provider calls (its signature covers it)"))
                }
            }
            if let callback = sms.statusCallback, !Self.isHTTPURL(callback) || (URL(string: callback)?.host?.contains("_") ?? true) || callback.count > 4_000 {
                issues.append(ConfigIssue(path: ["notify", "sms", "statusCallback"], "'\(callback)' is not a URL the provider can call (http(s), a host without underscores)"))
            }
        }
        for (rep, channels) in (notify.reps ?? [:]).sorted(by: { $0.key < $1.key }) {
            let path = ["notify", "reps", rep]
            if let slack = channels.slack, (slack.webhookURLEnv == nil) == (slack.webhookURLFile == nil) {
                issues.append(ConfigIssue(path: path + ["slack"], "name exactly one of webhookURLEnv or webhookURLFile"))
            }
            if let id = channels.slackChannel, !Self.isSlackID(id) {
                issues.append(ConfigIssue(path: path + ["slackChannel"], "'\(id)' is not a Slack channel or user id (C0123ABCD, U024BE7LH)"))
            } else if channels.slackChannel != nil, notify.slackApp == nil {
                issues.append(ConfigIssue(path: path + ["slackChannel"], "posting to a channel needs notify.slackApp (a bot token)"))
            }
            if let phone = channels.phone, !SMSAccount.isE164(phone) {
                issues.append(ConfigIssue(path: path + ["phone"], "'\(phone)' is not an E.164 number (+ and country code, no spaces: +15558675310)"))
            } else if channels.phone != nil, notify.sms == nil {
                issues.append(ConfigIssue(path: path + ["phone"], "text messages need notify.sms (a Twilio-style account)"))
            }
            for (index, name) in (channels.channels ?? []).enumerated() {
                let at = path + ["channels", String(index)]
                let missing: String? = switch name {
                case "slack-app": channels.slackChannel == nil ? "needs slackChannel" : nil
                case "slack": channels.slack == nil ? "needs the rep's own slack webhook" : nil
                case "sms": channels.phone == nil ? "needs phone" : nil
                case "team": notify.slack == nil && notify.slackApp?.channel == nil ? "needs notify.slack or notify.slackApp.channel" : nil
                default: "is not a channel; use \(Self.channelNames.joined(separator: ", "))"
                }
                if let missing { issues.append(ConfigIssue(path: at, "'\(name)' \(missing)")) }
                if channels.channels?.firstIndex(of: name) != index { issues.append(ConfigIssue(path: at, "'\(name)' is listed twice")) }
            }
            if channels.channels?.isEmpty == true { issues.append(ConfigIssue(path: path + ["channels"], "lists no channel: the rep would never be told")) }
        }
        for (channel, rate) in (notify.pace ?? [:]).sorted(by: { $0.key < $1.key }) {
            if !["slack", "sms"].contains(channel) {
                issues.append(ConfigIssue(path: ["notify", "pace", channel], "unknown channel '\(channel)'; paces are set for slack and sms"))
            }
            if !(rate.perSecond > 0 && rate.perSecond.isFinite) {
                issues.append(ConfigIssue(path: ["notify", "pace", channel, "perSecond"], "must be above 0 (Slack takes about 1 message a second per channel)"))
            }
            if let burst = rate.burst, burst < 1 { issues.append(ConfigIssue(path: ["notify", "pace", channel, "burst"], "must be at least 1")) }
        }
        if let digest = notify.digest {
            for (key, value) in [("horizon", digest.horizon), ("quiet", digest.quiet), ("maxWait", digest.maxWait)] {
                if let value, value.seconds <= 0 { issues.append(ConfigIssue(path: ["notify", "digest", key], "must be longer than 0s")) }
            }
            if let quiet = digest.quiet, let maxWait = digest.maxWait, maxWait.seconds < quiet.seconds {
                issues.append(ConfigIssue(path: ["notify", "digest", "maxWait"], "is shorter than quiet (\(quiet)): the digest would never wait for quiet"))
            }
        }
        return issues
    }

    static func isHTTPURL(_ text: String) -> Bool {
        URL(string: text)?.scheme.map { ["http", "https"].contains($0) } == true && URL(string: text)?.host != nil
    }
}
