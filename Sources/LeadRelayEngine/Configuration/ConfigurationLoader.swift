import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayNotify

/// Everything `leadrelay.yaml` points at, checked and ready to run.
public struct LoadedConfiguration: Sendable {
    public var config: LeadRelayConfig
    /// The path of `leadrelay.yaml`; relative paths inside it resolve against its folder.
    public var path: String
    public var mapping: MappingSet
    public var scoring: ScoringConfig
    public var routing: RoutingConfig
    public var storePath: String
    /// The companies ↔ Account mapping, when `mappings` lists one.
    public var accountMapping: MappingSet?
    public var accountMappingFile: String?
    public var hubspotAuth: HubSpotCredentials
    public var salesforceAuth: SalesforceCredentials
    /// The Slack incoming-webhook URL: whoever has it can post to the channel, so it is a credential like a token.
    public var slackWebhook: Secret?
    /// Rep id → the rep's own Slack webhook (`notify.reps`), tried before the team's.
    public var repSlackWebhooks: [String: Secret] = [:]
    /// The Slack app (`notify.slackApp`): its bot token, the Web API root, and the team conversation it may post to.
    public var slackApp: (token: Secret, api: URL, channel: String?)?
    /// The Twilio-style account for text messages (`notify.sms`).
    public var smsAccount: SMSAccount?
    /// Enrichment sources (firmographics file read); `.disabled` without an `enrichment:` block.
    public var enrichment: EnrichmentSettings = .disabled
    /// The HTTP enrichment provider, when `enrichment.provider` is configured.
    public var enrichmentProvider: EnrichmentProviderSettings?
    /// The configuration's version: a fingerprint of every file it was loaded from (events are stamped with it).
    public var version: String = ""
    /// `sla.yaml`, when `sla:` names one.
    public var sla: SLAConfig?

    /// How often the SLA monitor looks at the clocks at most (`sla.yaml`'s `tick`, default 15 s); it wakes for each
    /// timer sooner when one is due sooner.
    public var slaTick: ConfigDuration { sla?.tick ?? ConfigDuration(seconds: 15) }

    /// The SLA with the calendar it names for reps without their own (`nil` without `sla:`).
    public var slaSettings: SLASettings? {
        guard let sla else { return nil }
        var team: BusinessCalendar?
        if let name = sla.calendar, let spec = routing.calendars?[name], case .success(let calendar) = spec.build() { team = calendar }
        return SLASettings(config: sla, team: team)
    }
    /// Keys that are valid but not acted on yet, located like problems (`check` prints them).
    public var notices: [ConfigurationProblem] = []

    /// Where records live in each CRM's UI (`hubspot.portalId`/`appURL`, `salesforce.instanceURL`), for report links.
    public var recordLinks: RecordLinks {
        RecordLinks(hubspotApp: config.hubspot.appURL.flatMap(URL.init(string:)) ?? RecordLinks.defaultHubSpotApp,
                    hubspotPortalID: config.hubspot.portalId, salesforceInstance: config.salesforce.instanceURL.flatMap(URL.init(string:)))
    }

    /// A file `leadrelay.yaml` names, as a path: relative names resolve against its folder.
    public func resolve(_ file: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return file.hasPrefix("/") || directory.isEmpty ? file : (directory as NSString).appendingPathComponent(file)
    }

    /// The private-app token, when that is how HubSpot is reached.
    public var hubspotToken: Secret? {
        if case .privateApp(let token) = hubspotAuth { return token }
        return nil
    }

    public var pollInterval: ConfigDuration { config.poll.interval }
    public var lookback: TimeInterval { config.poll.lookback?.seconds ?? 0 }
    /// How often deletions the lead poll cannot see (HubSpot archived contacts) are swept; default 15 minutes.
    public var deletedEvery: TimeInterval { config.poll.deletedEvery?.seconds ?? 900 }
    /// How often HubSpot's Forms API is read (a call per form); submissions show at once through the contacts' properties.
    public var formsEvery: TimeInterval { config.poll.formsEvery?.seconds ?? 60 }
    /// How often a summary of what the daemon did goes to the log at info; default 15 minutes.
    public var summaryEvery: TimeInterval { config.poll.summaryEvery?.seconds ?? 900 }
    /// Pages a cycle reads per stream at most; default 25.
    public var pagesPerCycle: Int { config.poll.pagesPerCycle ?? 25 }
    public var writesEnabled: Bool { config.mode?.writes ?? true }

    /// A channel's pace (`notify.pace.<channel>`), else the channel's own documented pace.
    public func pace(_ channel: String, default fallback: ChannelPacer.Pace) -> ChannelPacer.Pace {
        guard let rate = config.notify?.pace?[channel] else { return fallback }
        return ChannelPacer.Pace(perSecond: rate.perSecond, burst: rate.burst ?? max(Int(rate.perSecond.rounded(.up)), 1))
    }

    /// How alerts about long-idle leads are gathered (`notify.digest`); `nil` when switched off.
    public var digestPolicy: DigestPolicy? {
        let block = config.notify?.digest
        guard block?.enabled ?? true else { return nil }
        return DigestPolicy(horizon: block?.horizon?.seconds ?? 86_400, quiet: block?.quiet?.seconds ?? 60, maxWait: block?.maxWait?.seconds ?? 900)
    }
}

/// Where the HTTP enrichment provider is and how LeadRelay may use it.
public struct EnrichmentProviderSettings: Sendable {
    public var baseURL: URL
    public var token: Secret
    public var timeout: TimeInterval
    public var cacheFor: TimeInterval
    public var perSecond: Int
    public var lookupsPerCycle: Int

    public init(baseURL: URL, token: Secret, timeout: TimeInterval = 10, cacheFor: TimeInterval = 30 * 86_400, perSecond: Int = 5,
                lookupsPerCycle: Int = 200) {
        self.baseURL = baseURL
        self.token = token
        self.timeout = timeout
        self.cacheFor = cacheFor
        self.perSecond = perSecond
        self.lookupsPerCycle = lookupsPerCycle
    }
}

/// How LeadRelay authenticates to HubSpot.
public enum HubSpotCredentials: Sendable {
    case privateApp(token: Secret)
    case oauth(clientID: Secret, clientSecret: Secret, refreshToken: Secret)
}

/// How LeadRelay authenticates to Salesforce.
public enum SalesforceCredentials: Sendable {
    case clientCredentials(clientID: Secret, clientSecret: Secret)
    case refreshToken(clientID: Secret, clientSecret: Secret, refreshToken: Secret)
    /// The key is loaded and checked at load time: a key that does not load fails `check`, not the first login.
    case jwtBearer(SalesforceJWTSigner)
}

/// Loads and checks the configuration, collecting every problem in every file before failing.
public struct ConfigurationLoader: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// - Throws: `ConfigurationError` listing every problem with file, line and key.
    public func load(_ path: String) throws(ConfigurationError) -> LoadedConfiguration {
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        func resolve(_ file: String) -> String {
            file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
        }
        var problems: [ConfigurationProblem] = []
        let main: YAMLDocument
        switch YAMLDocument.load(path, displayName: path) {
        case .success(let document): main = document
        case .failure(let error): throw error
        }
        problems += KeySchema.leadrelay.unknownKeys(in: main.root).map(main.problem)
        let config: LeadRelayConfig
        switch main.decode(LeadRelayConfig.self) {
        case .success(let value): config = value
        case .failure(let error): throw ConfigurationError(problems + error.problems)
        }
        problems += config.validate().map(main.problem)

        // Secrets: reported by key, never by value.
        let secrets = SecretSource(environment: environment, configDirectory: directory)
        func secret(_ env: String?, _ file: String?, _ path: [String]) -> Secret? {
            switch secrets.read(env: env, file: file, path: path) {
            case .success(let value): return value
            case .failure(let issue): problems.append(main.problem(issue)); return nil
            }
        }
        var hubspotAuth: HubSpotCredentials?
        let hs = config.hubspot.auth
        if hs.typedKind == .oauth {
            let id = secret(hs.clientIdEnv, hs.clientIdFile, ["hubspot", "auth", "clientId"])
            let key = secret(hs.clientSecretEnv, hs.clientSecretFile, ["hubspot", "auth", "clientSecret"])
            let refresh = secret(hs.refreshTokenEnv, hs.refreshTokenFile, ["hubspot", "auth", "refreshToken"])
            if let id, let key, let refresh { hubspotAuth = .oauth(clientID: id, clientSecret: key, refreshToken: refresh) }
        } else if let token = secret(hs.tokenEnv, hs.tokenFile, ["hubspot", "auth"]) {
            hubspotAuth = .privateApp(token: token)
        }
        var salesforceAuth: SalesforceCredentials?
        let sf = config.salesforce.auth
        let clientID = secret(sf.clientIdEnv, sf.clientIdFile, ["salesforce", "auth"])
        var keyNotices: [ConfigurationProblem] = []
        if sf.typedKind == .jwtBearer {
            if let clientID, let username = sf.username, let file = sf.privateKeyFile {
                let keyPath = file.hasPrefix("/") ? file : (secrets.baseDirectory as NSString).appendingPathComponent(file)
                do {
                    salesforceAuth = .jwtBearer(try SalesforceJWTSigner.load(clientID: clientID, username: username,
                                                                             audience: sf.audience ?? config.salesforce.baseURL, keyFile: keyPath))
                    if let mode = (try? FileManager.default.attributesOfItem(atPath: keyPath))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
                        keyNotices.append(main.problem(ConfigIssue(path: ["salesforce", "auth", "privateKeyFile"],
                                                                "\(keyPath) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")))
                    }
                } catch {
                    problems.append(main.problem(ConfigIssue(path: ["salesforce", "auth", "privateKeyFile"], "\(error)")))
                }
            }
        } else if let clientID, let clientSecret = secret(sf.clientSecretEnv, sf.clientSecretFile, ["salesforce", "auth"]) {
            if sf.typedKind == .refreshToken {
                if let refresh = secret(sf.refreshTokenEnv, sf.refreshTokenFile, ["salesforce", "auth", "refreshToken"]) {
                    salesforceAuth = .refreshToken(clientID: clientID, clientSecret: clientSecret, refreshToken: refresh)
                }
            } else {
                salesforceAuth = .clientCredentials(clientID: clientID, clientSecret: clientSecret)
            }
        }
        func webhook(_ hook: LeadRelayConfig.Webhook, _ path: [String]) -> Secret? {
            guard let value = secret(hook.webhookURLEnv, hook.webhookURLFile, path) else { return nil }
            guard let url = URL(string: value.value), url.scheme == "https" || url.scheme == "http", url.host != nil else {
                problems.append(main.problem(ConfigIssue(path: path, "the Slack webhook is not an http(s) URL")))
                return nil
            }
            return value
        }
        let slack = config.notify?.slack.flatMap { webhook($0, ["notify", "slack"]) }
        let slackApp = config.notify?.slackApp.flatMap { app -> (token: Secret, api: URL, channel: String?)? in
            guard let token = secret(app.tokenEnv, app.tokenFile, ["notify", "slackApp"]),
                  let api = URL(string: app.baseURL ?? "https://slack.com/api") else { return nil }
            return (token, api, app.channel)
        }
        let smsAccount = config.notify?.sms.flatMap { sms -> SMSAccount? in
            guard let token = secret(sms.authTokenEnv, sms.authTokenFile, ["notify", "sms"]),
                  let base = URL(string: sms.baseURL ?? "https://api.twilio.com") else { return nil }
            return SMSAccount(baseURL: base, accountSid: sms.accountSid, authToken: token, from: sms.from,
                              messagingServiceSid: sms.messagingServiceSid, statusCallback: sms.statusCallback.flatMap(URL.init(string:)))
        }
        var repSlack: [String: Secret] = [:]
        for (rep, channels) in (config.notify?.reps ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let hook = channels.slack, let value = webhook(hook, ["notify", "reps", rep, "slack"]) { repSlack[rep] = value }
        }

        // Rule files, each checked on its own so all their problems are reported.
        var mappings: [MappingSet] = []
        var accountMapping: (set: MappingSet, file: String)?
        for (index, file) in config.mappings.enumerated() {
            guard let document = sub(resolve(file), displayName: file, at: ["mappings", String(index)], in: main, problems: &problems) else { continue }
            problems += KeySchema.mapping.unknownKeys(in: document.root).map(document.problem)
            switch document.decode(MappingFile.self) {
            case .failure(let error): problems += error.problems
            case .success(let raw):
                do {
                    let set = try MappingSet(validating: raw)
                    switch (set.hubspotObject, set.salesforceObject) {
                    case ("contacts", "Lead"):
                        if mappings.isEmpty {
                            mappings.append(set)
                        } else {
                            problems.append(main.problem(ConfigIssue(path: ["mappings", String(index)],
                                                                     "a second contacts/Lead mapping; merge its fields into \(config.mappings[0])")))
                        }
                    case ("companies", "Account"):
                        if accountMapping == nil { accountMapping = (set, file) } else {
                            problems.append(main.problem(ConfigIssue(path: ["mappings", String(index)], "a second companies/Account mapping")))
                        }
                    default:
                        problems.append(document.problem(ConfigIssue(path: ["hubspot", "object"],
                            "LeadRelay maps contacts ↔ Lead and companies ↔ Account; this file maps \(set.hubspotObject) ↔ \(set.salesforceObject)")))
                    }
                } catch {
                    problems += error.issues.map(document.problem)
                }
            }
        }
        if mappings.isEmpty, !config.mappings.isEmpty, problems.isEmpty {
            problems.append(main.problem(ConfigIssue(path: ["mappings"], "no contacts ↔ Lead mapping among the files listed")))
        }
        let attributes = Set((mappings.first?.fields.map(\.canonical) ?? [])).union(LeadAttributes.derived)
        var scoring: ScoringConfig?
        if let document = sub(resolve(config.scoring), displayName: config.scoring, at: ["scoring"], in: main, problems: &problems) {
            problems += KeySchema.scoring.unknownKeys(in: document.root).map(document.problem)
            switch document.decode(ScoringConfig.self) {
            case .failure(let error): problems += error.problems
            case .success(let value):
                scoring = value
                problems += value.validate(knownAttributes: attributes).map(document.problem)
            }
        }
        var routing: RoutingConfig?
        var notices = keyNotices
        if let document = sub(resolve(config.routing), displayName: config.routing, at: ["routing"], in: main, problems: &problems) {
            problems += KeySchema.routing.unknownKeys(in: document.root).map(document.problem)
            switch document.decode(RoutingConfig.self) {
            case .failure(let error): problems += error.problems
            case .success(let value):
                routing = value
                problems += value.validate(knownAttributes: attributes).map(document.problem)
            }
        }
        var enrichment = EnrichmentSettings.disabled
        var provider: EnrichmentProviderSettings?
        if let block = config.enrichment, let mapping = mappings.first {
            var order = (block.order ?? ["rules", "csv", "provider"]).compactMap(EnrichmentSettings.Step.init(rawValue:))
            if block.order == nil {
                order.removeAll { ($0 == .csv && block.csv == nil) || ($0 == .provider && block.provider == nil) }
            }
            enrichment = EnrichmentSettings(order: order)
            enrichment.territories = (block.rules?.territories ?? [:]).mapValues { $0.map { $0.uppercased() } }
            let fields = Set(mapping.fields.filter { $0.type != .owner }.map(\.canonical))
            for (index, name) in (block.overwrite ?? []).enumerated() where !fields.contains(name) {
                problems.append(main.problem(ConfigIssue(path: ["enrichment", "overwrite", String(index)],
                                                         "'\(name)' is not a field of \(config.mappings[0]); only mapped fields hold entered values")))
            }
            enrichment.overwrite = Set(block.overwrite ?? [])
            if let csv = block.csv {
                switch FirmographicsCSV.load(resolve(csv.file), displayName: csv.file, mapping: mapping) {
                case .success(let companies): enrichment.csvCompanies = companies
                case .failure(let error):
                    if error.problems.first?.key == "(file)" {
                        problems.append(main.problem(ConfigIssue(path: ["enrichment", "csv", "file"], "cannot read \(resolve(csv.file))")))
                    } else {
                        problems += error.problems
                    }
                }
            }
            if let block = block.provider, let url = URL(string: block.baseURL),
               let token = secret(block.tokenEnv, block.tokenFile, ["enrichment", "provider"]) {
                provider = EnrichmentProviderSettings(baseURL: url, token: token, timeout: block.timeout?.seconds ?? 10,
                                                      cacheFor: block.cacheFor?.seconds ?? 30 * 86_400, perSecond: block.perSecond ?? 5,
                                                      lookupsPerCycle: block.lookupsPerCycle ?? 200)
            }
        }
        var sla: SLAConfig?
        if let file = config.sla, let document = sub(resolve(file), displayName: file, at: ["sla"], in: main, problems: &problems) {
            problems += KeySchema.sla.unknownKeys(in: document.root).map(document.problem)
            switch document.decode(SLAConfig.self) {
            case .failure(let error): problems += error.problems
            case .success(let value):
                sla = value
                let interest = Set(scoring?.interest.events.map(\.name) ?? [])
                problems += value.validate(knownAttributes: attributes, calendars: Set((routing?.calendars ?? [:]).keys),
                                           interestRules: interest).map(document.problem)
                let reps = Set(routing?.reps.map(\.id) ?? [])
                for (rep, manager) in (value.breach?.managers ?? [:]).sorted(by: { $0.key < $1.key }) {
                    if !reps.contains(rep) {
                        problems.append(document.problem(ConfigIssue(path: ["breach", "managers", rep], "no rep '\(rep)' in \(config.routing)")))
                    }
                    if !reps.contains(manager), EmailAddress.normalise(manager) == nil {
                        problems.append(document.problem(ConfigIssue(path: ["breach", "managers", rep],
                                                                     "'\(manager)' is neither a rep of \(config.routing) nor an email address")))
                    }
                }
                notices.append(main.problem(ConfigIssue(path: ["sla"],
                    "recycling and disposition are not acted on yet: the SLA monitor reminds, escalates breaches, reassigns after the grace period and counts persistence (sla_persistence_short), but does not recycle or check rejection reasons")))
            }
        }
        if let routing {
            let known = Set(routing.reps.map(\.id))
            for rep in (config.notify?.reps ?? [:]).keys.sorted() where !known.contains(rep) {
                problems.append(main.problem(ConfigIssue(path: ["notify", "reps", rep],
                                                         "no rep '\(rep)' in \(config.routing); reps: \(known.sorted().joined(separator: ", "))")))
            }
        }
        guard problems.isEmpty, let mapping = mappings.first, let scoring, let routing, let hubspotAuth, let salesforceAuth else {
            throw ConfigurationError(problems.sorted { ($0.file, $0.line ?? 0, $0.column ?? 0) < ($1.file, $1.line ?? 0, $1.column ?? 0) })
        }
        var loaded = LoadedConfiguration(config: config, path: path, mapping: mapping, scoring: scoring, routing: routing,
                                         storePath: resolve(config.store.sqlite), hubspotAuth: hubspotAuth, salesforceAuth: salesforceAuth,
                                         slackWebhook: slack)
        loaded.notices = notices
        loaded.sla = sla
        loaded.repSlackWebhooks = repSlack
        loaded.slackApp = slackApp
        loaded.smsAccount = smsAccount
        var version = FNV1a()
        for file in [path] + config.mappings.map(resolve) + [resolve(config.scoring), resolve(config.routing)] + (config.sla.map { [resolve($0)] } ?? []) {
            version.combine(FileManager.default.contents(atPath: file) ?? Data())
        }
        loaded.version = version.hex
        loaded.enrichment = enrichment
        loaded.enrichmentProvider = provider
        loaded.accountMapping = accountMapping?.set
        loaded.accountMappingFile = accountMapping?.file
        let planned: [([String], String)] = [
            (["admin"], "the admin server (/healthz, /readyz, /metrics) is not built yet; nothing listens"),
        ]
        for (keyPath, message) in planned {
            guard let node = main.node(at: keyPath), node != main.node(at: Array(keyPath.dropLast())) else { continue }
            loaded.notices.append(main.problem(ConfigIssue(path: keyPath, message)))
        }
        return loaded
    }

    func sub(_ path: String, displayName: String, at key: [String], in main: YAMLDocument, problems: inout [ConfigurationProblem]) -> YAMLDocument? {
        switch YAMLDocument.load(path, displayName: displayName) {
        case .success(let document): return document
        case .failure(let error):
            if error.problems.first?.key == "(file)" {
                problems.append(main.problem(ConfigIssue(path: key, "cannot read \(path)")))
            } else {
                problems += error.problems
            }
            return nil
        }
    }
}
