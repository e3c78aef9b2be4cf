/// Links records seen for the first time to people by evidence when their mailbox says nothing: a personal
/// address in one CRM and a work address in the other, a typo, a nickname.
///
/// Deterministic keys come first: records with one mailbox (or one stored link) are one group whatever their
/// other fields say. Groups are then joined by the duplicate finder's links, strongest first, only when every
/// record of one group contradicts no record of the other (no chaining through one shared neighbour) and the
/// result stays small. Two people LeadRelay already tracks are never joined here: that is a merge, for a person
/// to approve.
public struct IdentityLinker: Sendable {
    public var mapping: MappingSet
    public var finder: DuplicateFinder

    /// A record placed with a person by evidence.
    public struct Match: Sendable, Hashable {
        public var personKey: PersonKey
        /// The record it matched, and the evidence (`name +5; phone +6`), for the link's reason.
        public var matched: RecordRef
        public var evidence: String
        public var score: Double
        /// Made by a CRM's own cross-reference field, not by weighed evidence.
        public var byCrossReference = false
    }

    public init(mapping: MappingSet, finder: DuplicateFinder = DuplicateFinder()) {
        self.mapping = mapping
        self.finder = finder
    }

    /// The record as the finder compares it (mapped fields, normalised for matching only).
    public func candidate(_ record: SourceRecord) -> DuplicateFinder.Candidate {
        func value(_ canonical: String) -> String? { mapping.field(canonical)?.canonicalValue(from: record) }
        return DuplicateFinder.Candidate(id: record.ref.description, first: value("firstName"), last: value("lastName"),
                                         email: mapping.identifierField?.canonicalValue(from: record), phone: value("phone"),
                                         company: value("company"), region: value("state"), title: value("title"))
    }

    /// Blocking keys of a record, for the store's match index (its cross-reference keys included).
    public func blockingKeys(_ record: SourceRecord) -> [String] {
        record.deleted ? [] : DuplicateFinder.blockingKeys(candidate(record)) + crossReferenceKeys(record)
    }

    /// `xref:salesforce/Lead/00Q…` for a Salesforce lead and for the HubSpot contact whose cross-reference field names it
    /// (and the same the other way round): records sharing one are one person by the CRMs' own word.
    public func crossReferenceKeys(_ record: SourceRecord) -> [String] {
        var keys: [String] = []
        let system = record.ref.system
        let other: CRMSystem = system == .hubspot ? .salesforce : .hubspot
        // The record's own id, when the other system keeps a reference to records of this one.
        if mapping.crossReference[other] != nil {
            keys.append("xref:\(system.rawValue)/\(record.ref.object)/\(Self.canonicalID(record.ref.id, in: system))")
        }
        if let field = mapping.crossReference[system], let id = record.value(field)?.fastTrimmed(.whitespaces), !id.isEmpty {
            keys.append("xref:\(other.rawValue)/\(mapping.objectName(in: other))/\(Self.canonicalID(id, in: other))")
        }
        return keys
    }

    /// Salesforce ids appear as 15 or 18 characters: the 18-character form is the 15 plus a checksum.
    static func canonicalID(_ id: String, in system: CRMSystem) -> String {
        system == .salesforce && id.count == 18 ? String(id.prefix(15)) : id
    }

    /// Matches for `new` records (not linked yet), against each other and against `known` records.
    ///
    /// - Parameters:
    ///   - new: live records seen for the first time, each with its deterministic person key (mailbox or `ref:`).
    ///   - known: stored records of people sharing a blocking key with a new record, with their person keys.
    ///   - knownKeys: person keys the store already tracks (a new record whose mailbox is one of them belongs there,
    ///     even when that person's records were not among the candidates).
    /// - Returns: new record → the person it joins, for those whose group evidence joined to another group.
    public func matches(new: [(record: SourceRecord, key: PersonKey)], known: [(record: SourceRecord, key: PersonKey)],
                        knownKeys: Set<PersonKey> = []) -> [RecordRef: Match] {
        let all = (new.map { ($0.record, $0.key, false) } + known.map { ($0.record, $0.key, true) })
            .sorted { $0.0.ref < $1.0.ref }
        var seen = Set<RecordRef>()
        let rows = all.filter { seen.insert($0.0.ref).inserted && !$0.0.deleted }
        guard rows.contains(where: { !$0.2 }) else { return [:] }
        let candidates = rows.map { candidate($0.0) }
        // Groups by deterministic key; a group is "known" when it holds a stored person.
        var groupOf: [Int] = []
        var groupIndex: [PersonKey: Int] = [:]
        var members: [[Int]] = []
        var isKnown: [Bool] = []
        var groupKey: [PersonKey] = []
        for (index, row) in rows.enumerated() {
            let group = groupIndex[row.1] ?? {
                groupIndex[row.1] = members.count
                members.append([]); isKnown.append(false); groupKey.append(row.1)
                return members.count - 1
            }()
            groupOf.append(group)
            members[group].append(index)
            if row.2 || knownKeys.contains(row.1) { isKnown[group] = true }
        }
        var parent = Array(members.indices)
        func root(_ g: Int) -> Int {
            var g = g
            while parent[g] != g { parent[g] = parent[parent[g]]; g = parent[g] }
            return g
        }
        var evidence: [Int: (matched: Int, text: String, score: Double, crossReference: Bool)] = [:]
        /// Joins the groups of records `a` and `b`: the known person's group (else the one whose key sorts first, stable
        /// across runs) absorbs the other, whose records note what they matched. Two known people are never joined.
        func join(_ a: Int, _ b: Int, text: String, score: Double, crossReference: Bool = false) {
            let ga = root(groupOf[a]), gb = root(groupOf[b])
            guard ga != gb, !(isKnown[ga] && isKnown[gb]) else { return }
            let (keep, fold) = isKnown[ga] || (!isKnown[gb] && groupKey[ga] < groupKey[gb]) ? (ga, gb) : (gb, ga)
            let other = ga == fold ? b : a
            for member in members[fold] where evidence[member] == nil { evidence[member] = (other, text, score, crossReference) }
            parent[fold] = keep
            members[keep] += members[fold]
            members[fold] = []
            isKnown[keep] = isKnown[keep] || isKnown[fold]
        }
        // The CRMs' own cross-references first: deterministic, before any evidence.
        var byReference: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            for key in crossReferenceKeys(row.0) {
                guard let first = byReference[key] else { byReference[key] = index; continue }
                join(first, index, text: "cross-reference \(key.dropFirst("xref:".count))", score: 100, crossReference: true)
            }
        }
        let pairs = finder.scoredPairs(candidates).filter { $0.score >= finder.threshold }
            .sorted { ($0.score, $1.a, $1.b) > ($1.score, $0.a, $0.b) }
        for pair in pairs {
            let ga = root(groupOf[pair.a]), gb = root(groupOf[pair.b])
            guard ga != gb, !(isKnown[ga] && isKnown[gb]), members[ga].count + members[gb].count <= finder.maxCluster else { continue }
            // Every record of one group must contradict no record of the other: no chain through one shared neighbour.
            guard members[ga].allSatisfy({ x in members[gb].allSatisfy { y in finder.score(candidates[x], candidates[y]) >= 0 } }) else { continue }
            join(pair.a, pair.b, text: finder.evidenceText(candidates[pair.a], candidates[pair.b]), score: pair.score)
        }
        var result: [RecordRef: Match] = [:]
        for (index, row) in rows.enumerated() where !row.2 {
            let target = groupKey[root(groupOf[index])]
            guard target != row.1, let why = evidence[index] else { continue }
            result[row.0.ref] = Match(personKey: target, matched: rows[why.matched].0.ref, evidence: why.text, score: why.score,
                                      byCrossReference: why.crossReference)
        }
        return result
    }
}
