/// Field reconciliation for one mapping (leads or accounts): decisions per field, one update per record.
public struct MappingReconciler: Sendable {
    public var mapping: MappingSet

    public init(mapping: MappingSet) { self.mapping = mapping }

    /// Reconciles every mapped field of one entity present in both systems (its primary live record in each: the
    /// duplicate policy's survivor, else the newest).
    ///
    /// Returns a decision for each field whose value is new to the store, one update per record to write, and the
    /// verdict on every field decided (canonical field → the value both systems should hold), new or not: the lead
    /// that is scored and routed is built from these, so one rule decides which side wins.
    ///
    /// `previous` (when known) holds the stored version of each record that changed this cycle; a record that is not
    /// in it changed only if it is in `firstSeen`. It tells a person's change from a side still waiting for a write.
    public func reconcile(_ live: [SourceRecord], synced: [String: String?], previous: [RecordRef: SourceRecord]? = nil,
                          firstSeen: Set<RecordRef> = [])
        -> (decisions: [FieldDecision], writes: [RecordWrite], verdicts: [String: String?]) {
        guard let hubspot = mapping.primaryRecord(in: .hubspot, of: live), let salesforce = mapping.primaryRecord(in: .salesforce, of: live) else {
            return ([], [], [:])
        }
        var decisions: [FieldDecision] = []
        var verdicts: [String: String?] = [:]
        var fields: [CRMSystem: [String: String]] = [:]
        var reasons: [CRMSystem: [String]] = [:]
        for field in mapping.fields {
            let last: String?? = synced.keys.contains(field.canonical) ? .some(synced[field.canonical] ?? nil) : nil
            let moved = previous.map { previous in
                let move = { (record: SourceRecord) -> Bool in
                    previous[record.ref].map { field.canonicalValue(from: $0) != field.canonicalValue(from: record) } ?? firstSeen.contains(record.ref)
                }
                return (hubspot: move(hubspot), salesforce: move(salesforce))
            }
            guard let decision = FieldReconciler(field: field).decide(hubspot: hubspot, salesforce: salesforce, last: last, moved: moved) else { continue }
            verdicts[field.canonical] = .some(decision.value)
            if last == nil || last! != decision.value || !decision.writeTo.isEmpty { decisions.append(decision) }
            for system in decision.writeTo {
                guard let name = field.name(in: system) else { continue }
                // The decision sends only what the live type holds (`FieldReconciler.checked`).
                fields[system, default: [:]][name] = decision.value.map { field.render($0, for: system).value ?? field.systemValue($0, for: system) } ?? ""
                reasons[system, default: []].append(decision.reason)
            }
        }
        let writes = CRMSystem.allCases.sorted().compactMap { system -> RecordWrite? in
            guard let changes = fields[system], !changes.isEmpty else { return nil }
            let record = system == .hubspot ? hubspot : salesforce
            var write = RecordWrite(operation: .update, system: system, object: record.ref.object, id: record.ref.id, fields: changes)
            write.reason = (reasons[system] ?? []).joined(separator: "; ")
            return write
        }
        return (decisions, writes, verdicts)
    }
}

/// Companies and accounts: linked across systems by web domain, their mapped fields reconciled like leads'.
public struct AccountReconciliation: Sendable {
    public var mapping: MappingSet

    public init(mapping: MappingSet) { self.mapping = mapping }

    /// The link key of an account record: `domain:acme.io` (HubSpot `domain` or `website`, Salesforce `Website`).
    public static func key(_ record: SourceRecord) -> AccountKey? {
        let raw = record.ref.system == .hubspot ? (record.value("domain") ?? record.value("website")) : record.value("Website")
        return WebDomain.normalise(raw).map(AccountKey.init(domain:))
    }

    /// Links, reconciled fields and writes for the accounts in `records` (changed ones and their stored twins).
    /// `previous` (when known) holds the stored version of each account record that changed this cycle, so a side
    /// still waiting for a write is not taken for a person's change (as for leads).
    public func plan(records: [SourceRecord], links: [RecordRef: AccountKey], synced: [AccountKey: [String: String?]],
                     previous: [RecordRef: SourceRecord]? = nil) -> [PlanChange] {
        var changes: [PlanChange] = []
        var groups: [AccountKey: [SourceRecord]] = [:]
        for record in records {
            guard let key = links[record.ref] ?? Self.key(record) else { continue }
            if links[record.ref] == nil {
                changes.append(PlanChange(accountKey: key, action: .link(record.ref),
                                          reason: Reason(.linkedByWebDomain, "\(record.ref) has web domain \(key.domain)", facts: ["domain": key.domain])))
            }
            groups[key, default: []].append(record)
        }
        let reconciler = MappingReconciler(mapping: mapping)
        for (key, group) in groups.sorted(by: { $0.key < $1.key }) {
            let (decisions, writes, _) = reconciler.reconcile(group.filter { !$0.deleted }, synced: synced[key] ?? [:], previous: previous,
                                                             firstSeen: Set(group.map(\.ref).filter { links[$0] == nil }))
            for decision in decisions { changes.append(PlanChange(accountKey: key, action: .reconcile(decision), reason: decision.planReason)) }
            for write in writes { changes.append(PlanChange(accountKey: key, action: .write(write), reason: write.planReason(ownerFields: mapping.ownerFieldNames))) }
        }
        return changes
    }
}
