import Foundation
import LeadRelayCore

/// The parsed form of the SOQL subset the simulator serves (CRM-APIS.md §2.3–2.4).
struct SOQLQuery: Sendable {
    enum Selection: Sendable, Equatable {
        case field(String)
        case count
    }

    indirect enum Expr: Sendable {
        case and(Expr, Expr)
        case or(Expr, Expr)
        case not(Expr)
        case compare(field: String, op: String, value: Literal)
        case within(field: String, negated: Bool, values: [Literal])
    }

    enum Literal: Sendable, Equatable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        case datetime(Date)
        case date(String)
    }

    struct Order: Sendable {
        var field: String
        var descending: Bool
        var nullsLast: Bool
    }

    var selections: [Selection]
    var object: String
    var filter: Expr?
    var orders: [Order]
    var limit: Int?
}

/// Tokenises and parses SOQL text; errors read like Salesforce's `MALFORMED_QUERY`.
struct SOQLParser {
    enum Token: Equatable {
        case word(String)
        case string(String)
        case number(String)
        case symbol(String)
    }

    var tokens: [Token] = []
    var position = 0

    static func parse(_ text: String) throws(SalesforceError) -> SOQLQuery {
        var parser = SOQLParser()
        parser.tokens = try tokenise(text)
        return try parser.query()
    }

    static func tokenise(_ text: String) throws(SalesforceError) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "'" {
                var value = ""
                i += 1
                var closed = false
                while i < chars.count {
                    let d = chars[i]
                    if d == "\\" {
                        guard i + 1 < chars.count else { break }
                        let e = chars[i + 1]
                        switch e {
                        case "'", "\"", "\\": value.append(e)
                        case "n", "N": value.append("\n")
                        case "r", "R": value.append("\r")
                        case "t", "T": value.append("\t")
                        case "b", "B": value.append("\u{8}")
                        case "f", "F": value.append("\u{c}")
                        case "%", "_": value.append("\\"); value.append(e)
                        case "u":
                            guard i + 5 < chars.count, let scalar = UInt32(String(chars[(i + 2)...(i + 5)]), radix: 16),
                                  let unicode = Unicode.Scalar(scalar) else {
                                throw .malformed("Invalid unicode escape in string literal")
                            }
                            value.unicodeScalars.append(unicode)
                            i += 4
                        default:
                            throw .malformed("Invalid string literal '\(value)\\\(e)...'. Illegal character sequence '\\\(e)' in string literal.")
                        }
                        i += 2
                        continue
                    }
                    if d == "'" {
                        closed = true
                        i += 1
                        break
                    }
                    value.append(d)
                    i += 1
                }
                guard closed else { throw .malformed("unexpected token: end of query; unterminated string literal") }
                // '' is not an escape in SOQL: a quote right after a closing quote is an error.
                if i < chars.count, chars[i] == "'" {
                    throw .malformed("unexpected token: ''' (quotes are escaped with a backslash in SOQL)")
                }
                tokens.append(.string(value))
                continue
            }
            if c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i + 1
                while j < chars.count, chars[j].isNumber || "-:.TZ+".contains(chars[j]) { j += 1 }
                tokens.append(.number(String(chars[i..<j])))
                i = j
                continue
            }
            if c.isLetter || c == "_" {
                var j = i + 1
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "." { j += 1 }
                tokens.append(.word(String(chars[i..<j])))
                i = j
                continue
            }
            let two = i + 1 < chars.count ? String(chars[i...(i + 1)]) : ""
            if ["<=", ">=", "!=", "<>"].contains(two) {
                tokens.append(.symbol(two))
                i += 2
                continue
            }
            if "=<>(),".contains(c) {
                tokens.append(.symbol(String(c)))
                i += 1
                continue
            }
            throw .malformed("no viable alternative at character '\(c)'")
        }
        return tokens
    }

    mutating func next() -> Token? {
        guard position < tokens.count else { return nil }
        defer { position += 1 }
        return tokens[position]
    }

    /// Consumes a `,` and says whether there was one.
    mutating func skipComma() -> Bool {
        guard peek() == .symbol(",") else { return false }
        position += 1
        return true
    }

    func peek() -> Token? { position < tokens.count ? tokens[position] : nil }

    func peekKeyword(_ word: String) -> Bool {
        if case .word(let w) = peek() { return w.uppercased() == word }
        return false
    }

    mutating func expectKeyword(_ word: String) throws(SalesforceError) {
        guard peekKeyword(word) else { throw .malformed("unexpected token: '\(describe(peek()))'; expected \(word)") }
        position += 1
    }

    mutating func expectSymbol(_ symbol: String) throws(SalesforceError) {
        guard peek() == .symbol(symbol) else { throw .malformed("unexpected token: '\(describe(peek()))'; expected '\(symbol)'") }
        position += 1
    }

    func describe(_ token: Token?) -> String {
        switch token {
        case nil: "<EOF>"
        case .word(let w), .number(let w), .symbol(let w): w
        case .string(let s): "'\(s)'"
        }
    }

    mutating func identifier() throws(SalesforceError) -> String {
        guard case .word(let word) = next() else { throw .malformed("unexpected token: '\(describe(tokens[safe: position - 1]))'; expected a field name") }
        return word
    }

    mutating func query() throws(SalesforceError) -> SOQLQuery {
        try expectKeyword("SELECT")
        var selections: [SOQLQuery.Selection] = []
        repeat {
            if peekKeyword("COUNT") {
                position += 1
                try expectSymbol("(")
                try expectSymbol(")")
                selections.append(.count)
            } else {
                selections.append(.field(try identifier()))
            }
        } while skipComma()
        try expectKeyword("FROM")
        let object = try identifier()
        var filter: SOQLQuery.Expr?
        if peekKeyword("WHERE") {
            position += 1
            filter = try orExpr()
        }
        var orders: [SOQLQuery.Order] = []
        if peekKeyword("ORDER") {
            position += 1
            try expectKeyword("BY")
            repeat {
                let field = try identifier()
                var descending = false
                if peekKeyword("ASC") { position += 1 } else if peekKeyword("DESC") { position += 1; descending = true }
                var nullsLast = descending
                if peekKeyword("NULLS") {
                    position += 1
                    if peekKeyword("FIRST") { nullsLast = false } else if peekKeyword("LAST") { nullsLast = true } else {
                        throw .malformed("unexpected token: '\(describe(peek()))'; expected FIRST or LAST")
                    }
                    position += 1
                }
                orders.append(.init(field: field, descending: descending, nullsLast: nullsLast))
            } while skipComma()
        }
        var limit: Int?
        if peekKeyword("LIMIT") {
            position += 1
            guard case .number(let text) = next(), let value = Int(text), value >= 0 else { throw .malformed("LIMIT takes a whole number") }
            limit = value
        }
        guard position == tokens.count else { throw .malformed("unexpected token: '\(describe(peek()))'") }
        return SOQLQuery(selections: selections, object: object, filter: filter, orders: orders, limit: limit)
    }

    mutating func orExpr() throws(SalesforceError) -> SOQLQuery.Expr {
        var lhs = try andExpr()
        while peekKeyword("OR") {
            position += 1
            lhs = .or(lhs, try andExpr())
        }
        return lhs
    }

    mutating func andExpr() throws(SalesforceError) -> SOQLQuery.Expr {
        var lhs = try unary()
        while peekKeyword("AND") {
            position += 1
            lhs = .and(lhs, try unary())
        }
        return lhs
    }

    mutating func unary() throws(SalesforceError) -> SOQLQuery.Expr {
        if peekKeyword("NOT") {
            position += 1
            return .not(try unary())
        }
        if peek() == .symbol("(") {
            position += 1
            let inner = try orExpr()
            try expectSymbol(")")
            return inner
        }
        let field = try identifier()
        if peekKeyword("IN") || peekKeyword("NOT") {
            let negated = peekKeyword("NOT")
            position += 1
            if negated { try expectKeyword("IN") }
            try expectSymbol("(")
            var values: [SOQLQuery.Literal] = []
            repeat { values.append(try literal()) } while skipComma()
            try expectSymbol(")")
            return .within(field: field, negated: negated, values: values)
        }
        let op: String
        switch next() {
        case .symbol(let symbol) where ["=", "!=", "<>", "<", "<=", ">", ">="].contains(symbol): op = symbol == "<>" ? "!=" : symbol
        case .word(let word) where word.uppercased() == "LIKE": op = "LIKE"
        case let other: throw .malformed("unexpected token: '\(describe(other))'; expected an operator")
        }
        return .compare(field: field, op: op, value: try literal())
    }

    mutating func literal() throws(SalesforceError) -> SOQLQuery.Literal {
        switch next() {
        case .string(let value): return .string(value)
        case .word(let word):
            switch word.lowercased() {
            case "null": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw .malformed("unexpected token: '\(word)'; expected a value")
            }
        case .number(let text):
            if text.contains("T") {
                let zoned = text.hasSuffix("Z") || text.dropFirst(19).contains("+") || text.dropFirst(19).contains("-")
                guard zoned, let date = SimTime.parse(text) else {
                    throw .malformed("line 1:0 no viable alternative at character '\(text)': invalid datetime literal")
                }
                return .datetime(date)
            }
            if text.count == 10, text.filter({ $0 == "-" }).count == 2 { return .date(text) }
            guard let number = Double(text) else { throw .malformed("invalid number '\(text)'") }
            return .number(number)
        case let other:
            throw .malformed("unexpected token: '\(describe(other))'; expected a value")
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
