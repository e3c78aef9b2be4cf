/// Links records that are the same person, across and within systems.
///
/// The walking-skeleton rule is exact: records whose identifier (email)
/// normalises to the same address are one person. A record already linked
/// keeps its person key even if its email changes, so links never flap.
public struct IdentityResolver: Sendable {
    public var identifier: FieldMapping

    public init(identifier: FieldMapping) { self.identifier = identifier }

    /// The person key for a mailbox: stable, readable, and free of the raw casing.
    public static func personKey(email: String) -> PersonKey { .email(EmailAddress.matchKey(email) ?? email) }

    /// Groups records into people.
    ///
    /// - Parameters:
    ///   - records: records to place (any order).
    ///   - existing: links the store already holds, record → person key.
    /// - Returns: person key → that person's records, sorted by ref.
    ///   - matches: records placed by evidence this cycle (`IdentityLinker`), record → person.
    public func group(_ records: [SourceRecord], existing: [RecordRef: PersonKey],
                      matches: [RecordRef: IdentityLinker.Match] = [:]) -> [PersonKey: [SourceRecord]] {
        var people: [PersonKey: [SourceRecord]] = [:]
        for record in records.sorted(by: { $0.ref < $1.ref }) {
            people[key(for: record, existing: existing, matches: matches), default: []].append(record)
        }
        return people
    }

    /// The person key of one record: its stored link, else the person evidence placed it with, else its mailbox,
    /// else the record itself.
    public func key(for record: SourceRecord, existing: [RecordRef: PersonKey], matches: [RecordRef: IdentityLinker.Match] = [:]) -> PersonKey {
        if let linked = existing[record.ref] { return linked }
        if let match = matches[record.ref] { return match.personKey }
        return deterministicKey(for: record)
    }

    /// The key a record's own fields give: its mailbox, else the record itself (role inboxes included).
    public func deterministicKey(for record: SourceRecord) -> PersonKey {
        if let email = identifier.canonicalValue(from: record) {
            // A shared inbox (info@, sales@) is many people: it never links records by itself.
            if EmailClass.of(email) == .role { return .record(record.ref) }
            // The mailbox, not the spelling: gmail dots and +tags reach one person.
            return Self.personKey(email: email)
        }
        return .record(record.ref)
    }
}
