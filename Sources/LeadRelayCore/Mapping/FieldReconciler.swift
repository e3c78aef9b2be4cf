import Foundation

/// The verdict on one mapped field of one person: the value both systems should hold, and why.
public struct FieldDecision: Sendable, Hashable, Codable {
    public var field: String
    /// The canonical value both systems should hold (`nil`: blank).
    public var value: String?
    /// The system whose value won, `nil` when both already agreed.
    public var from: CRMSystem?
    public var rule: SyncRule
    /// Both systems changed the field since the last sync, to different values.
    public var conflict: Bool
    public var hubspotValue: String?
    public var salesforceValue: String?
    /// Systems to write `value` into.
    public var writeTo: [CRMSystem]
    /// Why nothing is written where the values still differ (blank protection, no translation, one-way rule).
    public var held: String?

    public init(field: String, value: String?, from: CRMSystem?, rule: SyncRule, conflict: Bool, hubspotValue: String?,
                salesforceValue: String?, writeTo: [CRMSystem], held: String?) {
        self.field = field
        self.value = value
        self.from = from
        self.rule = rule
        self.conflict = conflict
        self.hubspotValue = hubspotValue
        self.salesforceValue = salesforceValue
        self.writeTo = writeTo
        self.held = held
    }

    /// The plan's reason: reconciled, or a conflict the rule settled.
    public var planReason: Reason {
        Reason(conflict ? .fieldConflict : .fieldReconciled, reason,
               facts: ["field": field, "rule": rule.rawValue, "from": from?.rawValue ?? "", "writeTo": writeTo.map(\.rawValue).joined(separator: ",")])
    }

    public var reason: String {
        var text = "\(field): "
        if let from { text += "\(from.displayName) value \(Self.show(value)) wins by \(rule.rawValue)" } else { text += "both hold \(Self.show(value))" }
        if conflict { text += " (conflict: HubSpot \(Self.show(hubspotValue)), Salesforce \(Self.show(salesforceValue)))" }
        if let held { text += "; \(held)" }
        return text
    }

    static func show(_ value: String?) -> String { value.map { "'\($0)'" } ?? "blank" }
}

/// Field-level two-way reconciliation against the last synced value.
///
/// Each side's current value is compared with the value LeadRelay last reconciled for the person: the
/// side that differs is the side that changed. One side changed → it wins (as far as the rule lets that
/// side lead). Both changed to different values → a conflict, settled by the rule. Never reconciled before →
/// the rule decides. Our own writes coming back equal the synced value, so they are never changes: no loop.
/// A blank never clears a value unless the field opts in (`clearBlanks`).
public struct FieldReconciler: Sendable {
    public var field: FieldMapping

    public init(field: FieldMapping) { self.field = field }

    /// Decides the field; `last` is the synced value (`.some(nil)`: synced as blank; `nil`: never synced).
    ///
    /// `moved` says, when known, whether each side's value moved since LeadRelay last read the record: a side whose
    /// record did not change still holds what it held (a write to it may be pending or refused), so it is no change
    /// of a person's, and the synced value stands where the other side still holds it.
    public func decide(hubspot: SourceRecord, salesforce: SourceRecord, last: String??,
                       moved: (hubspot: Bool, salesforce: Bool)? = nil) -> FieldDecision? {
        guard field.hubspot != nil, field.salesforce != nil, field.type != .owner, field.rule != .leadrelay else { return nil }
        let hs = field.canonicalValue(from: hubspot), sf = field.canonicalValue(from: salesforce)
        var decision = FieldDecision(field: field.canonical, value: hs, from: nil, rule: field.rule, conflict: false,
                                     hubspotValue: hs, salesforceValue: sf, writeTo: [], held: nil)
        if hs == nil, sf == nil, let fallback = field.defaultValue {
            // Both blank: the field's default goes to every side the rule lets LeadRelay write.
            decision.value = fallback
            decision.writeTo = CRMSystem.allCases.sorted().filter { field.rule.writes(into: $0) }
            decision.held = decision.writeTo.isEmpty ? "rule \(field.rule.rawValue) writes neither system" : nil
            return checked(limited(decision))
        }
        guard !field.same(hs, sf) else {
            // The same value (or band of a range enumeration): the more precise one stands — a number over its range,
            // unless the number is the band's lower bound, which is what LeadRelay itself writes for a range (the range
            // is then all anyone knows).
            if hs != sf, let sf, field.ranges[.salesforce] == nil, !field.isLowerBound(sf) { decision.value = sf }
            return decision
        }
        let newer: CRMSystem = hubspot.modifiedAt > salesforce.modifiedAt ? .hubspot : .salesforce
        var winner = ruleWinner(hs: hs, sf: sf, newer: newer)
        if case .some(let synced) = last {
            var hsChanged = !field.same(hs, synced), sfChanged = !field.same(sf, synced)
            if let moved {
                hsChanged = hsChanged && moved.hubspot
                sfChanged = sfChanged && moved.salesforce
            }
            if let moved, !hsChanged, !sfChanged, field.same(hs, synced) || field.same(sf, synced), !(moved.hubspot && moved.salesforce) {
                // Nobody changed it since the last read: the synced value stands, on the side that holds it.
                winner = field.same(hs, synced) ? .hubspot : .salesforce
            } else {
                decision.conflict = hsChanged == sfChanged
                // Where the rule fixes no direction, the one side that changed leads; otherwise the rule does.
                if !decision.conflict, field.rule == .twoWay || field.rule == .never { winner = hsChanged ? .hubspot : .salesforce }
            }
        }
        var value = winner == .hubspot ? hs : sf
        let other = winner == .hubspot ? sf : hs
        if value == nil, other != nil, !field.clearBlanks {
            // A blank never clears data unless the field opts in: the value stands and flows to the blank side.
            value = other
            winner = winner == .hubspot ? .salesforce : .hubspot
        }
        decision.value = value
        decision.from = winner
        if field.rule == .fillIfEmpty, hs != nil, sf != nil {
            decision.held = "fill-if-empty: both systems already hold a value"
            return decision
        }
        if field.rule == .never {
            decision.held = "rule never: each system keeps its own value"
            return decision
        }
        let target: CRMSystem = winner == .hubspot ? .salesforce : .hubspot
        if !field.rule.writes(into: target) {
            decision.held = "rule \(field.rule.rawValue) does not write \(target.displayName)"
        } else if let value, field.type == .picklist, !field.values.isEmpty, !field.values.values.contains(value), !field.isFreeText(in: target) {
            decision.held = target == .hubspot ? "no HubSpot option translates Salesforce value '\(value)'"
                                               : "HubSpot option '\(value)' has no Salesforce translation"
        } else {
            decision.writeTo = [target]
        }
        return checked(limited(decision))
    }

    /// Drops each target whose live type cannot hold the value: it is not sent, and the reason is the decision's.
    func checked(_ decision: FieldDecision) -> FieldDecision {
        guard let value = decision.value, !decision.writeTo.isEmpty else { return decision }
        var checked = decision
        for system in decision.writeTo {
            guard let refusal = field.render(value, for: system).refusal else { continue }
            checked.writeTo.removeAll { $0 == system }
            checked.held = "not sent: " + refusal
        }
        return checked
    }

    /// Applies `maxLength`: longer values are cut (`truncate`) or held back (`reject`).
    func limited(_ decision: FieldDecision) -> FieldDecision {
        guard let max = field.maxLength, let value = decision.value, value.count > max, !decision.writeTo.isEmpty else { return decision }
        var limited = decision
        switch field.overflow {
        case .truncate:
            let cut = String(value.prefix(max))
            limited.value = cut
            limited.held = "cut to \(max) characters (maxLength)"
            // A side that already holds the cut value needs no write (else every cycle would write it again).
            limited.writeTo = decision.writeTo.filter { ($0 == .hubspot ? decision.hubspotValue : decision.salesforceValue) != cut }
        case .reject:
            limited.writeTo = []
            limited.held = "\(value.count) characters, longer than maxLength \(max); not written"
        }
        return limited
    }

    /// Who wins by the rule alone (first sync, or both sides changed).
    func ruleWinner(hs: String?, sf: String?, newer: CRMSystem) -> CRMSystem {
        switch field.rule {
        case .twoWay: newer
        case .preferHubSpot, .hubspotToSalesforce: .hubspot
        case .preferSalesforce, .salesforceToHubSpot, .never, .leadrelay: .salesforce
        case .preferHubSpotUnlessBlank: hs != nil ? .hubspot : .salesforce
        case .preferSalesforceUnlessBlank: sf != nil ? .salesforce : .hubspot
        case .fillIfEmpty: sf != nil ? .salesforce : .hubspot
        }
    }
}
