import Foundation

/// One polled stream of one CRM: its records, or the sweep of its deletions. A watermark belongs to exactly one.
public struct StreamID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Changed records, read since the watermark.
        case records
        /// Deleted records the change poll cannot see, swept on a slower cadence.
        case deletions
    }

    public var system: CRMSystem
    /// The CRM object (`contacts`, `Lead`), or `accounts` / `activities` for those streams.
    public var object: String
    public var kind: Kind

    public init(_ system: CRMSystem, _ object: String, _ kind: Kind = .records) {
        self.system = system
        self.object = object
        self.kind = kind
    }

    /// As the store keys it: `hubspot.contacts`, `hubspot.contacts.deleted`.
    public var rawValue: String { "\(system.rawValue).\(object)" + (kind == .deletions ? ".deleted" : "") }

    /// The stream a stored key names; `nil` for a key that is not a stream's.
    public init?(rawValue: String) {
        var parts = rawValue.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let system = CRMSystem(rawValue: parts.removeFirst()) else { return nil }
        var kind = Kind.records
        if parts.count == 2, parts[1] == "deleted" {
            kind = .deletions
            parts.removeLast()
        }
        guard parts.count == 1, !parts[0].isEmpty else { return nil }
        self.init(system, parts[0], kind)
    }

    /// The deletion sweep of this stream's object.
    public var deletions: StreamID { StreamID(system, object, .deletions) }

    public var description: String { rawValue }
    public static func < (a: StreamID, b: StreamID) -> Bool { a.rawValue < b.rawValue }
}
