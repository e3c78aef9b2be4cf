/// One problem the audit found in a mapping, located by its key path in the mapping file.
public struct AuditFinding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error, warning, info

        var rank: Int { self == .error ? 0 : (self == .warning ? 1 : 2) }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var severity: Severity
    /// A stable name for the kind of finding (`missing-field`, `not-updateable`, …).
    public var code: String
    /// Key path in the mapping file (`fields.industry.values`), to locate it.
    public var path: [String]
    public var message: String

    public init(_ severity: Severity, _ code: String, _ path: [String], _ message: String) {
        self.severity = severity
        self.code = code
        self.path = path
        self.message = message
    }
}

/// Lints a mapping against both live schemas and a sample of live data. Pure: the caller fetches.
///
/// Checks: mapped fields that do not exist; type mismatches; targets LeadRelay writes that are not
/// updateable; required fields left unmapped; picklist values on one side only or never translated;
/// targets shorter than their source; rules that let a blank overwrite data; fields holding data that
/// no mapping reads.
public struct MappingAudit: Sendable {
    public var mapping: MappingSet
    public var hubspot: [CRMFieldSchema]
    public var salesforce: [CRMFieldSchema]
    /// Recent records of each system, to find unmapped fields that hold data.
    public var samples: [SourceRecord]

    /// Salesforce fields LeadRelay fills itself on create, mapped or not.
    public static let filledByLeadRelay: Set<String> = ["Status", "OwnerId"]
    /// Fields LeadRelay reads and writes itself (stage, status, owner): holding data without a mapping is expected.
    public static let managedByLeadRelay: Set<String> = Set([
        CRMFieldNames.hubspotLifecycle, CRMFieldNames.hubspotLeadStatus, CRMFieldNames.hubspotOwner,
        CRMFieldNames.salesforceStatus, CRMFieldNames.salesforceOwner,
    ] + HubSpotInterest.properties)

    public init(mapping: MappingSet, hubspot: [CRMFieldSchema], salesforce: [CRMFieldSchema], samples: [SourceRecord] = []) {
        self.mapping = mapping
        self.hubspot = hubspot
        self.salesforce = salesforce
        self.samples = samples
    }

    public func run() -> [AuditFinding] {
        var findings: [AuditFinding] = []
        let schemas: [CRMSystem: [String: CRMFieldSchema]] = [
            .hubspot: Dictionary(hubspot.map { ($0.name, $0) }) { a, _ in a },
            .salesforce: Dictionary(salesforce.map { ($0.name, $0) }) { a, _ in a },
        ]
        for (system, name) in (mapping.duplicates?.flag ?? [:]).sorted(by: { $0.key < $1.key }) {
            let path = ["duplicates", "flag", system == .hubspot ? "hubspot" : "salesforce"]
            guard let schema = schemas[system]?[name] else {
                findings.append(.init(.error, "missing-field", path,
                                      "\(system.displayName) has no \(mapping.objectName(in: system)) field '\(name)'; create it (text, 18+ characters) or remove the flag"))
                continue
            }
            if !schema.updateable {
                findings.append(.init(.error, "not-updateable", path, "the duplicate flag '\(name)' cannot be updated through the API"))
            }
            if let length = schema.length, length < 18 {
                findings.append(.init(.error, "target-shorter", path, "'\(name)' holds \(length) characters; a Salesforce id needs 18"))
            }
        }
        for (system, name) in mapping.crossReference.sorted(by: { $0.key < $1.key }) where schemas[system]?[name] == nil {
            findings.append(.init(.error, "missing-field", ["crossReference", system.rawValue],
                                  "\(system.displayName) has no \(mapping.objectName(in: system)) field '\(name)' to read the other CRM's record id from"))
        }
        for field in mapping.fields {
            let path = ["fields", field.canonical]
            for system in CRMSystem.allCases.sorted() {
                guard let name = field.name(in: system) else { continue }
                let side = system == .hubspot ? "hubspot" : "salesforce"
                guard let schema = schemas[system]?[name] else {
                    findings.append(.init(.error, "missing-field", path + [side],
                                          "\(system.displayName) has no \(mapping.objectName(in: system)) field '\(name)'"))
                    continue
                }
                let ranges = field.ranges[system] ?? (field.type == .integer || field.type == .decimal ? MappingSet.ranges(of: schema) : nil)
                if let problem = Self.typeProblem(field.type, schema, system: system, ranges: ranges) {
                    findings.append(.init(problem.severity, "type-mismatch", path + ["type"], problem.message))
                } else if let ranges {
                    findings.append(.init(.info, "range-enumeration", path + ["type"],
                                          "\(system.displayName) '\(name)' is an enumeration of ranges (\(ranges.summary)): numbers are written as the range that holds them, and a range is read as its lower bound"))
                    for option in field.ranges[system]?.bands.map(\.option) ?? [] where !schema.options.contains(option) {
                        findings.append(.init(.error, "unknown-option", path + ["ranges"], "\(system.displayName) '\(name)' has no option '\(option)'"))
                    }
                } else if field.type == .picklist, !["picklist", "enumeration"].contains(schema.type) {
                    findings.append(.init(.info, "free-text", path + ["type"],
                                          "\(system.displayName) '\(name)' is free text: values are written there untranslated, and read through the values table"))
                }
                if field.rule.writes(into: system), !schema.updateable {
                    findings.append(.init(.error, "not-updateable", path + ["rule"],
                                          "rule \(field.rule.rawValue) writes \(system.displayName) '\(name)', which the API cannot update"))
                }
            }
            findings += picklistFindings(field, schemas: schemas, path: path)
            findings += lengthFindings(field, schemas: schemas, path: path)
            if field.clearBlanks, field.rule != .never, field.rule != .leadrelay {
                findings.append(.init(.warning, "blank-overwrites", path + ["clearBlanks"],
                                      "clearBlanks lets a blank in one system clear the value in the other; make sure that is intended"))
            }
            switch field.rule {
            case .preferHubSpot, .preferSalesforce, .hubspotToSalesforce, .salesforceToHubSpot:
                findings.append(.init(.warning, "blank-overwrites", path + ["rule"],
                                      "with \(field.rule.rawValue) a blank on the preferred side clears the other side's value; use an -unless-blank rule unless that is intended"))
            default:
                break
            }
        }
        // Required Salesforce fields: a create without them is refused.
        let mappedSalesforce = Set(mapping.fields.compactMap(\.salesforce))
        // Required on create matters where LeadRelay creates records (leads); it never creates accounts.
        for schema in salesforce where mapping.salesforceObject == "Lead" && schema.required && !mappedSalesforce.contains(schema.name)
            && !Self.filledByLeadRelay.contains(schema.name) {
            findings.append(.init(.error, "required-unmapped", ["fields"],
                                  "Salesforce \(mapping.salesforceObject) requires '\(schema.name)' on create, and no mapping fills it"))
        }
        findings += lifecycleFindings(schemas: schemas)
        findings += unmappedData(schemas: schemas)
        return findings.sorted { ($0.severity, $0.path.joined(separator: "."), $0.code) < ($1.severity, $1.path.joined(separator: "."), $1.code) }
    }

    /// The CRM types a canonical type can live in; a mismatch is an error, a lossy fit a warning.
    /// `ranges`: the range enumeration a number field lives in there (from the mapping, or the live options).
    static func typeProblem(_ type: FieldType, _ schema: CRMFieldSchema, system: CRMSystem,
                            ranges: NumberRanges? = nil) -> (severity: AuditFinding.Severity, message: String)? {
        let crm = schema.type
        let text: Set<String> = ["string", "textarea", "text", "email", "phone", "phone_number", "url", "combobox"]
        let ok: Bool
        var lossy = false
        switch type {
        case .string: ok = text.contains(crm) || crm == "picklist" || crm == "enumeration"
        case .email: ok = crm == "email" || crm == "string"
        case .phone: ok = crm == "phone" || crm == "phone_number" || crm == "string"
        case .url: ok = crm == "url" || crm == "string"
        case .integer, .decimal:
            ok = ["number", "int", "double", "currency", "percent", "string"].contains(crm) || ranges != nil
            lossy = crm == "string"
        case .picklist: ok = crm == "picklist" || crm == "enumeration" || text.contains(crm)
        case .date: ok = crm == "date" || crm == "datetime"
        case .datetime: ok = crm == "datetime"
        case .boolean: ok = crm == "boolean" || crm == "bool" || (crm == "enumeration" && schema.options.count == 2)
        case .owner:
            ok = (crm == "reference" && (schema.referenceTo.contains("User") || schema.referenceTo.isEmpty))
                || (crm == "enumeration" && schema.referenceTo.contains("OWNER"))
        }
        if !ok {
            let hint = (type == .integer || type == .decimal) && (crm == "enumeration" || crm == "picklist")
                ? "; its options are not number ranges, so give them as ranges: in the mapping or map it as a picklist" : ""
            return (.error, "mapped as \(type.rawValue), but \(system.displayName) '\(schema.name)' is \(crm)\(hint)")
        }
        if lossy {
            return (.warning, "mapped as \(type.rawValue), but \(system.displayName) '\(schema.name)' holds text: values are parsed, and text that is not a number is dropped")
        }
        return nil
    }

    func picklistFindings(_ field: FieldMapping, schemas: [CRMSystem: [String: CRMFieldSchema]], path: [String]) -> [AuditFinding] {
        guard field.type == .picklist, let hsName = field.hubspot, let sfName = field.salesforce,
              let hs = schemas[.hubspot]?[hsName], let sf = schemas[.salesforce]?[sfName] else { return [] }
        var findings: [AuditFinding] = []
        let hsOptions = Set(hs.options), sfOptions = Set(sf.options)
        // Without a table, values must be equal on both sides.
        let table = field.values.isEmpty ? Dictionary(uniqueKeysWithValues: hsOptions.intersection(sfOptions).map { ($0, $0) }) : field.values
        for (hubspotValue, salesforceValue) in table.sorted(by: { $0.key < $1.key }) {
            if !hsOptions.isEmpty, !hsOptions.contains(hubspotValue) {
                findings.append(.init(.error, "unknown-option", path + ["values", hubspotValue],
                                      "HubSpot '\(hsName)' has no option '\(hubspotValue)'"))
            }
            if !sfOptions.isEmpty, !sfOptions.contains(salesforceValue) {
                findings.append(.init(sf.restricted ? .error : .warning, "unknown-option", path + ["values", hubspotValue],
                                      "Salesforce '\(sfName)' has no value '\(salesforceValue)'\(sf.restricted ? " and refuses others (restricted picklist)" : "")"))
            }
        }
        let translated = Set(table.keys), targets = Set(table.values)
        let hubspotOnly = hsOptions.subtracting(translated).sorted()
        if !hubspotOnly.isEmpty {
            findings.append(.init(.warning, "option-one-side", path + ["values"],
                                  "HubSpot options with no Salesforce value (they reach Salesforce untranslated): \(hubspotOnly.joined(separator: ", "))"))
        }
        let salesforceOnly = sfOptions.subtracting(targets).sorted()
        if !salesforceOnly.isEmpty {
            findings.append(.init(.info, "option-never-mapped", path + ["values"],
                                  "Salesforce values no HubSpot option maps to: \(salesforceOnly.joined(separator: ", "))"))
        }
        return findings
    }

    /// HubSpot text can be up to 65,536 characters; a shorter Salesforce target refuses longer values.
    func lengthFindings(_ field: FieldMapping, schemas: [CRMSystem: [String: CRMFieldSchema]], path: [String]) -> [AuditFinding] {
        guard field.rule.writes(into: .salesforce), [.string, .email, .phone, .url].contains(field.type),
              let sfName = field.salesforce, let sf = schemas[.salesforce]?[sfName], let length = sf.length, length < 255,
              field.hubspot != nil else { return [] }
        return [.init(.warning, "target-shorter", path + ["salesforce"],
                      "Salesforce '\(sfName)' holds at most \(length) characters; longer HubSpot values are refused (STRING_TOO_LONG)")]
    }

    /// The lifecycle table against the live status fields: the field exists and can be written, and each value LeadRelay
    /// writes (a stage's first) is one of its options; a value only read that the field does not offer is never seen.
    func lifecycleFindings(schemas: [CRMSystem: [String: CRMFieldSchema]]) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        for system in CRMSystem.allCases.sorted() {
            let side = mapping.lifecycle.side(system)
            let path = ["lifecycle", system.rawValue]
            guard !side.values.isEmpty else { continue }
            guard let schema = schemas[system]?[side.field] else {
                findings.append(.init(.error, "missing-field", path + ["field"],
                                      "\(system.displayName) has no \(mapping.objectName(in: system)) field '\(side.field)' to read and write the lead's stage"))
                continue
            }
            if !schema.updateable {
                findings.append(.init(.error, "not-updateable", path + ["field"], "\(system.displayName) '\(side.field)' cannot be updated through the API"))
            }
            guard !schema.options.isEmpty else { continue }
            let options = Set(schema.options.map(LifecycleMap.key))
            for stage in LifecycleMap.stages {
                for (index, value) in (side.values[stage] ?? []).enumerated() where !options.contains(LifecycleMap.key(value)) {
                    if index > 0 {
                        findings.append(.init(.info, "unknown-option", path + [stage.rawValue],
                                              "\(system.displayName) '\(side.field)' has no option '\(value)': it is read as \(stage.rawValue) but never seen"))
                    } else if system == .hubspot || schema.restricted {
                        findings.append(.init(.error, "unknown-option", path + [stage.rawValue],
                                              "\(system.displayName) '\(side.field)' has no option '\(value)', and refuses others: a lead at \(stage.rawValue) cannot be written there; add the option or list one it has first"))
                    } else {
                        findings.append(.init(.warning, "unknown-option", path + [stage.rawValue],
                                              "Salesforce '\(side.field)' has no value '\(value)': it is written anyway, but list views and reports filtered by the picklist will not show it"))
                    }
                }
            }
        }
        return findings
    }

    /// Updateable fields that hold values in the sampled records but that no mapping reads.
    func unmappedData(schemas: [CRMSystem: [String: CRMFieldSchema]]) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        for system in CRMSystem.allCases.sorted() {
            let records = samples.filter { $0.ref.system == system && $0.ref.object == mapping.objectName(in: system) }
            guard !records.isEmpty else { continue }
            let mapped = Set(mapping.fields.compactMap { $0.name(in: system) }).union(Self.managedByLeadRelay).union([mapping.lifecycle.side(system).field]).union(mapping.duplicates?.flag[system].map { [$0] } ?? []).union(mapping.crossReference[system].map { [$0] } ?? [])
            var counts: [String: Int] = [:]
            for record in records {
                for (name, value) in record.fields where value.map({ !$0.isEmpty }) == true && !mapped.contains(name) {
                    guard let schema = schemas[system]?[name], schema.updateable else { continue }
                    counts[name, default: 0] += 1
                }
            }
            for (name, count) in counts.sorted(by: { $0.key < $1.key }) {
                findings.append(.init(.info, "unmapped-data", ["fields"],
                                      "\(system.displayName) '\(name)' has values in \(count) of \(records.count) sampled records but no mapping reads it"))
            }
        }
        return findings
    }
}

extension CRMSystem {
    /// The product name, for messages.
    public var displayName: String { self == .hubspot ? "HubSpot" : "Salesforce" }
}
