/// Shell-style `*` wildcards, case-insensitive, matched against the whole text.
public enum Glob {
    /// One piece of a pattern: any run of characters, exactly one character, or this character.
    public enum Token: Sendable, Equatable {
        case any, one, char(Character)
    }

    public static func matches(_ pattern: String, _ text: String) -> Bool {
        matches(tokens: pattern.lowercased().map { $0 == "*" ? .any : .char($0) }, text.lowercased())
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
