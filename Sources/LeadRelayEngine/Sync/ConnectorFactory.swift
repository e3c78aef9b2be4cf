import Foundation
import LeadRelayCore
import LeadRelayNotify
import LeadRelayCRM
import Logging
import LeadRelayHTTP

/// Builds the production connectors (AsyncHTTPClient transport) from the loaded configuration.
public enum ConnectorFactory {
    public static func connectors(_ configuration: LoadedConfiguration, transport: any HTTPTransport = AsyncHTTPClientTransport(),
                                  logger: Logger = Logger(label: "leadrelay.crm")) throws(ConfigurationError) -> [any CRMConnector] {
        let config = configuration.config
        guard let hubspotURL = URL(string: config.hubspot.baseURL), let loginURL = URL(string: config.salesforce.baseURL) else {
            throw ConfigurationError([ConfigurationProblem(file: configuration.path, line: nil, column: nil, key: "baseURL", message: "not a URL")])
        }
        let hubspotAuth: any AccessTokenProvider = switch configuration.hubspotAuth {
        case .privateApp(let token): StaticTokenProvider(token: token, baseURL: hubspotURL)
        case .oauth(let id, let secret, let refresh):
            HubSpotOAuth(baseURL: hubspotURL, clientID: id, clientSecret: secret, refreshToken: refresh, transport: transport)
        }
        let hubspot = APIClient(system: .hubspot, transport: transport, auth: hubspotAuth,
                                gate: RateLimitGate(policy: quotaPolicy(config.hubspot.rateLimit, reset: .midnightUTC), system: .hubspot),
                                timeout: config.hubspot.timeout?.seconds ?? 30, logger: logger)
        let salesforceAuth = switch configuration.salesforceAuth {
        case .clientCredentials(let id, let secret):
            SalesforceClientCredentials(loginURL: loginURL, clientID: id, clientSecret: secret, transport: transport)
        case .refreshToken(let id, let secret, let refresh):
            SalesforceClientCredentials(loginURL: loginURL, clientID: id, clientSecret: secret, grant: .refreshToken(refresh), transport: transport)
        case .jwtBearer(let signer):
            SalesforceClientCredentials(loginURL: loginURL, jwt: signer, transport: transport)
        }
        let salesforce = APIClient(system: .salesforce, transport: transport, auth: salesforceAuth,
                                   gate: RateLimitGate(policy: quotaPolicy(config.salesforce.rateLimit, reset: .rolling24Hours), system: .salesforce),
                                   timeout: config.salesforce.timeout?.seconds ?? 30, logger: logger)
        var hubspotConnector = HubSpotConnector(client: hubspot, logger: logger)
        hubspotConnector.pagesPerPoll = configuration.pagesPerCycle
        var salesforceConnector = SalesforceConnector(client: salesforce, apiVersion: config.salesforce.apiVersion, logger: logger)
        salesforceConnector.pagesPerPoll = configuration.pagesPerCycle
        return [hubspotConnector, salesforceConnector]
    }

    /// The quota scheduler's policy from a `rateLimit` block (none: pace only on the server's 429s and headers).
    public static func quotaPolicy(_ limit: LeadRelayConfig.RateLimit?, reset: QuotaPolicy.DailyReset) -> QuotaPolicy {
        guard let limit else { return QuotaPolicy(dailyReset: reset) }
        return QuotaPolicy(perWindow: limit.perTenSeconds, window: 10, searchPerSecond: limit.searchPerSecond,
                           dailyBudget: limit.dailyBudget, keepFree: limit.keepFree ?? 0, dailyReset: reset)
    }

    /// The HTTP enrichment provider's client, paced at its `perSecond`.
    public static func enrichmentClient(_ settings: EnrichmentProviderSettings, transport: any HTTPTransport = AsyncHTTPClientTransport(),
                                        logger: Logger = Logger(label: "leadrelay.enrichment")) -> EnrichmentProviderClient {
        EnrichmentProviderClient(baseURL: settings.baseURL, token: settings.token, transport: transport, perSecond: settings.perSecond,
                                 timeout: settings.timeout, logger: logger)
    }

    /// Every rep's channels in the order of their preference (`notify.reps.<id>.channels`; by default the rep's own —
    /// Slack app, own webhook, SMS — then the team's), each keeping its pace; `nil` when no channel is configured.
    public static func notifier(_ configuration: LoadedConfiguration, transport: any HTTPTransport = AsyncHTTPClientTransport()) -> (any Notifier)? {
        let links = configuration.recordLinks
        let slackPace = configuration.pace("slack", default: .slack)
        var team: [any AlertChannel] = []
        if let hook = configuration.slackWebhook {
            team.append(SlackWebhookChannel(name: "slack", webhook: hook, transport: transport, pace: slackPace, links: links))
        }
        if let app = configuration.slackApp, let channel = app.channel {
            team.append(SlackAppChannel(name: "slack-app", token: app.token, api: app.api, conversation: channel, transport: transport,
                                        pace: slackPace, links: links))
        }
        var reps: [String: [any AlertChannel]] = [:]
        for (rep, settings) in configuration.config.notify?.reps ?? [:] {
            var own: [String: any AlertChannel] = [:]
            if let app = configuration.slackApp, let conversation = settings.slackChannel {
                own["slack-app"] = SlackAppChannel(name: "slack-app:\(rep)", token: app.token, api: app.api, conversation: conversation,
                                                   transport: transport, pace: slackPace, links: links)
            }
            if let hook = configuration.repSlackWebhooks[rep] {
                own["slack"] = SlackWebhookChannel(name: "slack:\(rep)", webhook: hook, transport: transport, pace: slackPace, links: links)
            }
            if let account = configuration.smsAccount, let phone = settings.phone {
                own["sms"] = SMSChannel(name: "sms:\(rep)", account: account, to: phone, transport: transport,
                                        pace: configuration.pace("sms", default: .sms), links: links)
            }
            let order = settings.channels ?? ["slack-app", "slack", "sms", "team"]
            reps[rep] = order.flatMap { name -> [any AlertChannel] in name == "team" ? team : own[name].map { [$0] } ?? [] }
        }
        guard !team.isEmpty || reps.values.contains(where: { !$0.isEmpty }) else { return nil }
        return AlertNotifier(reps: reps, team: team)
    }
}
