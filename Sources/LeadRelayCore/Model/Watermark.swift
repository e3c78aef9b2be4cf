import Foundation

/// Where a poll stopped: the newest modification time seen and, for ties, the largest id.
public struct Watermark: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var modifiedAt: Date
    public var id: String

    public init(modifiedAt: Date, id: String) {
        self.modifiedAt = modifiedAt
        self.id = id
    }

    /// Orders by time, then id; ids compare by length then text, so digit ids order numerically.
    public static func < (lhs: Watermark, rhs: Watermark) -> Bool {
        if lhs.modifiedAt.epochMillis != rhs.modifiedAt.epochMillis { return lhs.modifiedAt < rhs.modifiedAt }
        if lhs.id.count != rhs.id.count { return lhs.id.count < rhs.id.count }
        // Byte order, as the CRMs order ids (Salesforce ids are case-sensitive).
        return Array(lhs.id.utf8).lexicographicallyPrecedes(Array(rhs.id.utf8))
    }

    public var description: String { "\(ISOTimestamp.format(modifiedAt))#\(id)" }
}
