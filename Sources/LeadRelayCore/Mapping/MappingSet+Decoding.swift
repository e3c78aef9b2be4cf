import Foundation

/// The on-disk shape of a mapping file (see CONFIG.md).
public struct MappingFile: Sendable, Decodable {
    public struct ObjectName: Sendable, Decodable {
        public var object: String
    }

    public struct Entry: Sendable, Decodable {
        public var hubspot: String?
        public var salesforce: String?
        public var type: String?
        public var rule: String?
        public var identifier: Bool?
        public var values: [String: String]?
        /// Opt in to letting a blank clear the other system's value.
        public var clearBlanks: Bool?
        /// `lower`, `upper` or `title`.
        public var `case`: String?
        public var `default`: String?
        public var maxLength: Int?
        /// `truncate` or `reject` (default) for values longer than `maxLength`.
        public var overflow: String?
        /// The option values of a range enumeration holding this number: a list (HubSpot's side), or per side.
        public var ranges: Ranges?
    }

    /// `ranges: [1-5, 5-25, 1000+]` (HubSpot) or `ranges: { hubspot: [...], salesforce: [...] }`.
    public struct Ranges: Sendable, Decodable {
        public var hubspot: [String]?
        public var salesforce: [String]?

        enum CodingKeys: String, CodingKey { case hubspot, salesforce }

        public init(from decoder: any Decoder) throws {
            if let list = try? decoder.singleValueContainer().decode([String].self) {
                hubspot = list
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            hubspot = try container.decodeIfPresent([String].self, forKey: .hubspot)
            salesforce = try container.decodeIfPresent([String].self, forKey: .salesforce)
        }
    }

    public struct Duplicates: Sendable, Decodable {
        public struct Flag: Sendable, Decodable {
            public var hubspot: String?
            public var salesforce: String?
        }
        public struct Merge: Sendable, Decodable {
            public var hubspot: Bool?
            public var minScore: Double?
        }
        public var flag: Flag?
        public var survivor: [String]?
        public var merge: Merge?
        /// Canonical field (or `default`) → `survivor` or `newest`.
        public var values: [String: String]?
    }

    public var object: String
    public var hubspot: ObjectName
    public var salesforce: ObjectName
    public var fields: [String: Entry]
    public var duplicates: Duplicates?
    /// `hubspot`: the contact property holding the Salesforce record id; `salesforce`: the field holding the HubSpot id.
    public var crossReference: Duplicates.Flag?
    /// Each CRM's status values per stage after the hand-off (`LifecycleMap`); what is not given keeps the defaults.
    public var lifecycle: Lifecycle?

    /// `lifecycle: { hubspot: { field: hs_lead_status, sal: [IN_PROGRESS, CONNECTED], recycled: BAD_TIMING }, salesforce: … }`.
    public struct Lifecycle: Sendable, Decodable {
        public var hubspot: [String: Values]?
        public var salesforce: [String: Values]?
    }

    /// One value or a list of them.
    public struct Values: Sendable, Decodable {
        public var list: [String]

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let one = try? container.decode(String.self) { list = [one] } else { list = try container.decode([String].self) }
        }
    }
}

extension MappingSet {
    /// Builds the mapping from its file, reporting every bad entry at once.
    ///
    /// - Throws: `[ConfigIssue]` naming each key that is wrong and what was expected.
    public init(validating file: MappingFile) throws(ConfigIssues) {
        var issues: [ConfigIssue] = []
        var fields: [FieldMapping] = []
        if file.fields.isEmpty {
            issues.append(ConfigIssue(path: ["fields"], "a mapping needs at least one field"))
        }
        for (name, entry) in file.fields.sorted(by: { $0.key < $1.key }) {
            let path = ["fields", name]
            let type: FieldType
            if let raw = entry.type {
                if let parsed = FieldType(rawValue: raw) {
                    type = parsed
                } else {
                    issues.append(ConfigIssue(path: path + ["type"], "unknown type '\(raw)'; expected one of \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))"))
                    type = .string
                }
            } else {
                type = .string
            }
            guard let rawRule = entry.rule else {
                issues.append(ConfigIssue(path: path, "missing key 'rule'; expected one of \(SyncRule.allCases.map(\.rawValue).joined(separator: ", "))"))
                continue
            }
            guard let rule = SyncRule(rawValue: rawRule) else {
                issues.append(ConfigIssue(path: path + ["rule"], "unknown rule '\(rawRule)'; expected one of \(SyncRule.allCases.map(\.rawValue).joined(separator: ", "))"))
                continue
            }
            if entry.hubspot == nil && entry.salesforce == nil {
                issues.append(ConfigIssue(path: path, "field '\(name)' names neither a 'hubspot' property nor a 'salesforce' field"))
            }
            if type == .owner && rule != .leadrelay {
                issues.append(ConfigIssue(path: path + ["rule"], "owner fields are written by routing only; use rule: leadrelay"))
            }
            if let values = entry.values, type != .picklist, !values.isEmpty {
                issues.append(ConfigIssue(path: path + ["values"], "'values' translates picklists; field '\(name)' has type \(type.rawValue)"))
            }
            var field = FieldMapping(canonical: name, hubspot: entry.hubspot, salesforce: entry.salesforce,
                                     type: type, rule: rule, identifier: entry.identifier ?? false,
                                     values: entry.values ?? [:], clearBlanks: entry.clearBlanks ?? false)
            if let raw = entry.case {
                if let textCase = TextCase(rawValue: raw), type == .string {
                    field.textCase = textCase
                } else {
                    issues.append(ConfigIssue(path: path + ["case"], type == .string
                        ? "unknown case '\(raw)'; expected one of \(TextCase.allCases.map(\.rawValue).joined(separator: ", "))"
                        : "'case' applies to string fields; field '\(name)' has type \(type.rawValue)"))
                }
            }
            if let maxLength = entry.maxLength {
                if maxLength > 0 { field.maxLength = maxLength } else { issues.append(ConfigIssue(path: path + ["maxLength"], "must be at least 1")) }
            }
            if let raw = entry.overflow {
                if let overflow = Overflow(rawValue: raw) { field.overflow = overflow } else {
                    issues.append(ConfigIssue(path: path + ["overflow"], "unknown overflow '\(raw)'; expected truncate or reject"))
                }
                if entry.maxLength == nil { issues.append(ConfigIssue(path: path + ["overflow"], "'overflow' needs a 'maxLength'")) }
            }
            if let value = entry.default {
                if type == .owner || field.identifier {
                    issues.append(ConfigIssue(path: path + ["default"], "owner and identifier fields take no default"))
                } else {
                    field.defaultValue = value
                }
            }
            if let ranges = entry.ranges {
                for (system, options) in [(CRMSystem.hubspot, ranges.hubspot), (.salesforce, ranges.salesforce)] {
                    guard let options else { continue }
                    let side = path + ["ranges"] + (ranges.salesforce == nil ? [] : [system.rawValue])
                    if type != .integer && type != .decimal {
                        issues.append(ConfigIssue(path: side, "'ranges' reads numbers from a range enumeration; field '\(name)' has type \(type.rawValue)"))
                    } else if field.name(in: system) == nil {
                        issues.append(ConfigIssue(path: side, "field '\(name)' has no \(system.displayName) side for ranges"))
                    } else if let bad = options.first(where: { NumberRanges.band($0) == nil }) {
                        issues.append(ConfigIssue(path: side, "'\(bad)' is not a range; expected options like 1-5, 5-25, 1000+"))
                    } else if let parsed = NumberRanges(options: options) {
                        field.ranges[system] = parsed
                    } else {
                        issues.append(ConfigIssue(path: side, "a range enumeration needs at least two ranges"))
                    }
                }
            }
            fields.append(field)
        }
        if !fields.contains(where: { $0.identifier }) && !fields.contains(where: { $0.canonical == "email" }) {
            issues.append(ConfigIssue(path: ["fields"], "no field identifies a person: mark the email field with identifier: true"))
        }
        var policy: DuplicatePolicy?
        if let block = file.duplicates {
            var flag: [CRMSystem: String] = [:]
            if let name = block.flag?.hubspot { flag[.hubspot] = name }
            if let name = block.flag?.salesforce { flag[.salesforce] = name }
            for (system, name) in flag where fields.contains(where: { $0.name(in: system) == name }) {
                issues.append(ConfigIssue(path: ["duplicates", "flag", system.rawValue], "'\(name)' is a mapped field; the flag needs a field of its own"))
            }
            var rules: [DuplicatePolicy.SurvivorRule] = []
            for (index, raw) in (block.survivor ?? []).enumerated() {
                if let rule = DuplicatePolicy.SurvivorRule(rawValue: raw) { rules.append(rule) } else {
                    issues.append(ConfigIssue(path: ["duplicates", "survivor", String(index)],
                        "unknown survivor rule '\(raw)'; expected one of \(DuplicatePolicy.SurvivorRule.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
            }
            var duplicates = DuplicatePolicy(flag: flag, survivor: rules.isEmpty ? DuplicatePolicy.defaultSurvivor : rules)
            if let merge = block.merge, merge.hubspot == true {
                let score = merge.minScore ?? 16
                if score < DuplicatePolicy.lowestMergeScore {
                    issues.append(ConfigIssue(path: ["duplicates", "merge", "minScore"],
                        "\(Condition.format(score)) would merge on a name alone; use at least \(Condition.format(DuplicatePolicy.lowestMergeScore)) (a mailbox or phone besides the name)"))
                }
                duplicates.mergeMinScore = score
            }
            for (name, raw) in (block.values ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let rule = DuplicatePolicy.ValueRule(rawValue: raw) else {
                    issues.append(ConfigIssue(path: ["duplicates", "values", name], "unknown value rule '\(raw)'; expected survivor or newest"))
                    continue
                }
                if name == "default" { duplicates.defaultValueRule = rule } else if fields.contains(where: { $0.canonical == name }) {
                    duplicates.values[name] = rule
                } else {
                    issues.append(ConfigIssue(path: ["duplicates", "values", name], "'\(name)' is not a field of this mapping"))
                }
            }
            policy = duplicates
        }
        for (system, name) in [(CRMSystem.hubspot, file.crossReference?.hubspot), (.salesforce, file.crossReference?.salesforce)] {
            guard let name else { continue }
            if fields.contains(where: { $0.name(in: system) == name }) || policy?.flag[system] == name {
                issues.append(ConfigIssue(path: ["crossReference", system.rawValue], "'\(name)' is already used by this mapping; the cross-reference needs its own field"))
            }
        }
        if file.lifecycle != nil, file.hubspot.object != "contacts" {
            issues.append(ConfigIssue(path: ["lifecycle"], "a lead's stages belong in the contacts ↔ Lead mapping; \(file.hubspot.object) have no lead status"))
        }
        let lifecycle = file.hubspot.object == "contacts" ? Self.lifecycle(file.lifecycle, issues: &issues) : LifecycleMap.empty
        if !issues.isEmpty { throw ConfigIssues(issues) }
        self.init(object: file.object, hubspotObject: file.hubspot.object,
                  salesforceObject: file.salesforce.object, fields: fields)
        self.duplicates = policy
        if let name = file.crossReference?.hubspot { crossReference[.hubspot] = name }
        if let name = file.crossReference?.salesforce { crossReference[.salesforce] = name }
        self.lifecycle = lifecycle
    }

    /// The defaults with the file's `lifecycle:` entries over them: a stage given replaces that stage's values
    /// (`[]` leaves it unwritten), `field` names the status field.
    static func lifecycle(_ block: MappingFile.Lifecycle?, issues: inout [ConfigIssue]) -> LifecycleMap {
        var map = LifecycleMap.freshDefaults
        for (system, entries) in [(CRMSystem.hubspot, block?.hubspot), (.salesforce, block?.salesforce)] {
            guard let entries else { continue }
            var side = map.side(system)
            for (key, values) in entries.sorted(by: { $0.key < $1.key }) {
                let path = ["lifecycle", system.rawValue, key]
                let list = values.list.map { $0.trimmingCharacters(in: .whitespaces) }
                if list.contains(where: \.isEmpty) {
                    issues.append(ConfigIssue(path: path, "a status value may not be blank"))
                    continue
                }
                if key == "field" {
                    if list.count == 1 { side.field = list[0] } else { issues.append(ConfigIssue(path: path, "'field' names one field")) }
                } else if let stage = LifecycleStage(rawValue: key), LifecycleMap.stages.contains(stage) {
                    side.values[stage] = list.isEmpty ? nil : list
                } else {
                    issues.append(ConfigIssue(path: path, "unknown stage '\(key)'; expected field or one of \(LifecycleMap.stages.map(\.rawValue).joined(separator: ", "))"))
                }
            }
            var seen: [String: LifecycleStage] = [:]
            for stage in LifecycleMap.stages {
                for value in side.values[stage] ?? [] {
                    if let first = seen[LifecycleMap.key(value)], first != stage {
                        issues.append(ConfigIssue(path: ["lifecycle", system.rawValue],
                            "'\(value)' is listed under \(first.rawValue) and \(stage.rawValue); a status states one stage"))
                    }
                    seen[LifecycleMap.key(value)] = seen[LifecycleMap.key(value)] ?? stage
                }
            }
            if system == .hubspot { map.hubspot = side } else { map.salesforce = side }
        }
        return map
    }
}

/// Several configuration problems reported together.
public struct ConfigIssues: Error, Sendable, Hashable {
    public var issues: [ConfigIssue]
    public init(_ issues: [ConfigIssue]) { self.issues = issues }
}
