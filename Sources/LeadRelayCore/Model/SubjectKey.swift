import Foundation

/// Who a person is to LeadRelay: the mailbox their records share, or — for a record with no mailbox of its own (or only
/// a shared inbox such as `info@`) — that record. Stable for the person's life: a linked record keeps its key even if its
/// email changes.
///
/// Stored and printed as `email:ana@acme.io` or `ref:hubspot/contacts/101` (`rawValue`); nothing else parses those.
public enum PersonKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The mailbox match key (`EmailAddress.matchKey`: case, gmail dots and `+tags` folded).
    case email(String)
    /// A person known only by one record.
    case record(RecordRef)

    public var rawValue: String {
        switch self {
        case .email(let mailbox): "email:" + mailbox
        case .record(let ref): "ref:" + ref.description
        }
    }

    /// The key a stored or printed `rawValue` names; `nil` for anything else (an account's `domain:` key included).
    public init?(rawValue: String) {
        if rawValue.hasPrefix("email:") {
            let mailbox = String(rawValue.dropFirst("email:".count))
            guard !mailbox.isEmpty else { return nil }
            self = .email(mailbox)
        } else if rawValue.hasPrefix("ref:"), let ref = RecordRef(rawValue: String(rawValue.dropFirst("ref:".count))) {
            self = .record(ref)
        } else {
            return nil
        }
    }

    /// The mailbox, for a person keyed by one.
    public var email: String? { if case .email(let mailbox) = self { mailbox } else { nil } }

    public var description: String { rawValue }
    public static func < (a: PersonKey, b: PersonKey) -> Bool { a.rawValue < b.rawValue }
}

/// Which company an account record belongs to across both CRMs: its normalised web domain (`WebDomain.normalise`).
/// Stored and printed as `domain:acme.io`.
public struct AccountKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var domain: String

    public init(domain: String) { self.domain = domain }

    public var rawValue: String { "domain:" + domain }

    public init?(rawValue: String) {
        guard rawValue.hasPrefix("domain:") else { return nil }
        let domain = String(rawValue.dropFirst("domain:".count))
        guard !domain.isEmpty else { return nil }
        self.init(domain: domain)
    }

    public var description: String { rawValue }
    public static func < (a: AccountKey, b: AccountKey) -> Bool { a.domain < b.domain }
}

/// What a link, a plan change or an effect is about: a person or an account. The identity-link table holds both.
public enum SubjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    case person(PersonKey)
    case account(AccountKey)

    public var rawValue: String {
        switch self {
        case .person(let key): key.rawValue
        case .account(let key): key.rawValue
        }
    }

    public init?(rawValue: String) {
        if let person = PersonKey(rawValue: rawValue) {
            self = .person(person)
        } else if let account = AccountKey(rawValue: rawValue) {
            self = .account(account)
        } else {
            return nil
        }
    }

    public var person: PersonKey? { if case .person(let key) = self { key } else { nil } }
    public var account: AccountKey? { if case .account(let key) = self { key } else { nil } }

    public var description: String { rawValue }
    public static func < (a: SubjectKey, b: SubjectKey) -> Bool { a.rawValue < b.rawValue }
}

extension RecordRef {
    /// The ref a `description` (`hubspot/contacts/101`) names; `nil` for anything else. The id is the rest after the
    /// object, so an id with a slash in it still reads back.
    public init?(rawValue: String) {
        let parts = rawValue.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let system = CRMSystem(rawValue: parts[0]), !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        self.init(system: system, object: parts[1], id: parts[2])
    }
}

/// A key that travels as its `rawValue`: one string in JSON (plans, reports, stored payloads), and the key of a JSON
/// object when a dictionary is keyed by it. A string that is no key of the kind is refused when decoding.
/// (Not `RawRepresentable`: that would trade the derived `==` and hashing for string comparisons.)
public protocol StoredKey: TextCoded, CodingKeyRepresentable {
    var rawValue: String { get }
    init?(rawValue: String)
}

private struct KeyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension StoredKey {
    public init?(text: String) { self.init(rawValue: text) }
    public var text: String { rawValue }
    public static var expectedText: String { "a \(Self.self)" }

    public var codingKey: any CodingKey { KeyCodingKey(stringValue: rawValue) }
    public init?<T: CodingKey>(codingKey: T) { self.init(rawValue: codingKey.stringValue) }
}

extension PersonKey: StoredKey {}
extension AccountKey: StoredKey {}
extension SubjectKey: StoredKey {}
