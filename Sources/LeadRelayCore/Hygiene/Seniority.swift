/// Derives a seniority band from a free-text job title.
public enum Seniority: String, Sendable, CaseIterable {
    case cLevel = "c-level"
    case vp
    case director
    case manager
    case individual

    /// Reads a title such as "Sr. VP, Sales" or "Head of Marketing"; `nil` when blank.
    public static func of(title: String?) -> Seniority? {
        guard let title, !title.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        let lowered = " " + title.lowercased()
            .map { $0.isLetter || $0.isNumber ? $0 : " " }
            .reduce(into: "") { $0.append($1) } + " "
        func has(_ words: [String]) -> Bool { words.contains { lowered.contains(" \($0) ") } }
        if has(["ceo", "cto", "cfo", "coo", "cmo", "cio", "cro", "ciso", "chief", "founder", "cofounder", "co founder", "president", "owner"])
            && !has(["vice president", "vp"]) {
            return .cLevel
        }
        if has(["vp", "vice president", "svp", "evp", "avp"]) { return .vp }
        if has(["director", "head"]) { return .director }
        if has(["manager", "lead", "supervisor"]) { return .manager }
        return .individual
    }
}
