/// Shell-style `*` wildcards, case-insensitive, matched against the whole text.
public enum Glob {
    /// One piece of a pattern: any run of characters, exactly one character, or this character.
    public enum Token: Sendable, Equatable {
        case any, one, char(Character)
    }

    public static func matches(_ pattern: String, _ text: String) -> Bool {
        // URLs and patterns are ASCII all but always: matched byte by byte, case folded on the way, no arrays of Characters.
        if pattern.utf8.allSatisfy({ $0 < 0x80 }), text.utf8.allSatisfy({ $0 < 0x80 }) {
            let any = UInt8(ascii: "*")
            func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
            return walk(Array(pattern.utf8), Array(text.utf8), isAny: { $0 == any }, accepts: { fold($0) == fold($1) })
        }
        return matches(tokens: pattern.lowercased().map { $0 == "*" ? .any : .char($0) }, text.lowercased())
    }

    /// Matches `text` against `tokens` (greedy with backtracking to the last `any`, linear in practice).
    public static func matches(tokens: [Token], _ text: String) -> Bool {
        walk(tokens, Array(text), isAny: { $0 == .any }, accepts: { $0 == .one || $0 == .char($1) })
    }

    /// The walk both share: `isAny` pattern elements take any run, `accepts` says whether one takes this element.
    static func walk<P, T>(_ p: [P], _ t: [T], isAny: (P) -> Bool, accepts: (P, T) -> Bool) -> Bool {
        var pi = 0, ti = 0
        var star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, isAny(p[pi]) {
                star = pi
                mark = ti
                pi += 1
            } else if pi < p.count, accepts(p[pi], t[ti]) {
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
        while pi < p.count, isAny(p[pi]) { pi += 1 }
        return pi == p.count
    }
}
