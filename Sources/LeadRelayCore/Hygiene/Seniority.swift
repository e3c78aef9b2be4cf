/// Derives a seniority band from a free-text job title.
public enum Seniority: String, Sendable, CaseIterable {
    case cLevel = "c-level"
    case vp
    case director
    case manager
    case individual

    /// Reads a title such as "Sr. VP, Sales" or "Head of Marketing"; `nil` when blank.
    public static func of(title: String?) -> Seniority? {
        guard let title, !title.isBlank else { return nil }
        // The title's words, lower-cased (letters and digits; anything else separates), and each pair of neighbours.
        var words: [String] = []
        var word = ""
        for character in title.lowercased() {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        let pairs = zip(words, words.dropFirst()).map { $0 + " " + $1 }
        func has(_ terms: [String]) -> Bool { terms.contains { $0.utf8.contains(0x20) ? pairs.contains($0) : words.contains($0) } }
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
