import Foundation

/// What each CRM's lead-status field says at each stage of the hand-off after MQL, from the mapping file's
/// `lifecycle:` section: LeadRelay reads any listed value as that stage and writes the first. A stage a side lists
/// nothing for is never written there (a fresh Salesforce org has no "Qualified" or "Recycled" status: converting is
/// the rep's act, and an org that adds such statuses names them here).
///
/// HubSpot's `lifecyclestage` is not in the table: its option values are HubSpot's own (`LifecycleStage.hubspotValue`),
/// and LeadRelay moves it forward only, except for an explicit move back (recycle), which clears it first.
public struct LifecycleMap: Sendable, Hashable {
    /// One CRM's status field and its values per stage.
    public struct Side: Sendable, Hashable {
        /// The status field: `hs_lead_status` on HubSpot contacts, `Status` on Salesforce leads.
        public var field: String
        /// Stage → the values that state it; the first is what LeadRelay writes.
        public var values: [LifecycleStage: [String]] {
            didSet { values = values.filter { !$0.value.isEmpty }; index = Self.index(values) }
        }
        /// Each listed value (case and surrounding spaces aside) → the first stage in funnel order that lists it.
        private var index: [String: LifecycleStage]

        public init(field: String, values: [LifecycleStage: [String]]) {
            self.field = field
            self.values = values.filter { !$0.value.isEmpty }
            self.index = Self.index(self.values)
        }

        static func index(_ values: [LifecycleStage: [String]]) -> [String: LifecycleStage] {
            var index: [String: LifecycleStage] = [:]
            for stage in LifecycleMap.stages.reversed() { for value in values[stage] ?? [] { index[LifecycleMap.key(value)] = stage } }
            return index
        }

        /// The stage `status` states, if any listed value equals it (case and surrounding spaces aside). A value listed
        /// under several stages states the first of them in funnel order.
        public func stage(status: String?) -> LifecycleStage? {
            guard let status else { return nil }
            return index[LifecycleMap.key(status)]
        }

        /// The value LeadRelay writes for `stage`, `nil` when this side lists none.
        public func write(_ stage: LifecycleStage) -> String? { values[stage]?.first }
    }

    /// The stages the table may name: those sales moves a lead through after the hand-off.
    public static let stages: [LifecycleStage] = [.sal, .sql, .opportunity, .customer, .recycled, .disqualified]

    public var hubspot: Side
    public var salesforce: Side

    public init(hubspot: Side, salesforce: Side) {
        self.hubspot = hubspot
        self.salesforce = salesforce
    }

    /// A freshly provisioned portal's `hs_lead_status` options and a fresh org's Lead `Status` picklist.
    public static let freshDefaults = LifecycleMap(
        hubspot: Side(field: CRMFieldNames.hubspotLeadStatus, values: [
            .sal: ["IN_PROGRESS", "CONNECTED", "ATTEMPTED_TO_CONTACT"],
            .opportunity: ["OPEN_DEAL"],
            .recycled: ["BAD_TIMING"],
            .disqualified: ["UNQUALIFIED"],
        ]),
        salesforce: Side(field: CRMFieldNames.salesforceStatus, values: [
            .sal: ["Working - Contacted"],
            .disqualified: ["Closed - Not Converted"],
        ]))

    /// No stages: what a mapping of companies and accounts has (they have no lead status).
    public static let empty = LifecycleMap(hubspot: Side(field: CRMFieldNames.hubspotLeadStatus, values: [:]),
                                           salesforce: Side(field: CRMFieldNames.salesforceStatus, values: [:]))

    public func side(_ system: CRMSystem) -> Side {
        system == .hubspot ? hubspot : salesforce
    }

    /// The HubSpot `lifecyclestage` a person at `stage` should hold at least (`nil`: the table's status says it all).
    /// HubSpot has no accepted-lead stage: an accepted lead is still a marketing-qualified one there.
    public static func hubspotStage(for stage: LifecycleStage) -> LifecycleStage? {
        switch stage {
        case .sal: .mql
        case .sql, .opportunity, .customer: stage
        case .recycled: .lead
        case .disqualified, .subscriber, .lead, .mql: nil
        }
    }

    static func key(_ value: String) -> String {
        value.fastTrimmed(.whitespaces).lowercased()
    }
}
