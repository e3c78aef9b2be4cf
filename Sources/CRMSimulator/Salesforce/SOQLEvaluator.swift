import Foundation
import LeadRelayCore

/// Runs a parsed query over the simulator's rows.
struct SOQLEvaluator {
    var type: SalesforceObjectType
    /// Resolves `Owner.Email`-style parent paths: relationship name + parent id → parent row.
    var parent: (String, String) -> (SalesforceObjectType, SalesforceRecord)?

    /// Checks every field the query names against the describe; throws `INVALID_FIELD` as Salesforce does.
    func validate(_ query: SOQLQuery) throws(SalesforceError) {
        var names: [String] = query.selections.compactMap { if case .field(let f) = $0 { f } else { nil } }
        names += query.orders.map(\.field)
        func collect(_ expr: SOQLQuery.Expr?) {
            switch expr {
            case .and(let a, let b), .or(let a, let b): collect(a); collect(b)
            case .not(let a): collect(a)
            case .compare(let field, _, _), .within(let field, _, _): names.append(field)
            case nil: break
            }
        }
        collect(query.filter)
        for name in names where resolveField(name) == nil {
            throw SalesforceError(status: 400, errorCode: "INVALID_FIELD",
                                  message: "\nERROR at Row:1:Column:1\nNo such column '\(name)' on entity '\(type.name)'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.")
        }
    }

    /// The describe entry for a field or a `Relationship.Field` path.
    func resolveField(_ name: String) -> SalesforceField? {
        let parts = name.split(separator: ".")
        if parts.count == 1 { return type.field(name) }
        guard parts.count == 2, let relation = type.fields.first(where: { $0.relationshipName?.caseInsensitiveCompare(String(parts[0])) == .orderedSame }),
              let target = relation.referenceTo.last.flatMap({ SalesforceSchema.all[$0] }) else { return nil }
        return target.field(String(parts[1]))
    }

    func value(_ name: String, of record: SalesforceRecord) -> SalesforceValue {
        let parts = name.split(separator: ".")
        if parts.count == 1 {
            guard let field = type.field(name) else { return .null }
            return record.fields[field.name] ?? .null
        }
        guard let relation = type.fields.first(where: { $0.relationshipName?.caseInsensitiveCompare(String(parts[0])) == .orderedSame }),
              case .string(let parentID)? = record.fields[relation.name],
              let (parentType, parentRow) = parent(relation.relationshipName!, parentID),
              let field = parentType.field(String(parts[1])) else { return .null }
        return parentRow.fields[field.name] ?? .null
    }

    func matches(_ expr: SOQLQuery.Expr?, _ record: SalesforceRecord) -> Bool {
        switch expr {
        case nil: return true
        case .and(let a, let b): return matches(a, record) && matches(b, record)
        case .or(let a, let b): return matches(a, record) || matches(b, record)
        case .not(let a): return !matches(a, record)
        case .within(let field, let negated, let values):
            let actual = value(field, of: record)
            let exact = isIdentifier(field)
            let hit = values.contains { compare(actual, $0, exact: exact) == 0 }
            return negated ? !hit : hit
        case .compare(let field, let op, let literal):
            let actual = value(field, of: record)
            if literal == .null {
                return op == "=" ? actual == .null : (op == "!=" ? actual != .null : false)
            }
            if op == "LIKE" {
                guard case .string(let pattern) = literal, let text = actual.text else { return false }
                return like(pattern, text)
            }
            guard actual != .null, let order = compare(actual, literal, exact: isIdentifier(field)) else { return op == "!=" }
            switch op {
            case "=": return order == 0
            case "!=": return order != 0
            case "<": return order < 0
            case "<=": return order <= 0
            case ">": return order > 0
            case ">=": return order >= 0
            default: return false
            }
        }
    }

    /// Orders a stored value against a literal; `nil` when the types cannot be compared.
    /// Ids and references compare as exact (case-sensitive) text; other text compares case-insensitively.
    func isIdentifier(_ field: String) -> Bool {
        guard let type = resolveField(field)?.type else { return false }
        return type == "id" || type == "reference"
    }

    func compare(_ actual: SalesforceValue, _ literal: SOQLQuery.Literal, exact: Bool) -> Int? {
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a == b ? 0 : (a < b ? -1 : 1) }
        switch (actual, literal) {
        case (.datetime(let a), .datetime(let b)): return sign(a.simMillis, b.simMillis)
        case (.date(let a), .date(let b)): return sign(a, b)
        case (.number(let a), .number(let b)): return sign(a, b)
        case (.bool(let a), .bool(let b)): return a == b ? 0 : 1
        case (.string(let a), .string(let b)): return ordering(.string(a), .string(b), exact: exact)
        case (.null, .null): return 0
        default: return nil
        }
    }

    /// SOQL `LIKE`: `%` any run of characters, `_` exactly one, a backslash makes the next character itself; case-insensitive.
    func like(_ pattern: String, _ text: String) -> Bool {
        var tokens: [Glob.Token] = []
        var escaped = false
        for c in pattern.lowercased() {
            if escaped { tokens.append(.char(c)); escaped = false; continue }
            switch c {
            case "\\": escaped = true
            case "%": tokens.append(.any)
            case "_": tokens.append(.one)
            default: tokens.append(.char(c))
            }
        }
        return Glob.matches(tokens: tokens, text.lowercased())
    }

    func sort(_ rows: inout [SalesforceRecord], by orders: [SOQLQuery.Order]) {
        guard !orders.isEmpty else { rows.sort { $0.id < $1.id }; return }
        // Decorate once: each row's sort values are read once, not on every comparison.
        let exact = orders.map { isIdentifier($0.field) }
        var keyed = rows.map { row in (keys: orders.map { value($0.field, of: row) }, row: row) }
        keyed.sort { a, b in
            for (index, order) in orders.enumerated() {
                let av = a.keys[index], bv = b.keys[index]
                if av == bv { continue }
                if av == .null || bv == .null {
                    return (av == .null) != order.nullsLast
                }
                let cmp = ordering(av, bv, exact: exact[index])
                if cmp != 0 { return order.descending ? cmp > 0 : cmp < 0 }
            }
            return false
        }
        rows = keyed.map(\.row)
    }

    func ordering(_ a: SalesforceValue, _ b: SalesforceValue, exact: Bool) -> Int {
        switch (a, b) {
        case (.datetime(let x), .datetime(let y)): return x.simMillis == y.simMillis ? 0 : (x < y ? -1 : 1)
        case (.number(let x), .number(let y)): return x == y ? 0 : (x < y ? -1 : 1)
        default:
            let x = a.text ?? "", y = b.text ?? ""
            if exact { return x == y ? 0 : (x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1) }
            let lx = x.lowercased(), ly = y.lowercased()
            return lx == ly ? 0 : (lx < ly ? -1 : 1)
        }
    }
}
