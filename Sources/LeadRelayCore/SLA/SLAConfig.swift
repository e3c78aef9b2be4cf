import Foundation

/// `sla.yaml`: how fast sales must first touch an MQL (per tier, in business time on the owner's calendar), how many
/// touches follow, what a breach sets off, and which statuses need a coded reason.
///
/// ```yaml
/// tiers:
///   - { name: hot,  when: { form: demo-request }, firstTouchWithin: 2h, remindAt: [0.5, 0.75, 0.9] }
///   - { name: warm, firstTouchWithin: 24h }
/// persistence: { minimumTouches: 6, within: 14d, spacing: 4h, onFailure: recycle }
/// breach: { notify: manager, reassignAfter: 4h, neverBackTo: 2 }
/// disposition:
///   requiredFor: [Unqualified, Rejected]
///   reasonField: { salesforce: Disqualification_Reason__c, hubspot: hs_lead_disqualification_reason }
/// ```
public struct SLAConfig: Sendable, Hashable, Decodable {
    public struct Tier: Sendable, Hashable, Decodable {
        public var name: String
        /// Every condition must hold; none: every MQL. `score`, `fit` and `interest` test the score at the MQL,
        /// `form` a form the person submitted, `event` an interest rule of `scoring.yaml` that counted, `source` the
        /// lead source; any other key a lead attribute, as in `scoring.yaml`.
        public var when: [String: Condition]?
        /// Time from assignment to the first sales touch.
        public var firstTouchWithin: ConfigDuration
        /// Count the owner's working hours only (their calendar, holidays and time off); `false` or absent:
        /// wall-clock time.
        public var businessHours: Bool?
        /// Shares of the target at which the owner is reminded, each once (`[0.5, 0.9]`).
        public var remindAt: [Double]?
        /// This tier's own persistence standard, instead of the file's.
        public var persistence: Persistence?

        public init(name: String, when: [String: Condition]? = nil, firstTouchWithin: ConfigDuration, businessHours: Bool? = nil,
                    remindAt: [Double]? = nil, persistence: Persistence? = nil) {
            self.name = name
            self.when = when
            self.firstTouchWithin = firstTouchWithin
            self.businessHours = businessHours
            self.remindAt = remindAt
            self.persistence = persistence
        }

        /// Wall-clock time unless the tier says `businessHours: true`.
        public var countsBusinessHours: Bool { businessHours ?? false }
    }

    /// The touches expected after the first, and what falling short means.
    public struct Persistence: Sendable, Hashable, Decodable {
        public enum Failure: String, Sendable, Hashable, ConfigEnum {
            /// Back to marketing: status and lifecycle written in both CRMs, the owner cleared (or the nurture queue).
            case recycle
            /// Only reported.
            case report
        }

        public var minimumTouches: Int
        /// How long the rep has for them, counted from assignment: whole days (`14d`) are working days of the owner's
        /// calendar when the tier counts business hours.
        public var within: ConfigDuration
        /// Touches closer together than this count once (a call and a voicemail email a minute apart are one touch).
        public var spacing: ConfigDuration?
        public var onFailure: Failure?
    }

    public struct Breach: Sendable, Hashable, Decodable {
        public enum Notify: String, Sendable, Hashable, ConfigEnum {
            /// The owner's manager: Salesforce `User.ManagerId`, else `managers:` below.
            case manager
            /// Only the owner.
            case owner
            case none
        }

        public var notify: Notify?
        /// Rep id → the manager to tell (a rep id or an email address), where Salesforce does not say.
        public var managers: [String: String]?
        /// After the breach, this much longer (same clock as the tier) before the lead is routed again.
        public var reassignAfter: ConfigDuration?
        /// How many of the lead's latest owners a reassignment never goes back to (`previous-owners`: all of them).
        public var neverBackTo: NeverBackTo?
    }

    public enum NeverBackTo: Sendable, Hashable, Decodable {
        case last(Int)
        case all

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let count = try? container.decode(Int.self) {
                guard count >= 1 else { throw DecodingError.dataCorruptedError(in: container, debugDescription: "neverBackTo is a count of 1 or more, or previous-owners") }
                self = .last(count)
                return
            }
            guard try container.decode(String.self) == "previous-owners" else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "neverBackTo is a count of owners (e.g. 2) or previous-owners")
            }
            self = .all
        }
    }

    /// What an open SLA does while its owner is out of office.
    public enum OutOfOffice: String, Sendable, Hashable, ConfigEnum {
        /// The clock stops while they are away (their time off is closed time on their calendar).
        case pause
        /// The lead is routed again to someone working.
        case reassign
    }

    public struct Disposition: Sendable, Hashable, Decodable {
        public struct Fields: Sendable, Hashable, Decodable {
            public var salesforce: String?
            public var hubspot: String?
        }

        /// Lead statuses (either CRM's values) that need a reason from the closed list.
        public var requiredFor: [String]
        /// Where each CRM keeps the reason.
        public var reasonField: Fields?
        /// The closed list: reason value → its category. Without it, `DispositionReason.standard`.
        public var reasons: [String: DispositionCategory]?
    }

    public var tiers: [Tier]
    public var persistence: Persistence?
    public var breach: Breach?
    public var outOfOffice: OutOfOffice?
    /// A calendar of `routing.yaml`'s `calendars:` for reps without one of their own; without it such reps' business
    /// hours are the whole day in their time zone.
    public var calendar: String?
    public var disposition: Disposition?
    /// The longest the monitor sleeps between looks (default 15 s); it wakes sooner for a timer due sooner.
    public var tick: ConfigDuration?

    public init(tiers: [Tier], persistence: Persistence? = nil, breach: Breach? = nil, outOfOffice: OutOfOffice? = nil,
                calendar: String? = nil, disposition: Disposition? = nil) {
        self.tiers = tiers
        self.persistence = persistence
        self.breach = breach
        self.outOfOffice = outOfOffice
        self.calendar = calendar
        self.disposition = disposition
    }

    /// Keys a tier's `when` may use besides lead attributes.
    public static let tierKeys: Set<String> = ["score", "fit", "interest", "form", "event", "source"]

    public func tier(named name: String) -> Tier? { tiers.first { $0.name == name } }

    /// Every problem, with its path in the file. `calendars` are the names `routing.yaml` defines; `interestRules`
    /// the names of `scoring.yaml`'s interest rules (for `event:`).
    public func validate(knownAttributes: Set<String>, calendars: Set<String>, interestRules: Set<String>) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        if tiers.isEmpty { issues.append(ConfigIssue(path: ["tiers"], "no tiers: write at least one, e.g. { name: standard, firstTouchWithin: 24h }")) }
        var names: Set<String> = []
        for (index, tier) in tiers.enumerated() {
            let path = ["tiers", "\(index)"]
            if tier.name.isBlank { issues.append(ConfigIssue(path: path + ["name"], "a tier needs a name")) }
            if !names.insert(tier.name).inserted { issues.append(ConfigIssue(path: path + ["name"], "duplicate tier name '\(tier.name)'")) }
            if tier.firstTouchWithin.seconds <= 0 {
                issues.append(ConfigIssue(path: path + ["firstTouchWithin"], "the first-touch target must be longer than zero"))
            }
            for key in (tier.when ?? [:]).keys.sorted() where !knownAttributes.contains(key) && !Self.tierKeys.contains(key) {
                issues.append(ConfigIssue(path: path + ["when", key], "unknown condition '\(key)'; expected one of \(Self.tierKeys.sorted().joined(separator: ", ")), a mapped field or one of \(LeadAttributes.derived.sorted().joined(separator: ", "))"))
            }
            if tier.when?["source"] != nil, !knownAttributes.contains("leadSource"), !knownAttributes.contains("source") {
                issues.append(ConfigIssue(path: path + ["when", "source"], "the mapping has no leadSource field to test; map one (HubSpot hs_analytics_source, Salesforce LeadSource)"))
            }
            if case .equals(let rule)? = tier.when?["event"], !interestRules.contains(rule) {
                issues.append(ConfigIssue(path: path + ["when", "event"], "no interest rule '\(rule)' in scoring.yaml; rules: \(interestRules.sorted().joined(separator: ", "))"))
            }
            for (share, value) in (tier.remindAt ?? []).enumerated() where !(value > 0 && value < 1) {
                issues.append(ConfigIssue(path: path + ["remindAt", "\(share)"], "\(Condition.format(value)) is not a share of the target; write a number between 0 and 1, e.g. 0.5"))
            }
            if let persistence = tier.persistence { issues += Self.validate(persistence, at: path + ["persistence"]) }
            if index < tiers.count - 1, tier.when == nil {
                issues.append(ConfigIssue(path: path + ["when"], "tier '\(tier.name)' takes every MQL, so the tiers after it never apply; put it last"))
            }
        }
        if let persistence { issues += Self.validate(persistence, at: ["persistence"]) }
        if let tick, tick.seconds < 1 || tick.seconds > 300 {
            issues.append(ConfigIssue(path: ["tick"], "the monitor looks every 1s to 5m; \(tick) would \(tick.seconds < 1 ? "spin" : "see breaches late")"))
        }
        if let calendar, !calendars.contains(calendar) {
            issues.append(ConfigIssue(path: ["calendar"], "no calendar '\(calendar)' in routing.yaml; calendars: \(calendars.sorted().joined(separator: ", "))"))
        }
        if let disposition {
            if disposition.requiredFor.isEmpty { issues.append(ConfigIssue(path: ["disposition", "requiredFor"], "list the statuses that need a reason")) }
            if disposition.reasons?.isEmpty == true { issues.append(ConfigIssue(path: ["disposition", "reasons"], "an empty list of reasons: no rejection could ever be valid")) }
        }
        return issues
    }

    static func validate(_ persistence: Persistence, at path: [String]) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        if persistence.minimumTouches < 1 { issues.append(ConfigIssue(path: path + ["minimumTouches"], "at least 1 touch")) }
        if persistence.within.seconds <= 0 { issues.append(ConfigIssue(path: path + ["within"], "the persistence window must be longer than zero")) }
        if let spacing = persistence.spacing, persistence.minimumTouches > 1,
           spacing.seconds * Double(persistence.minimumTouches - 1) > persistence.within.seconds {
            issues.append(ConfigIssue(path: path + ["spacing"], "\(persistence.minimumTouches) touches \(spacing) apart do not fit within \(persistence.within)"))
        }
        return issues
    }
}

/// Why a rep may reject an MQL: the closed list's categories.
public enum DispositionCategory: String, Sendable, Hashable, ConfigEnum {
    /// The hand-off went wrong (misrouted, a duplicate): the rep is owed a replacement.
    case procedural
    /// The record's data is wrong (bad email or phone).
    case clerical
    /// The person is not a buyer now (outside the profile, timing, budget, competitor): counts toward the rep's quota.
    case definitional
    /// Disqualified after talking to them.
    case afterContact = "after-contact"
}
