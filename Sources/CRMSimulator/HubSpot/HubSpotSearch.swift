import Foundation
import LeadRelayCore

/// `POST /crm/v3/objects/{type}/search`, with the real limits and filter semantics.
struct HubSpotSearch {
    static let maxLimit = 200
    static let maxOffset = 10_000
    static let maxGroups = 5
    static let maxFiltersPerGroup = 6
    static let maxFilters = 18

    struct Filter {
        var property: String
        var op: String
        var value: String?
        var highValue: String?
        var values: [String]
        /// The value as epoch milliseconds, parsed once per request (datetime filters).
        var valueMillis: Int64?
    }

    /// A record's date property in epoch milliseconds; the modification and creation times come from the
    /// record itself, so paging through a large portal does not parse every timestamp on every comparison.
    static func millis(_ record: HubSpotRecord, _ property: String) -> Int64? {
        switch property {
        case "lastmodifieddate", "hs_lastmodifieddate": return record.updatedAt.simMillis
        case "createdate": return record.createdAt.simMillis
        default: return record.properties[property].flatMap(SimTime.parse)?.simMillis
        }
    }

    /// Times every record carries (`millis` reads them without parsing): the sorts the fast path serves.
    static let recordTimes: Set<String> = ["lastmodifieddate", "hs_lastmodifieddate", "createdate"]

    /// The lowest time on `property` any match can have, when every filter group bounds it from below.
    func lowerBound(on property: String) -> Int64? {
        guard !groups.isEmpty else { return nil }
        var lowest: Int64?
        for group in groups {
            let floors = group.compactMap { filter -> Int64? in
                guard filter.property == property, ["GT", "GTE", "EQ", "BETWEEN"].contains(filter.op) else { return nil }
                return filter.valueMillis
            }
            guard let floor = floors.max() else { return nil }
            lowest = min(lowest ?? floor, floor)
        }
        return lowest
    }

    /// A test on a record's (time, id) alone, when every filter reads only `sort` and `hs_object_id`.
    ///
    /// The incremental poller's keyset query is exactly that, so counting `total` needs no record at all.
    func entryPredicate(sort: String) -> ((Int64, Int) -> Bool)? {
        guard !groups.isEmpty else { return { _, _ in true } }
        var compiled: [[(Int64, Int) -> Bool]] = []
        for group in groups {
            var tests: [(Int64, Int) -> Bool] = []
            for filter in group {
                let byTime = filter.property == sort
                guard byTime || filter.property == "hs_object_id" else { return nil }
                func key(_ text: String?) -> Int64? {
                    guard let text else { return nil }
                    return byTime ? SimTime.parse(text)?.simMillis : Int64(text)
                }
                guard let target = byTime ? filter.valueMillis : key(filter.value) else { return nil }
                let read: (Int64, Int) -> Int64 = byTime ? { millis, _ in millis } : { _, id in Int64(id) }
                switch filter.op {
                case "EQ": tests.append { read($0, $1) == target }
                case "NEQ": tests.append { read($0, $1) != target }
                case "LT": tests.append { read($0, $1) < target }
                case "LTE": tests.append { read($0, $1) <= target }
                case "GT": tests.append { read($0, $1) > target }
                case "GTE": tests.append { read($0, $1) >= target }
                case "BETWEEN":
                    guard let high = key(filter.highValue) else { return nil }
                    tests.append { (target...high).contains(read($0, $1)) }
                default: return nil
                }
            }
            compiled.append(tests)
        }
        return { millis, id in compiled.contains { group in group.allSatisfy { $0(millis, id) } } }
    }

    var groups: [[Filter]]
    var sortProperty: String?
    var descending: Bool
    var properties: [String]?
    var limit: Int
    var offset: Int

    static let operators: Set<String> = ["EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN",
                                          "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"]

    /// Reads and checks a request body; throws the 400 HubSpot would send.
    init(body: SimJSON, knownProperties: Set<String>) throws(HubSpotError) {
        let rawGroups = body["filterGroups"]?.arrayValue ?? []
        guard rawGroups.count <= Self.maxGroups else {
            throw .validation("Too many filter groups: \(rawGroups.count). The maximum is \(Self.maxGroups).")
        }
        var groups: [[Filter]] = []
        var total = 0
        for group in rawGroups {
            let rawFilters = group["filters"]?.arrayValue ?? []
            guard rawFilters.count <= Self.maxFiltersPerGroup else {
                throw .validation("Too many filters in a group: \(rawFilters.count). The maximum is \(Self.maxFiltersPerGroup).")
            }
            total += rawFilters.count
            var filters: [Filter] = []
            for raw in rawFilters {
                guard let property = raw["propertyName"]?.stringValue, let op = raw["operator"]?.stringValue else {
                    throw .validation("Each filter needs propertyName and operator.")
                }
                guard Self.operators.contains(op) else { throw .validation("Unknown operator \(op).") }
                guard knownProperties.contains(property) else {
                    throw .validation("There was a problem with the request.", code: "PROPERTY_DOESNT_EXIST", property: property)
                }
                let value = raw["value"]?.flatText
                filters.append(Filter(property: property, op: op, value: value, highValue: raw["highValue"]?.flatText,
                                      values: raw["values"]?.arrayValue?.compactMap(\.flatText) ?? [],
                                      valueMillis: value.flatMap(SimTime.parse)?.simMillis))
            }
            groups.append(filters)
        }
        guard total <= Self.maxFilters else {
            throw .validation("Too many filters: \(total). The maximum is \(Self.maxFilters).")
        }
        self.groups = groups
        let sort = body["sorts"]?.arrayValue?.first
        self.sortProperty = sort?["propertyName"]?.stringValue ?? sort?.stringValue
        self.descending = sort?["direction"]?.stringValue == "DESCENDING"
        self.properties = body["properties"]?.arrayValue?.compactMap(\.stringValue)
        let limit = Int(body["limit"]?.doubleValue ?? 10)
        guard limit >= 1, limit <= Self.maxLimit else {
            throw .validation("limit must be between 1 and \(Self.maxLimit); got \(limit).")
        }
        self.limit = limit
        let offset = Int(body["after"]?.flatText ?? "0") ?? 0
        guard offset < Self.maxOffset else {
            throw .validation("The search cannot page past \(Self.maxOffset) results; narrow the query (offset \(offset)).")
        }
        self.offset = offset
    }

    func matches(_ record: HubSpotRecord, types: [String: String]) -> Bool {
        guard !groups.isEmpty else { return true }
        return groups.contains { group in group.allSatisfy { matches($0, record, type: types[$0.property] ?? "string") } }
    }

    func matches(_ filter: Filter, _ record: HubSpotRecord, type: String) -> Bool {
        let value = filter.property == "hs_object_id" ? String(record.id) : record.properties[filter.property]
        switch filter.op {
        case "HAS_PROPERTY": return value != nil
        case "NOT_HAS_PROPERTY": return value == nil
        case "IN": return value.map { v in filter.values.contains { compare(v, $0, type: type) == 0 } } ?? false
        case "NOT_IN": return value.map { v in !filter.values.contains { compare(v, $0, type: type) == 0 } } ?? true
        case "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN":
            let pattern = filter.value ?? ""
            let hit = value.map { text in
                Glob.matches(pattern, text) || text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "@" && $0 != "." })
                    .contains { Glob.matches(pattern, String($0)) }
            } ?? false
            return filter.op == "CONTAINS_TOKEN" ? hit : !hit
        default:
            break
        }
        guard let value, let target = filter.value else { return filter.op == "NEQ" }
        let order: Int
        if type == "datetime" || type == "date", let l = Self.millis(record, filter.property), let r = filter.valueMillis {
            order = l == r ? 0 : (l < r ? -1 : 1)
        } else {
            order = compare(value, target, type: type)
        }
        switch filter.op {
        case "EQ": return order == 0
        case "NEQ": return order != 0
        case "LT": return order < 0
        case "LTE": return order <= 0
        case "GT": return order > 0
        case "GTE": return order >= 0
        case "BETWEEN":
            guard let high = filter.highValue else { return false }
            return order >= 0 && compare(value, high, type: type) <= 0
        default: return false
        }
    }

    /// Compares as the property's type: datetimes by instant, numbers numerically, text case-insensitively.
    func compare(_ lhs: String, _ rhs: String, type: String) -> Int {
        switch type {
        case "datetime", "date":
            // HubSpot times are milliseconds: compare those, not the floating-point seconds behind a Date.
            guard let l = SimTime.parse(lhs)?.simMillis, let r = SimTime.parse(rhs)?.simMillis else { break }
            return l == r ? 0 : (l < r ? -1 : 1)
        case "number":
            guard let l = Double(lhs), let r = Double(rhs) else { break }
            return l == r ? 0 : (l < r ? -1 : 1)
        default:
            break
        }
        let l = lhs.lowercased(), r = rhs.lowercased()
        return l == r ? 0 : (l < r ? -1 : 1)
    }
}

extension SimulatorState {
    func hubspotSearch(_ type: String, body: SimJSON) throws(HubSpotError) -> SimJSON {
        guard let schema = hubspotProperties[type] else { throw .notFound }
        var types = Dictionary(uniqueKeysWithValues: schema.map { ($0.name, $0.type) })
        types["hs_object_id"] = "number"
        let search = try HubSpotSearch(body: body, knownProperties: Set(types.keys))
        if hubspotSearchFastPath, hubspotIndexLag == 0, let sort = search.sortProperty, HubSpotSearch.recordTimes.contains(sort) {
            return timeOrderedSearch(type, search: search, sort: sort, types: types)
        }
        let now = now()
        var hits = (hubspotRecords[type] ?? [:]).values.compactMap { $0.searchable(at: now) }
            .filter { !$0.archived && search.matches($0, types: types) }
        if let sort = search.sortProperty, types[sort] == "datetime" || types[sort] == "date" {
            // Decorate once: one timestamp read per record, not per comparison.
            let keyed = hits.map { (key: HubSpotSearch.millis($0, sort) ?? Int64.min, record: $0) }
            hits = keyed.sorted { a, b in
                if a.key != b.key { return search.descending ? a.key > b.key : a.key < b.key }
                return a.record.id < b.record.id
            }.map(\.record)
        } else if let sort = search.sortProperty {
            let sortType = types[sort] ?? "string"
            hits.sort { a, b in
                let av = sort == "hs_object_id" ? String(a.id) : a.properties[sort] ?? ""
                let bv = sort == "hs_object_id" ? String(b.id) : b.properties[sort] ?? ""
                let order = search.compare(av, bv, type: sortType)
                if order != 0 { return search.descending ? order > 0 : order < 0 }
                return a.id < b.id
            }
        } else {
            hits.sort { $0.id < $1.id }
        }
        let page = hits.dropFirst(search.offset).prefix(search.limit)
        var body: [String: SimJSON] = [
            "total": .number(Double(hits.count)),
            "results": .array(page.map { hubspotJSON($0, type: type, properties: search.properties) }),
        ]
        let next = search.offset + page.count
        if next < hits.count {
            body["paging"] = ["next": ["after": .string(String(next)), "link": .string("?after=\(next)")]]
        }
        return .object(body)
    }

    /// Search sorted by a record time (how incremental pollers read), without sorting or scanning the whole portal per page.
    ///
    /// Walks the type's cached time order from the lowest time the filters allow; every record from there is
    /// still checked against the filters, so `total` and the page are what the full scan would give. Only used
    /// without index lag, when every record's searchable version is its current one.
    func timeOrderedSearch(_ type: String, search: HubSpotSearch, sort: String, types: [String: String]) -> SimJSON {
        let order = timeOrder(type, sort)
        let records = hubspotRecords[type] ?? [:]
        var start = 0
        if !search.descending, let floor = search.lowerBound(on: sort) {
            var low = 0, high = order.count
            while low < high {
                let mid = (low + high) / 2
                if order[mid].millis < floor { low = mid + 1 } else { high = mid }
            }
            start = low
        }
        var total = 0
        var page: [SimJSON] = []
        let quick = search.entryPredicate(sort: sort)
        func visit(_ entry: (millis: Int64, id: Int)) {
            if let quick {
                // The order holds live records only; the filters read nothing but time and id.
                guard quick(entry.millis, entry.id) else { return }
                if total >= search.offset, page.count < search.limit, let record = records[entry.id] {
                    page.append(hubspotJSON(record, type: type, properties: search.properties))
                }
            } else {
                guard let record = records[entry.id], search.matches(record, types: types) else { return }
                if total >= search.offset, page.count < search.limit {
                    page.append(hubspotJSON(record, type: type, properties: search.properties))
                }
            }
            total += 1
        }
        if search.descending {
            for entry in order.reversed() { visit(entry) }
        } else {
            for entry in order[start...] { visit(entry) }
        }
        var body: [String: SimJSON] = ["total": .number(Double(total)), "results": .array(page)]
        let next = search.offset + page.count
        if next < total {
            body["paging"] = ["next": ["after": .string(String(next)), "link": .string("?after=\(next)")]]
        }
        return .object(body)
    }

    /// (epoch ms, id) of every record of `type` in ascending order of `property`, cached until the next change.
    func timeOrder(_ type: String, _ property: String) -> [(millis: Int64, id: Int)] {
        if let cached = hubspotTimeOrder[type]?[property] { return cached }
        let order = (hubspotRecords[type] ?? [:]).values
            .filter { !$0.archived }
            .map { (millis: HubSpotSearch.millis($0, property) ?? Int64.min, id: $0.id) }
            .sorted { $0.millis != $1.millis ? $0.millis < $1.millis : $0.id < $1.id }
        hubspotTimeOrder[type, default: [:]][property] = order
        return order
    }
}
