import Foundation

/// One record as a CRM returned it, flattened to field name → text.
///
/// HubSpot already sends every property as a string or null; Salesforce
/// numbers and booleans are rendered as text by the connector so that both
/// systems look alike here. A field that is present with a `nil` value was
/// returned empty; an absent field was not requested.
public struct SourceRecord: Sendable, Hashable, Codable {
    public var ref: RecordRef
    /// The CRM's modification time for this version of the record.
    public var modifiedAt: Date
    public var fields: [String: String?]
    /// True when the CRM reports the record deleted or archived.
    public var deleted: Bool

    public init(ref: RecordRef, modifiedAt: Date, fields: [String: String?], deleted: Bool = false) {
        self.ref = ref
        self.modifiedAt = modifiedAt
        self.fields = fields
        self.deleted = deleted
    }

    /// True when both are the same version: same time, deletion flag and values (an empty field equals an absent one).
    public func hasSameContent(as other: SourceRecord) -> Bool {
        // Milliseconds: a Date that went through storage as seconds-since-1970 can differ in the last bit.
        ref == other.ref && modifiedAt.epochMillis == other.modifiedAt.epochMillis && deleted == other.deleted
            && fields.compactMapValues { $0 } == other.fields.compactMapValues { $0 }
    }

    /// The field's value with blank text treated as empty.
    public func value(_ name: String) -> String? {
        guard let value = fields[name] ?? nil else { return nil }
        // Starts and ends with a visible ASCII character: not blank, no need to trim to know it.
        if let first = value.utf8.first, let last = value.utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F { return value }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : value
    }
}

extension Date {
    /// Milliseconds since 1970, rounded: the precision both CRMs use.
    public var epochMillis: Int64 {
        let raw = (timeIntervalSince1970 * 1000).rounded()
        return raw.isNaN ? 0 : Int64(min(max(raw, -9.2e18), 9.2e18))
    }
}
