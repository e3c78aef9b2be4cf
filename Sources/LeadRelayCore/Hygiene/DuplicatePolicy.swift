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

    /// Which value a merged record keeps for a field.
    public enum ValueRule: String, Sendable, Hashable, CaseIterable {
        /// The survivor's value; a blank is filled from the newest duplicate that has one.
        case survivor
        /// The value of the most recently changed record that has one.
        case newest
    }

    /// System → the field that receives, on each duplicate, the survivor's id (cleared when it is no longer a duplicate).
    public var flag: [CRMSystem: String]
    public var survivor: [SurvivorRule]
    /// Opt-in: HubSpot duplicates whose evidence with the survivor scores at least this are merged into it, not flagged.
    public var mergeMinScore: Double?
    /// Canonical field → which value survives a merge; fields not named follow `defaultValueRule`.
    public var values: [String: ValueRule] = [:]
    public var defaultValueRule: ValueRule = .survivor

    public static let defaultSurvivor: [SurvivorRule] = [.owned, .mostComplete, .oldest]

    public init(flag: [CRMSystem: String], survivor: [SurvivorRule] = Self.defaultSurvivor, mergeMinScore: Double? = nil) {
        self.flag = flag
        self.survivor = survivor
        self.mergeMinScore = mergeMinScore
    }

    /// A merge threshold below this would merge on a name alone; `check` refuses it.
    public static let lowestMergeScore = 12.0

    /// The value `field` keeps when `merged` records fold into `survivor`: `nil` keeps the survivor's own (blank or not).
    public func winningValue(_ field: FieldMapping, survivor: SourceRecord, merged: [SourceRecord]) -> String? {
        let own = field.canonicalValue(from: survivor)
        let newestFirst = merged.sorted { ($0.modifiedAt, $0.ref.id) > ($1.modifiedAt, $1.ref.id) }
        switch values[field.canonical] ?? defaultValueRule {
        case .survivor:
            return own ?? newestFirst.lazy.compactMap { field.canonicalValue(from: $0) }.first
        case .newest:
            return ([survivor] + merged).sorted { ($0.modifiedAt, $0.ref.id) > ($1.modifiedAt, $1.ref.id) }
                .lazy.compactMap { field.canonicalValue(from: $0) }.first
        }
    }

    /// The surviving record among one person's records in one system (at least one).
    public func survivor(of records: [SourceRecord], mapping: MappingSet) -> SourceRecord {
        var pool = records.sorted { $0.ref < $1.ref }
        for rule in survivor where pool.count > 1 {
            let rank: (SourceRecord) -> Double
            switch rule {
            case .oldest:
                // Ids, not numbers: 18-character Salesforce ids do not fit a Double's precision.
                pool = [pool.min { Self.createdBefore($0.ref.id, $1.ref.id) }!]
                continue
            case .owned:
                rank = { record in mapping.ownerField?.name(in: record.ref.system).flatMap(record.value) == nil ? 0 : 1 }
            case .mostComplete:
                rank = { record in Double(mapping.fields.filter { $0.type != .owner && $0.canonicalValue(from: record) != nil }.count) }
            case .newest:
                rank = { $0.modifiedAt.timeIntervalSince1970 }
            }
            let best = pool.map(rank).max()!
            pool = pool.filter { rank($0) == best }
        }
        return pool[0]
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
        /// Merged into the survivor (opt-in, above the threshold) rather than flagged.
        public var merge: Bool

        public init(ref: RecordRef, evidence: String, merge: Bool = false) {
            self.ref = ref
            self.evidence = evidence
            self.merge = merge
        }
    }

    public init(system: CRMSystem, survivor: RecordRef, duplicates: [Member]) {
        self.system = system
        self.survivor = survivor
        self.duplicates = duplicates
    }
}
