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

    /// Merges the primary record of each system (the duplicate policy's survivor, else the newest) into canonical fields.
    ///
    /// When a person has several records in one system, a field blank on the primary takes the value of the newest
    /// other record that has one: the survivor's values win, duplicates only fill gaps.
    public func merge(_ records: [SourceRecord]) -> [String: Choice] {
        var primary: [CRMSystem: SourceRecord] = [:]
        var others: [CRMSystem: [SourceRecord]] = [:]
        for system in CRMSystem.allCases {
            let inSystem = records.filter { $0.ref.system == system }
            guard let chosen = mapping.primaryRecord(in: system, of: inSystem)
                ?? inSystem.max(by: { ($0.modifiedAt, $0.ref.id) < ($1.modifiedAt, $1.ref.id) }) else { continue }
            primary[system] = chosen
            others[system] = inSystem.filter { $0.ref != chosen.ref }.sorted { ($0.modifiedAt, $0.ref.id) > ($1.modifiedAt, $1.ref.id) }
        }
        var result: [String: Choice] = [:]
        for field in mapping.fields {
            result[field.canonical] = choose(field, hubspot: primary[.hubspot], salesforce: primary[.salesforce],
                                             fallback: { system in
                                                 for record in others[system] ?? [] {
                                                     if let value = field.canonicalValue(from: record) { return Choice(value: value, from: record.ref) }
                                                 }
                                                 return nil
                                             })
        }
        return result
    }

    func choose(_ field: FieldMapping, hubspot: SourceRecord?, salesforce: SourceRecord?,
                fallback: (CRMSystem) -> Choice? = { _ in nil }) -> Choice {
        let hs = hubspot.flatMap { record in field.canonicalValue(from: record).map { Choice(value: $0, from: record.ref) } } ?? fallback(.hubspot)
        let sf = salesforce.flatMap { record in field.canonicalValue(from: record).map { Choice(value: $0, from: record.ref) } } ?? fallback(.salesforce)
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
