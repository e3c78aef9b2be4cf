import Foundation
import LeadRelayCore

/// How LeadRelay authenticates to HubSpot (`hubspot.auth.kind`).
public enum HubSpotAuthKind: String, Sendable, CaseIterable {
    /// A private app's access token.
    case privateApp = "private-app"
    /// A public app's client id, secret and refresh token.
    case oauth
}

/// How LeadRelay authenticates to Salesforce (`salesforce.auth.kind`).
public enum SalesforceAuthKind: String, Sendable, CaseIterable {
    case clientCredentials = "client-credentials"
    case refreshToken = "refresh-token"
    /// A signed assertion (RS256 with the connected app certificate's private key): `clientId`, `username`, `privateKeyFile`.
    case jwtBearer = "jwt-bearer"
}

/// `leadrelay.yaml`: where the CRMs, the store and the rule files are. Secrets are named, never written here.
public struct LeadRelayConfig: Sendable, Decodable {
    public struct HubSpot: Sendable, Decodable {
        public struct Auth: Sendable, Decodable {
            /// `private-app` (a token) or `oauth` (a public app's client id, secret and refresh token).
            public var kind: String
            public var tokenEnv: String?
            public var tokenFile: String?
            public var clientIdEnv: String?
            public var clientIdFile: String?
            public var clientSecretEnv: String?
            public var clientSecretFile: String?
            public var refreshTokenEnv: String?
            public var refreshTokenFile: String?

            /// The kind as a value; `nil` for a word LeadRelay does not know (reported by `validate`).
            public var typedKind: HubSpotAuthKind? { HubSpotAuthKind(rawValue: kind) }
        }
        public var baseURL: String
        public var auth: Auth
        public var timeout: ConfigDuration?
        public var rateLimit: RateLimit?
        /// The HubSpot account (hub) id, for links to records in reports (Settings → Account details).
        public var portalId: String?
        /// The app host records are linked on: `https://app.hubspot.com` (default), `https://app-eu1.hubspot.com`, …
        public var appURL: String?
    }

    /// A CRM's request budget: pacing per window, search per second (HubSpot), the daily budget and the share kept free.
    public struct RateLimit: Sendable, Decodable {
        public var perTenSeconds: Int?
        public var searchPerSecond: Int?
        public var dailyBudget: Int?
        /// Share of the daily budget left for people and other integrations (0 to 1; 0.2 keeps 20%).
        public var keepFree: Double?

        public init(perTenSeconds: Int? = nil, searchPerSecond: Int? = nil, dailyBudget: Int? = nil, keepFree: Double? = nil) {
            self.perTenSeconds = perTenSeconds
            self.searchPerSecond = searchPerSecond
            self.dailyBudget = dailyBudget
            self.keepFree = keepFree
        }
    }

    public struct Salesforce: Sendable, Decodable {
        public struct Auth: Sendable, Decodable {
            public var kind: String
            public var clientIdEnv: String?
            public var clientIdFile: String?
            public var clientSecretEnv: String?
            public var clientSecretFile: String?
            /// `kind: refresh-token` only.
            public var refreshTokenEnv: String?
            public var refreshTokenFile: String?
            /// `kind: jwt-bearer` only: the integration user's Salesforce username (`sub`).
            public var username: String?
            /// `kind: jwt-bearer` only: the PEM private key of the certificate uploaded to the connected app (a credential
            /// file: relative names resolve in `$CREDENTIALS_DIRECTORY`, else beside this file).
            public var privateKeyFile: String?
            /// `kind: jwt-bearer` only: the `aud` claim; default the login host (`baseURL`).
            public var audience: String?

            /// The kind as a value; `nil` for a word LeadRelay does not know (reported by `validate`).
            public var typedKind: SalesforceAuthKind? { SalesforceAuthKind(rawValue: kind) }
        }
        /// The token endpoint host (`https://login.salesforce.com` or a My Domain host).
        public var baseURL: String
        public var apiVersion: String
        public var auth: Auth
        public var timeout: ConfigDuration?
        public var rateLimit: RateLimit?
        /// The org's own URL (My Domain, e.g. `https://acme.my.salesforce.com`), for Lightning links to records in reports.
        public var instanceURL: String?
    }

    public struct Poll: Sendable, Decodable {
        public var interval: ConfigDuration
        /// How far behind the watermark each poll re-reads, for late commits and search index lag.
        public var lookback: ConfigDuration?
        /// How often archived records (which the incremental poll cannot see) are swept.
        public var deletedEvery: ConfigDuration?
        /// How often HubSpot's Forms API is read where the events API is off (default 60 s).
        public var formsEvery: ConfigDuration?
        /// How often the daemon logs a summary of what it did at info (default 15 minutes).
        public var summaryEvery: ConfigDuration?
        /// Pages one cycle reads per stream at most (default 25: 5,000 HubSpot contacts, 50,000 Salesforce rows); a backlog
        /// beyond it is many small commits.
        public var pagesPerCycle: Int?
    }

    public struct Store: Sendable, Decodable {
        public var sqlite: String
    }

    public struct Webhook: Sendable, Decodable {
        public var webhookURLEnv: String?
        public var webhookURLFile: String?
    }

    public struct Mode: Sendable, Decodable {
        /// `false` observes only: plans are computed and stored, nothing is written to the CRMs.
        public var writes: Bool
    }

    /// `enrichment:` sources in order, and which entered fields they may replace.
    public struct Enrichment: Sendable, Decodable {
        public struct Rules: Sendable, Decodable {
            /// Territory → ISO codes: countries (`DE`) or ISO 3166-2 regions (`US-MA`).
            public var territories: [String: [String]]?
        }
        public struct CSVSource: Sendable, Decodable {
            /// Columns: `domain`, then canonical fields (company, industry, employees, annualRevenue, country, state, …).
            public var file: String
        }
        public struct Provider: Sendable, Decodable {
            public var baseURL: String
            public var tokenEnv: String?
            public var tokenFile: String?
            public var timeout: ConfigDuration?
            /// How long an answer (or "unknown company") is reused before asking again; default 30 days.
            public var cacheFor: ConfigDuration?
            /// Requests per second LeadRelay allows itself; default 5.
            public var perSecond: Int?
            /// Domains looked up per cycle at most (the rest wait for the next cycle); default 200.
            public var lookupsPerCycle: Int?
        }
        /// Source names in the order asked: `rules`, `csv`, `provider` (default: those configured, in that order).
        public var order: [String]?
        public var rules: Rules?
        public var csv: CSVSource?
        public var provider: Provider?
        /// Canonical fields enrichment may replace even when a person entered a value (default: none).
        public var overwrite: [String]?
    }

    public var hubspot: HubSpot
    public var salesforce: Salesforce
    public var poll: Poll
    public var store: Store
    public var mappings: [String]
    public var scoring: String
    public var routing: String
    public var sla: String?
    public var notify: Notify?
    public var mode: Mode?
    public var enrichment: Enrichment?

    public static let supportedHubSpotAuth = HubSpotAuthKind.allCases.map(\.rawValue)
    public static let supportedSalesforceAuth = SalesforceAuthKind.allCases.map(\.rawValue)

    /// Checks the decoder cannot make, all of them at once.
    func validate() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        for (system, limit) in [("hubspot", hubspot.rateLimit), ("salesforce", salesforce.rateLimit)] {
            guard let limit else { continue }
            for (key, value) in [("perTenSeconds", limit.perTenSeconds), ("searchPerSecond", limit.searchPerSecond), ("dailyBudget", limit.dailyBudget)] {
                if let value, value < 1 { issues.append(ConfigIssue(path: [system, "rateLimit", key], "must be at least 1 (leave it out for no limit)")) }
            }
            if let keepFree = limit.keepFree, !(0..<1).contains(keepFree) {
                issues.append(ConfigIssue(path: [system, "rateLimit", "keepFree"], "is the share of the daily budget kept free, from 0 up to (not including) 1; e.g. 0.2"))
            }
        }
        if salesforce.rateLimit?.perTenSeconds != nil || salesforce.rateLimit?.searchPerSecond != nil {
            issues.append(ConfigIssue(path: ["salesforce", "rateLimit"], "Salesforce budgets are daily only: dailyBudget and keepFree"))
        }
        if let portal = hubspot.portalId, portal.isEmpty || !portal.allSatisfy({ ("0"..."9").contains($0) }) {
            issues.append(ConfigIssue(path: ["hubspot", "portalId"], "'\(portal)' is not a HubSpot account id (digits, e.g. 62515)"))
        }
        let sites = [(["hubspot", "appURL"], hubspot.appURL), (["salesforce", "instanceURL"], salesforce.instanceURL)].compactMap { path, text in
            text.map { (path, $0) }
        }
        for (path, text) in [(["hubspot", "baseURL"], hubspot.baseURL), (["salesforce", "baseURL"], salesforce.baseURL)] + sites {
            if URL(string: text)?.scheme.map({ ["http", "https"].contains($0) }) != true || URL(string: text)?.host == nil {
                issues.append(ConfigIssue(path: path, "'\(text)' is not an http(s) URL"))
            }
        }
        func exactlyOne(_ system: String, _ name: String, _ env: String?, _ file: String?) {
            if (env == nil) == (file == nil) {
                issues.append(ConfigIssue(path: [system, "auth"], "name exactly one of \(name)Env or \(name)File"))
            }
        }
        switch hubspot.auth.typedKind {
        case .privateApp:
            exactlyOne("hubspot", "token", hubspot.auth.tokenEnv, hubspot.auth.tokenFile)
        case .oauth:
            exactlyOne("hubspot", "clientId", hubspot.auth.clientIdEnv, hubspot.auth.clientIdFile)
            exactlyOne("hubspot", "clientSecret", hubspot.auth.clientSecretEnv, hubspot.auth.clientSecretFile)
            exactlyOne("hubspot", "refreshToken", hubspot.auth.refreshTokenEnv, hubspot.auth.refreshTokenFile)
        case nil:
            issues.append(ConfigIssue(path: ["hubspot", "auth", "kind"], "unsupported auth kind '\(hubspot.auth.kind)'; supported: \(Self.supportedHubSpotAuth.joined(separator: ", "))"))
        }
        switch salesforce.auth.typedKind {
        case .clientCredentials, .refreshToken:
            exactlyOne("salesforce", "clientId", salesforce.auth.clientIdEnv, salesforce.auth.clientIdFile)
            exactlyOne("salesforce", "clientSecret", salesforce.auth.clientSecretEnv, salesforce.auth.clientSecretFile)
            if salesforce.auth.typedKind == .refreshToken {
                exactlyOne("salesforce", "refreshToken", salesforce.auth.refreshTokenEnv, salesforce.auth.refreshTokenFile)
            }
        case .jwtBearer:
            exactlyOne("salesforce", "clientId", salesforce.auth.clientIdEnv, salesforce.auth.clientIdFile)
            if salesforce.auth.username?.isEmpty ?? true {
                issues.append(ConfigIssue(path: ["salesforce", "auth"], "jwt-bearer needs username: the integration user's Salesforce username"))
            }
            if salesforce.auth.privateKeyFile?.isEmpty ?? true {
                issues.append(ConfigIssue(path: ["salesforce", "auth"], "jwt-bearer needs privateKeyFile: the PEM key of the connected app's certificate"))
            }
        case nil:
            issues.append(ConfigIssue(path: ["salesforce", "auth", "kind"], "unsupported auth kind '\(salesforce.auth.kind)'; supported: \(Self.supportedSalesforceAuth.joined(separator: ", "))"))
        }
        let version = salesforce.apiVersion.hasPrefix("v") ? String(salesforce.apiVersion.dropFirst()) : salesforce.apiVersion
        if Double(version) == nil || !version.contains(".") {
            issues.append(ConfigIssue(path: ["salesforce", "apiVersion"], "'\(salesforce.apiVersion)' is not an API version; write it like \"v62.0\""))
        }
        if let pages = poll.pagesPerCycle, pages < 1 {
            issues.append(ConfigIssue(path: ["poll", "pagesPerCycle"], "a cycle must read at least one page; use 1 or more"))
        }
        if let every = poll.summaryEvery, every.seconds < 60 {
            issues.append(ConfigIssue(path: ["poll", "summaryEvery"], "a summary more often than once a minute is no summary; use at least 1m"))
        }
        if poll.interval.seconds < 1 {
            issues.append(ConfigIssue(path: ["poll", "interval"], "poll more often than once a second wastes API budget; use at least 1s"))
        }
        if mappings.isEmpty {
            issues.append(ConfigIssue(path: ["mappings"], "name at least one mapping file"))
        }
        issues += validateNotify()
        if let enrichment { issues += validate(enrichment) }
        return issues
    }

    func validate(_ enrichment: Enrichment) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        let configured: [String] = [enrichment.rules.map { _ in "rules" } ?? "rules", enrichment.csv.map { _ in "csv" },
                                    enrichment.provider.map { _ in "provider" }].compactMap { $0 }
        for (index, name) in (enrichment.order ?? []).enumerated() {
            if EnrichmentSettings.Step(rawValue: name) == nil {
                issues.append(ConfigIssue(path: ["enrichment", "order", String(index)], "unknown source '\(name)'; expected rules, csv or provider"))
            } else if !configured.contains(name) {
                issues.append(ConfigIssue(path: ["enrichment", "order", String(index)], "'\(name)' is listed but has no block of its own under enrichment"))
            } else if enrichment.order?.firstIndex(of: name) != index {
                issues.append(ConfigIssue(path: ["enrichment", "order", String(index)], "'\(name)' is listed twice"))
            }
        }
        var seen: [String: String] = [:]
        for (territory, codes) in (enrichment.rules?.territories ?? [:]).sorted(by: { $0.key < $1.key }) {
            for code in codes {
                let upper = code.uppercased()
                let isCountry = upper.count == 2 && Places.country(upper) != nil
                let isRegion = upper.count > 3 && Places.subdivision(String(upper.dropFirst(3)), country: String(upper.prefix(2))) == upper
                if !isCountry && !isRegion {
                    issues.append(ConfigIssue(path: ["enrichment", "rules", "territories", territory], "'\(code)' is not an ISO 3166 country (DE) or region (US-MA)"))
                } else if let other = seen[upper] {
                    issues.append(ConfigIssue(path: ["enrichment", "rules", "territories", territory], "'\(code)' is already in territory '\(other)'; a place belongs to one territory"))
                } else {
                    seen[upper] = territory
                }
            }
        }
        if let provider = enrichment.provider {
            if URL(string: provider.baseURL)?.scheme.map({ ["http", "https"].contains($0) }) != true || URL(string: provider.baseURL)?.host == nil {
                issues.append(ConfigIssue(path: ["enrichment", "provider", "baseURL"], "'\(provider.baseURL)' is not an http(s) URL"))
            }
            if (provider.tokenEnv == nil) == (provider.tokenFile == nil) {
                issues.append(ConfigIssue(path: ["enrichment", "provider"], "name exactly one of tokenEnv or tokenFile"))
            }
            for (key, value) in [("perSecond", provider.perSecond), ("lookupsPerCycle", provider.lookupsPerCycle)] {
                if let value, value < 1 { issues.append(ConfigIssue(path: ["enrichment", "provider", key], "must be at least 1")) }
            }
        }
        return issues
    }
}
