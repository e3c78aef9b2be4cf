/// What a mapping does with a person's duplicate records in one CRM (`duplicates:` in the mapping file).
public struct DuplicatePolicy: Sendable, Hashable {
    /// How the surviving record is chosen; rules are tried in order, the next one breaks a tie.
    public enum SurvivorRule: String, Sendable, Hashable, CaseIterable {
        /// A record with an owner.
        case owned
        /// The record with the most mapped fields filled.
        case mostComplete = "most-complete"
        /// The record created first (by id: both CRMs issue ids in creation order).
        case oldest
        /// The record changed last.
        case newest
    }

    /// System → the field that receives, on each duplicate, the survivor's id (cleared when it is no longer a duplicate).
    public var flag: [CRMSystem: String]
    public var survivor: [SurvivorRule]

    public static let defaultSurvivor: [SurvivorRule] = [.owned, .mostComplete, .oldest]

    public init(flag: [CRMSystem: String], survivor: [SurvivorRule] = Self.defaultSurvivor) {
        self.flag = flag
        self.survivor = survivor
    }

    /// The surviving record among one person's records in one system (at least one).
    public func survivor(of records: [SourceRecord], mapping: MappingSet) -> SourceRecord {
        var pool = records.sorted { $0.ref < $1.ref }
        for rule in survivor where pool.count > 1 {
            if rule == .oldest {
                let first = pool.min { Self.createdBefore($0.ref.id, $1.ref.id) }!
                pool = [first]
                continue
            }
            let ranked = pool.map { ($0, rank($0, rule, mapping: mapping)) }
            let best = ranked.map(\.1).max()!
            pool = ranked.filter { $0.1 == best }.map(\.0)
        }
        return pool[0]
    }

    /// Higher is better (`owned`, `most-complete`, `newest`).
    func rank(_ record: SourceRecord, _ rule: SurvivorRule, mapping: MappingSet) -> Double {
        switch rule {
        case .owned:
            return mapping.ownerField?.name(in: record.ref.system).flatMap(record.value) == nil ? 0 : 1
        case .mostComplete:
            return Double(mapping.fields.filter { $0.type != .owner && $0.canonicalValue(from: record) != nil }.count)
        case .newest:
            return record.modifiedAt.timeIntervalSince1970
        case .oldest:
            return 0
        }
    }

    /// Creation order of two ids of one system: HubSpot's are numbers; Salesforce's are base-62 counters of one length,
    /// whose ASCII order (digits, upper, lower case) is their numeric order.
    static func createdBefore(_ a: String, _ b: String) -> Bool {
        if let x = Int(a), let y = Int(b) { return x < y }
        return (a.count, a) < (b.count, b)
    }
}

/// One person's duplicates in one CRM, as the plan reports them.
public struct DuplicateSet: Sendable, Hashable, Codable {
    public var system: CRMSystem
    public var survivor: RecordRef
    /// The other records, each with the evidence it shares with the survivor (`email +10; name +5`).
    public var duplicates: [Member]

    public struct Member: Sendable, Hashable, Codable {
        public var ref: RecordRef
        public var evidence: String

        public init(ref: RecordRef, evidence: String) {
            self.ref = ref
            self.evidence = evidence
        }
    }

    public init(system: CRMSystem, survivor: RecordRef, duplicates: [Member]) {
        self.system = system
        self.survivor = survivor
        self.duplicates = duplicates
    }
}
