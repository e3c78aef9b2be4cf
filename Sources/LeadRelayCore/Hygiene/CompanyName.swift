/// Company names reduced to a key for matching ("The Acme Labs, Inc." and "acme labs" agree); the display value is kept.
public enum CompanyName {
    /// Legal forms dropped from the end (and "the" from the start).
    static let legalSuffixes: Set<String> = [
        "inc", "incorporated", "llc", "l l c", "ltd", "limited", "corp", "corporation", "co", "company", "plc", "gmbh", "ag",
        "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "ab", "as", "aps", "pty", "pty ltd", "kk", "lp", "llp", "pc", "pllc",
        "holdings", "group", "se", "kg", "gmbh co kg", "ug",
        // The same forms written with dots or slashes ("S.A.", "A/S", "B.V."), which folding turns into single letters.
        "s a", "a s", "b v", "n v", "s r l", "s p a", "s a s", "a b", "l p", "l l p", "p c", "k k", "a g", "p l c",
    ]

    public static func matchKey(_ raw: String?) -> String? {
        guard let raw else { return nil }
        var words = MatchText.fold(raw.replacingOccurrences(of: "&", with: " and ").replacingOccurrences(of: "+", with: " and "))
            .split(separator: " ").map(String.init)
        if words.first == "the", words.count > 1 { words.removeFirst() }
        // Suffixes can stack ("Acme Holdings Ltd"); drop them while a name remains.
        var changed = true
        while changed, words.count > 1 {
            changed = false
            for length in [3, 2, 1] where words.count > length {
                if legalSuffixes.contains(words.suffix(length).joined(separator: " ")) {
                    words.removeLast(length)
                    changed = true
                    break
                }
            }
        }
        let key = words.filter { $0 != "and" }.map { abbreviations[$0] ?? $0 }.joined(separator: " ")
        return key.isEmpty ? nil : key
    }

    /// Words companies write long or short, each read as one form ("Intl", "International" → `intl`).
    static let abbreviations: [String: String] = [
        "international": "intl", "technologies": "tech", "technology": "tech", "manufacturing": "mfg",
        "services": "svc", "service": "svc", "svcs": "svc", "associates": "assoc", "assocs": "assoc",
        "laboratories": "lab", "laboratory": "lab", "labs": "lab", "systems": "sys", "system": "sys",
        "solutions": "solution", "brothers": "bros", "industries": "ind", "industry": "ind", "national": "natl",
        "university": "univ", "management": "mgmt", "communications": "comm", "communication": "comm", "comms": "comm",
        "enterprises": "enterprise", "networks": "network", "partners": "partner", "mountain": "mtn", "mountains": "mtn",
        "department": "dept", "engineering": "eng", "pharmaceuticals": "pharma", "pharmaceutical": "pharma",
    ]

    /// Words an acronym skips ("Bank of America" → `boa` would be wrong for nobody, but `ba` is how it is written).
    static let acronymSkips: Set<String> = ["of", "the", "and", "for", "de", "la", "du", "der"]

    /// The initials of a name of three or more words ("International Business Machines Corp." → `ibm`), which
    /// companies are often known by; `nil` for shorter names, whose initials say too little.
    public static func acronym(_ raw: String?) -> String? {
        guard let raw, let key = matchKey(raw) else { return nil }
        let words = MatchText.fold(raw.replacingOccurrences(of: "&", with: " and ")).split(separator: " ")
            .filter { !acronymSkips.contains(String($0)) }
        // The legal form is not part of the initials: count the words the match key kept.
        let kept = key.split(separator: " ").filter { !acronymSkips.contains(String($0)) }.count
        guard kept >= 3, words.count >= kept else { return nil }
        let initials = words.prefix(kept).compactMap(\.first)
        return String(initials)
    }

    /// The name as one short word (`IBM`, `3M`), the form an acronym is matched against; `nil` for longer names.
    public static func asAcronym(_ raw: String?) -> String? {
        // Written in capitals: "Iris" is a name, "IRIS" may be initials.
        guard let raw, raw.contains(where: \.isLetter), !raw.contains(where: \.isLowercase),
              let key = matchKey(raw), !key.contains(" "), (2...6).contains(key.count) else { return nil }
        return key
    }
}

/// The department a job title belongs to (the other half of `Seniority`).
public enum Department: String, Sendable, Hashable, Codable, CaseIterable {
    case executive, sales, marketing, engineering, it, product, finance, hr, operations, legal, support, procurement, other

    public static func of(title: String?) -> Department? {
        guard let title else { return nil }
        let text = " " + MatchText.fold(title) + " "
        guard text.count > 2 else { return nil }
        func has(_ words: [String]) -> Bool { words.contains { text.includes(" \($0) ") || text.includes(" \($0)s ") } }
        if has(["ceo", "coo", "president", "founder", "co founder", "cofounder", "owner", "managing director", "general manager"]) { return .executive }
        if has(["cmo", "marketing", "demand generation", "growth", "brand", "communications", "seo", "content"]) { return .marketing }
        if has(["cro", "sales", "account executive", "business development", "bdr", "sdr", "revenue", "account manager"]) { return .sales }
        if has(["cto", "engineer", "engineering", "developer", "software", "devops", "architect", "data scientist"]) { return .engineering }
        if has(["cio", "ciso", "it", "information technology", "systems administrator", "security", "infrastructure"]) { return .it }
        if has(["product", "ux", "design", "designer"]) { return .product }
        if has(["cfo", "finance", "financial", "accountant", "accounting", "controller", "treasurer", "analyst"]) { return .finance }
        if has(["hr", "human resources", "people", "talent", "recruiter", "recruiting"]) { return .hr }
        if has(["procurement", "purchasing", "buyer", "sourcing"]) { return .procurement }
        if has(["legal", "counsel", "attorney", "lawyer", "compliance"]) { return .legal }
        if has(["support", "customer success", "customer service", "success"]) { return .support }
        if has(["operations", "ops", "office manager", "logistics", "supply chain"]) { return .operations }
        return .other
    }
}
