import Foundation

/// Finds records that are the same person, within and across systems, by blocking and weighted comparison.
///
/// Deterministic evidence first (the same mailbox, the same phone), then names (nicknames, swapped first
/// and last, typos), company and domain. Two guards keep unrelated people apart: colleagues (work addresses
/// at one domain with different mailboxes) are never linked on their names, and a cluster only absorbs a
/// record that agrees with every member it already holds — so one weak link cannot chain two people together.
public struct DuplicateFinder: Sendable {
    /// One record reduced to what matching compares (all folded for matching only).
    public struct Candidate: Sendable, Hashable {
        public var id: String
        public var first: String?
        public var last: String?
        public var email: String?
        public var emailClass: EmailClass?
        public var phone: String?
        public var company: String?
        /// State or region, folded (`ma`, `massachusetts` → `us-ma` where known).
        public var region: String?
        /// Job title, folded.
        public var title: String?
        /// Where the record comes from (a CRM, a list): with `linkOnlyAcross`, records of one source are never linked.
        public var source: String?
        /// Further columns, each compared by its kind.
        public var extras: [String: Extra] = [:]

        public init(id: String, first: String?, last: String?, email: String?, phone: String?, company: String?,
                    region: String? = nil, title: String? = nil, defaultRegion: String = "US") {
            self.title = title.map(MatchText.fold).flatMap { $0.isEmpty ? nil : $0 }
            self.region = region.flatMap { Places.subdivision($0) ?? (MatchText.fold($0).isEmpty ? nil : MatchText.fold($0)) }
            self.id = id
            self.first = first.map(MatchText.fold).flatMap { $0.isEmpty ? nil : DuplicateFinder.formal($0) }
            self.last = last.map(MatchText.fold).flatMap { $0.isEmpty ? nil : $0 }
            let key = email.flatMap(EmailAddress.matchKey)
            self.email = key
            self.emailClass = key.flatMap(EmailClass.of)
            self.phone = phone.flatMap { PhoneNumber($0, defaultRegion: defaultRegion)?.e164 }
            self.company = CompanyName.matchKey(company)
            self.domain = key.flatMap(EmailAddress.domain(of:))
        }

        /// The mailbox's domain, kept beside it (every comparison of two work addresses asks for it).
        public private(set) var domain: String?
    }

    /// An extra column and how to compare it.
    public struct Extra: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
            /// An id that is the same only for the same person (a customer number): equal is decisive, different weighs against.
            case identifier
            case name, text, date, phone, address
        }
        public var kind: Kind
        public var value: String

        public init(kind: Kind, value: String, defaultRegion: String = "US") {
            self.kind = kind
            switch kind {
            case .phone: self.value = PhoneNumber(value, defaultRegion: defaultRegion)?.e164 ?? MatchText.fold(value)
            case .date: self.value = FieldType.date.normalise(value) ?? value
            default: self.value = MatchText.fold(value)
            }
        }
    }

    /// Only link records whose `source` differs (two CRMs, two lists).
    public var linkOnlyAcross = false

    /// Score at which two records are linked.
    public var threshold: Double = 8
    /// Largest cluster formed (a guard against runaway chains).
    public var maxCluster = 8

    public init(linkOnlyAcross: Bool = false) { self.linkOnlyAcross = linkOnlyAcross }

    /// The links the clustering rests on, with their scores (for `--pairs` and reports).
    public func links(_ candidates: [Candidate]) -> [(a: String, b: String, score: Double, evidence: String)] {
        scoredPairs(candidates).filter { $0.score >= threshold }.map { pair in
            (candidates[pair.a].id, candidates[pair.b].id, pair.score, evidenceText(candidates[pair.a], candidates[pair.b]))
        }
        .sorted { ($0.a, $0.b) < ($1.a, $1.b) }
    }

    static func points(_ weight: Double) -> String {
        Int(exactly: weight).map(String.init) ?? String(weight)
    }

    /// Cluster id for every candidate (the smallest member id of its cluster), plus the links and their evidence.
    public func clusters(_ candidates: [Candidate]) -> [String: String] {
        let pairs = scoredPairs(candidates)
        var parent = Array(candidates.indices)
        var members: [Int: [Int]] = Dictionary(uniqueKeysWithValues: candidates.indices.map { ($0, [$0]) })
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        // Strongest links first: weak ones can only join what strong evidence has not kept apart.
        for pair in pairs.sorted(by: { ($0.score, $1.a, $1.b) > ($1.score, $0.a, $0.b) }) where pair.score >= threshold {
            let ra = root(pair.a), rb = root(pair.b)
            guard ra != rb, let ma = members[ra], let mb = members[rb], ma.count + mb.count <= maxCluster else { continue }
            // Every cross pair must at least not contradict: no chaining through one shared neighbour.
            let agreeable = ma.allSatisfy { x in
                mb.allSatisfy { y in
                    !(linkOnlyAcross && candidates[x].source == candidates[y].source) && score(candidates[x], candidates[y]) >= 0
                }
            }
            guard agreeable else { continue }
            parent[rb] = ra
            members[ra] = ma + mb
            members[rb] = nil
        }
        var result: [String: String] = [:]
        for (rootIndex, group) in members {
            _ = rootIndex
            let id = group.map { candidates[$0].id }.min() ?? ""
            for index in group { result[candidates[index].id] = id }
        }
        return result
    }

    struct Pair { var a: Int; var b: Int; var score: Double }

    /// Candidate pairs from blocking keys (mailbox, phone, name, company+last name), each scored once.
    func scoredPairs(_ candidates: [Candidate]) -> [Pair] {
        // Keys are kept as their hashes: a million records make millions of keys, and a rare collision only costs a comparison.
        var blocks: [Int: [Int32]] = [:]
        for (index, c) in candidates.enumerated() {
            Self.blockingKeys(c) { blocks[$0.hashValue, default: []].append(Int32(index)) }
        }
        var seen = Set<Int64>()
        var pairs: [Pair] = []
        for (_, members) in blocks where members.count > 1 && members.count <= 500 {
            for i in 0..<members.count {
                for j in (i + 1)..<members.count {
                    let a = Int(min(members[i], members[j])), b = Int(max(members[i], members[j]))
                    guard seen.insert(Int64(a) << 32 | Int64(b)).inserted else { continue }
                    if linkOnlyAcross, candidates[a].source == candidates[b].source { continue }
                    pairs.append(Pair(a: a, b: b, score: score(candidates[a], candidates[b])))
                }
            }
        }
        return pairs
    }

    /// The blocking keys of one record: records that share none are never compared.
    public static func blockingKeys(_ c: Candidate) -> [String] {
        var keys: [String] = []
        blockingKeys(c) { keys.append($0) }
        return keys
    }

    static func blockingKeys(_ c: Candidate, _ key: (String) -> Void) {
        if let email = c.email, c.emailClass != .role { key("e:" + email) }
        if let phone = c.phone { key("p:" + phone) }
        // Names alone are too common to block on at scale: pair them with the company (and a typo-tolerant prefix).
        if let first = c.first, let last = c.last, let company = c.company {
            let pair = [first, last].sorted()   // swapped first and last land in the same block
            key("n:\(pair[0])|\(pair[1])|\(company)")
            key("c:\(company)|\(first)|\(last.prefix(2))")
            key("c:\(company)|\(last)|\(first.prefix(1))")
        } else if let first = c.first, let last = c.last {
            let pair = [first, last].sorted()
            key("n:\(pair[0])|\(pair[1])|\(c.region ?? "")")
        }
        for (name, extra) in c.extras.sorted(by: { $0.key < $1.key }) where extra.kind == .identifier || extra.kind == .phone {
            key("x:\(name):\(extra.value)")
        }
    }

    /// The evidence of a pair as text: `name +5; phone +6; company +2`.
    public func evidenceText(_ x: Candidate, _ y: Candidate) -> String {
        evidence(x, y).map { "\($0.field) \($0.weight >= 0 ? "+" : "")\(Self.points($0.weight))" }.joined(separator: "; ")
    }

    /// Log-odds-style evidence that two records are one person (positive) or two (negative).
    public func score(_ x: Candidate, _ y: Candidate) -> Double {
        var total = 0.0
        weigh(x, y) { _, weight in total += weight }
        return total
    }

    /// Which fields agreed or disagreed, with what weight: the evidence a link carries into reports.
    public func evidence(_ x: Candidate, _ y: Candidate) -> [(field: String, weight: Double)] {
        var items: [(field: String, weight: Double)] = []
        weigh(x, y) { field, weight in items.append((field, weight)) }
        return items
    }

    /// Every piece of evidence, handed to `add` (no allocation on the scoring path).
    func weigh(_ x: Candidate, _ y: Candidate, _ add: (String, Double) -> Void) {
        if let a = x.email, let b = y.email {
            if a == b {
                add("email", x.emailClass == .role ? 1 : 10)
            } else if x.emailClass == .work, y.emailClass == .work {
                // Two mailboxes at one company: colleagues, whatever their names say. At two companies: two jobs, or two people.
                add("email", x.domain == y.domain ? -8 : -3)
            } else if x.emailClass == .free, y.emailClass == .free {
                // Two personal mailboxes: people seldom keep two.
                add("email", -2)
            }
        }
        if let a = x.phone, let b = y.phone { add("phone", a == b ? 6 : -2) }
        if let a = x.region, let b = y.region { add("region", a == b ? 1 : -2) }
        if let a = x.title, let b = y.title { add("title", a == b ? 1 : -2) }
        for (name, a) in x.extras.sorted(by: { $0.key < $1.key }) {
            guard let b = y.extras[name], !a.value.isEmpty, !b.value.isEmpty else { continue }
            let same = a.value == b.value
            switch a.kind {
            case .identifier: add(name, same ? 10 : -4)
            case .phone: add(name, same ? 6 : -2)
            case .date: add(name, same ? 2 : -3)
            case .name: add(name, same ? 2 : (jaroWinkler(a.value, b.value) >= 0.9 ? 1 : -2))
            case .address: if same { add(name, 2) }
            case .text: if same { add(name, 1) }
            }
        }
        if let names = nameScore(x, y) { add("name", names) }
        if let a = x.company, let b = y.company {
            add("company", a == b ? 2 : (jaroWinkler(a, b) >= 0.9 ? 1 : -1))
        } else if let a = x.domain, let b = y.domain, a == b, x.emailClass == .work {
            add("company", 2)
        }
    }

    func nameScore(_ x: Candidate, _ y: Candidate) -> Double? {
        guard let f1 = x.first, let l1 = x.last, let f2 = y.first, let l2 = y.last else { return nil }
        func part(_ a: String, _ b: String, exact: Double, close: Double, miss: Double) -> Double {
            if a == b { return exact }
            return jaroWinkler(a, b) >= 0.9 ? close : miss
        }
        let straight = part(l1, l2, exact: 3, close: 2, miss: -4) + part(f1, f2, exact: 2, close: 1, miss: -3)
        let swapped = part(l1, f2, exact: 3, close: 2, miss: -4) + part(f1, l2, exact: 2, close: 1, miss: -3)
        return max(straight, swapped)
    }

    /// Given names people shorten, read as the formal name for matching.
    static let nicknames: [String: String] = [
        "bill": "william", "will": "william", "liam": "william", "bob": "robert", "rob": "robert", "bobby": "robert",
        "liz": "elizabeth", "beth": "elizabeth", "betty": "elizabeth", "kate": "katherine", "katie": "katherine", "kathy": "katherine",
        "alex": "alexander", "jen": "jennifer", "jenny": "jennifer", "mike": "michael", "mick": "michael", "maggie": "margaret",
        "meg": "margaret", "peggy": "margaret", "tom": "thomas", "tommy": "thomas", "dan": "daniel", "danny": "daniel",
        "joe": "joseph", "joey": "joseph", "chris": "christopher", "becky": "rebecca", "sam": "samantha", "nick": "nicholas",
        "jon": "jonathan", "vicky": "victoria", "ben": "benjamin", "pat": "patricia", "tony": "anthony", "jim": "james",
        "jimmy": "james", "dave": "david", "steve": "stephen", "rick": "richard", "dick": "richard", "ed": "edward",
        "andy": "andrew", "greg": "gregory", "matt": "matthew", "sue": "susan", "debbie": "deborah", "chuck": "charles",
        "charlie": "charles", "fred": "frederick", "larry": "lawrence", "ron": "ronald", "don": "donald", "ken": "kenneth",
    ]

    static func formal(_ first: String) -> String { nicknames[first] ?? first }

    /// Jaro-Winkler similarity (0…1) of two short strings, by character (ASCII text by byte: the same result, faster).
    public func jaroWinkler(_ a: String, _ b: String) -> Double {
        // A byte is a character in ASCII, except CR LF (one character, two bytes).
        var ascii = true
        for byte in a.utf8 where byte >= 0x80 || byte == 0x0D { ascii = false; break }
        if ascii { for byte in b.utf8 where byte >= 0x80 || byte == 0x0D { ascii = false; break } }
        return ascii ? Self.jaroWinkler(Array(a.utf8), Array(b.utf8)) : Self.jaroWinkler(Array(a), Array(b))
    }

    static func jaroWinkler<Element: Equatable>(_ s: [Element], _ t: [Element]) -> Double {
        if s.isEmpty || t.isEmpty { return s.isEmpty && t.isEmpty ? 1 : 0 }
        let window = max(0, max(s.count, t.count) / 2 - 1)
        var sMatched = [Bool](repeating: false, count: s.count), tMatched = [Bool](repeating: false, count: t.count)
        var matches = 0
        for i in s.indices {
            let low = max(0, i - window), high = min(t.count - 1, i + window)
            guard low <= high else { continue }
            for j in low...high where !tMatched[j] && s[i] == t[j] {
                sMatched[i] = true; tMatched[j] = true; matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var transpositions = 0, k = 0
        for i in s.indices where sMatched[i] {
            while !tMatched[k] { k += 1 }
            if s[i] != t[k] { transpositions += 1 }
            k += 1
        }
        let m = Double(matches)
        let jaro = (m / Double(s.count) + m / Double(t.count) + (m - Double(transpositions) / 2) / m) / 3
        var prefix = 0
        while prefix < min(4, s.count, t.count), s[prefix] == t[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }
}
