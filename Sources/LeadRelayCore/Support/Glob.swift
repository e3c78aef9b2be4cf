/// Shell-style `*` wildcards, case-insensitive, matched against the whole text.
public enum Glob {
    /// One piece of a pattern: any run of characters, exactly one character, or this character.
    public enum Token: Sendable, Equatable {
        case any, one, char(Character)
    }

    public static func matches(_ pattern: String, _ text: String) -> Bool {
        // URLs and patterns are ASCII all but always: matched byte by byte, case folded on the way, no arrays of Characters.
        if pattern.utf8.allSatisfy({ $0 < 0x80 }), text.utf8.allSatisfy({ $0 < 0x80 }) { return matchesASCII(Array(pattern.utf8), Array(text.utf8)) }
        return matches(tokens: pattern.lowercased().map { $0 == "*" ? .any : .char($0) }, text.lowercased())
    }

    /// The same walk over ASCII bytes: `*` any run, letters compared without case.
    static func matchesASCII(_ p: [UInt8], _ t: [UInt8]) -> Bool {
        func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        let any = UInt8(ascii: "*")
        var pi = 0, ti = 0
        var star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == any {
                star = pi
                mark = ti
                pi += 1
            } else if pi < p.count, fold(p[pi]) == fold(t[ti]) {
                pi += 1
                ti += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == any { pi += 1 }
        return pi == p.count
    }

    /// Matches `text` against `tokens` (greedy with backtracking to the last `any`, linear in practice).
    public static func matches(tokens p: [Token], _ text: String) -> Bool {
        let t = Array(text)
        var pi = 0, ti = 0
        var star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == .any {
                star = pi
                mark = ti
                pi += 1
            } else if pi < p.count, p[pi] == .one || p[pi] == .char(t[ti]) {
                pi += 1
                ti += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == .any { pi += 1 }
        return pi == p.count
    }
}
