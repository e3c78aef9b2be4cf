import Foundation

/// Chooses the canonical value of each mapped field from a person's records.
public struct FieldMerger: Sendable {
    public var mapping: MappingSet

    public init(mapping: MappingSet) { self.mapping = mapping }

    /// One field's verdict: the value and which record it came from.
    public struct Choice: Sendable, Hashable {
        public var value: String?
        public var from: RecordRef?
    }

    /// Merges the newest record of each system into canonical fields.
    ///
    /// `records` may hold at most one record per system that matters; when a
    /// person has several in one system (duplicates), the newest is used.
    public func merge(_ records: [SourceRecord]) -> [String: Choice] {
        let newest = Dictionary(grouping: records, by: \.ref.system)
            .compactMapValues { $0.max { ($0.modifiedAt, $0.ref.id) < ($1.modifiedAt, $1.ref.id) } }
        var result: [String: Choice] = [:]
        for field in mapping.fields {
            result[field.canonical] = choose(field, hubspot: newest[.hubspot], salesforce: newest[.salesforce])
        }
        return result
    }

    func choose(_ field: FieldMapping, hubspot: SourceRecord?, salesforce: SourceRecord?) -> Choice {
        let hs = hubspot.flatMap { record in field.canonicalValue(from: record).map { Choice(value: $0, from: record.ref) } }
        let sf = salesforce.flatMap { record in field.canonicalValue(from: record).map { Choice(value: $0, from: record.ref) } }
        let empty = Choice(value: nil, from: nil)
        switch field.rule {
        case .twoWay:
            guard let hs, let sf else { return hs ?? sf ?? empty }
            // Ties go to Salesforce: the sales system is the record of truth once both agree on time.
            return (hubspot!.modifiedAt > salesforce!.modifiedAt) ? hs : sf
        case .preferHubSpot, .hubspotToSalesforce:
            return hubspot != nil ? (hs ?? empty) : (sf ?? empty)
        case .preferSalesforce, .salesforceToHubSpot:
            return salesforce != nil ? (sf ?? empty) : (hs ?? empty)
        case .preferHubSpotUnlessBlank:
            return hs ?? sf ?? empty
        case .preferSalesforceUnlessBlank, .fillIfEmpty, .never, .leadrelay:
            return sf ?? hs ?? empty
        }
    }
}
