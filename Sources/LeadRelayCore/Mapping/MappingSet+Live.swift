extension MappingSet {
    /// The mapping bound to both live schemas, as start-up reads them: each field learns its live type (every value is
    /// checked against it before it is sent), and a number mapped onto an enumeration of ranges without `ranges:` in the
    /// mapping takes the portal's own options (`numemployees`: `1-5` … `1000+`, or whatever the portal's admin set).
    public func bound(hubspot: [CRMFieldSchema], salesforce: [CRMFieldSchema]) -> MappingSet {
        let schemas: [CRMSystem: [String: CRMFieldSchema]] = [
            .hubspot: Dictionary(hubspot.map { ($0.name, $0) }) { first, _ in first },
            .salesforce: Dictionary(salesforce.map { ($0.name, $0) }) { first, _ in first },
        ]
        var bound = self
        for index in bound.fields.indices {
            var field = bound.fields[index]
            for system in CRMSystem.allCases {
                guard let name = field.name(in: system), let schema = schemas[system]?[name] else { continue }
                field.live[system] = schema
                if field.ranges[system] == nil, field.type == .integer || field.type == .decimal, let ranges = Self.ranges(of: schema) {
                    field.ranges[system] = ranges
                }
            }
            bound.fields[index] = field
        }
        return bound
    }

    /// The ranges of an enumeration whose options are number ranges; `nil` for any other field.
    public static func ranges(of schema: CRMFieldSchema) -> NumberRanges? {
        guard ["enumeration", "picklist"].contains(schema.type) else { return nil }
        return NumberRanges(options: schema.options)
    }
}
