import Foundation
import LeadRelayCore
import Logging
import LeadRelayHTTP

/// The modification-time property of a HubSpot object type.
enum HubSpotObjects {
    static func modified(_ object: String) -> String { object == "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate" }
}

/// HubSpot CRM v3: contacts and companies by search on their modification property, owners, events, batch writes.
public struct HubSpotConnector: CRMConnector {
    public let system = CRMSystem.hubspot
    let client: APIClient
    let logger: Logger
    /// Search page size (the API allows 200).
    public var searchPageSize = 200
    /// Pages one incremental poll reads at most (`nil`: to the end); the rest waits for the next poll, from the watermark.
    public var pagesPerPoll: Int?

    /// The local clock: with a look-back, records modified in the last `lookback` seconds are still unsettled.
    let now: @Sendable () -> Date

    public init(client: APIClient, logger: Logger = Logger(label: "leadrelay.hubspot"), now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.logger = logger
        self.now = now
    }

    static let contactBasics = ["email", "lifecyclestage", "hs_lead_status", "hubspot_owner_id", "lastmodifieddate", "hs_object_id",
                                "hs_merged_object_ids"]
    /// Set on a tombstone of a merged-away contact: the id of the contact it was merged into.
    public static let mergedIntoField = CRMFieldNames.hubspotMergedInto

    public func pollLeads(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        let properties = Array(Set(fields + Self.contactBasics)).sorted()
        var rejected: [RejectedRecord] = []
        let result = try await search("contacts", modified: "lastmodifieddate", properties: properties, since: since, lookback: lookback,
                                      maxPages: pagesPerPoll) { (id: String?, json: JSONValue) -> SourceRecord? in
            guard let record = Self.sourceRecord(json, type: "contacts", modified: "lastmodifieddate") else {
                rejected.append(RejectedRecord(system: .hubspot, object: "contacts", id: id, reason: "no readable lastmodifieddate/updatedAt"))
                return nil
            }
            return record
        }
        return PollResult(items: result.items + Self.mergeTombstones(result.items), watermark: result.watermark ?? since,
                          rejected: rejected, calls: result.calls, more: result.more)
    }

    public func fetchLeads(ids: [String], fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        let properties = Array(Set(fields + Self.contactBasics)).sorted()
        var records: [SourceRecord] = []
        var rejected: [RejectedRecord] = []
        var calls = 0
        // Batch read takes 100 ids; ids it cannot find come back as a 207 entry, not a failure.
        for chunk in Array(Set(ids)).sorted().chunked(100) {
            let body: JSONValue = ["properties": .array(properties.map(JSONValue.string)), "archived": false,
                                   "inputs": .array(chunk.map { ["id": .string($0)] })]
            let json = try await client.json("POST", "/crm/v3/objects/contacts/batch/read", json: body)
            calls += 1
            for result in json["results"]?.arrayValue ?? [] {
                guard let record = Self.sourceRecord(result, type: "contacts", modified: "lastmodifieddate") else {
                    rejected.append(RejectedRecord(system: .hubspot, object: "contacts", id: result["id"]?.flatText,
                                                   reason: "no readable lastmodifieddate/updatedAt"))
                    continue
                }
                records.append(record)
            }
        }
        return PollResult(items: records, watermark: nil, rejected: rejected, calls: calls)
    }

    /// A merge leaves no trace of the loser except `hs_merged_object_ids` on the survivor (which is modified,
    /// so search returns it): each id listed there becomes a tombstone naming its survivor.
    static func mergeTombstones(_ survivors: [SourceRecord]) -> [SourceRecord] {
        var tombstones: [SourceRecord] = []
        for survivor in survivors {
            guard let merged = survivor.value("hs_merged_object_ids") else { continue }
            for id in merged.split(whereSeparator: { $0 == ";" || $0 == "," }).map(String.init) where id != survivor.ref.id && !id.isEmpty {
                tombstones.append(SourceRecord(ref: RecordRef(system: .hubspot, object: survivor.ref.object, id: id),
                                               modifiedAt: survivor.modifiedAt,
                                               fields: [mergedIntoField: survivor.ref.id], deleted: true))
            }
        }
        return tombstones
    }

    /// Archived contacts never appear in search: list them (`archived=true`) and keep those archived since the watermark.
    public func pollDeletedLeads(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        let properties = Array(Set(fields + Self.contactBasics)).sorted().joined(separator: ",")
        let floor = since.map { $0.modifiedAt.addingTimeInterval(-lookback) }
        var tombstones: [SourceRecord] = []
        var rejected: [RejectedRecord] = []
        var newest = since
        var after: String?
        var calls = 0
        repeat {
            var query = [("limit", "100"), ("archived", "true"), ("properties", properties)]
            if let after { query.append(("after", after)) }
            let page = try await client.json("GET", "/crm/v3/objects/contacts", query: query)
            calls += 1
            for json in page["results"]?.arrayValue ?? [] {
                guard let id = json["id"]?.flatText, let archivedAt = json["archivedAt"]?.stringValue.flatMap(CRMTimestamps.parse) else {
                    rejected.append(RejectedRecord(system: .hubspot, object: "contacts", id: json["id"]?.flatText, reason: "archived contact without id or archivedAt"))
                    continue
                }
                let mark = Watermark(modifiedAt: archivedAt, id: id)
                if newest == nil || newest! < mark { newest = mark }
                if let floor, archivedAt < floor { continue }
                tombstones.append(SourceRecord(ref: RecordRef(system: .hubspot, object: "contacts", id: id), modifiedAt: archivedAt,
                                               fields: Self.properties(json), deleted: true))
            }
            after = page["paging"]?["next"]?["after"]?.flatText
        } while after != nil
        // An archived survivor of earlier merges takes its merged-away contacts with it.
        return PollResult(items: tombstones + Self.mergeTombstones(tombstones), watermark: newest, rejected: rejected, calls: calls)
    }

    public func pollAccounts(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord> {
        var rejected: [RejectedRecord] = []
        let properties = Array(Set(fields + ["name", "domain", "website", "hubspot_owner_id", "hs_lastmodifieddate", "hs_object_id"])).sorted()
        let result = try await search("companies", modified: "hs_lastmodifieddate", properties: properties, since: since, lookback: lookback,
                                      maxPages: pagesPerPoll) { (id: String?, json: JSONValue) -> SourceRecord? in
            guard let record = Self.sourceRecord(json, type: "companies", modified: "hs_lastmodifieddate") else {
                rejected.append(RejectedRecord(system: .hubspot, object: "companies", id: id, reason: "no readable hs_lastmodifieddate/updatedAt"))
                return nil
            }
            return record
        }
        return PollResult(items: result.items, watermark: result.watermark ?? since, rejected: rejected, calls: result.calls, more: result.more)
    }

    /// None: a HubSpot contact names its company itself (`associatedcompanyid`, read with the contact), and the
    /// accounts that own relationships are Salesforce's.
    public func pollAccountMembers(_ kind: AccountMember.Kind, since: Watermark?, lookback: TimeInterval) async throws(CRMError)
        -> PollResult<AccountMember> {
        PollResult(items: [], watermark: since, calls: 0)
    }

    public func pollActivities(since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity> {
        var activities: [Activity] = []
        var rejected: [RejectedRecord] = []
        var newest = since
        var after: String?
        var calls = 0
        repeat {
            var query = [("objectType", "contact"), ("limit", "100")]
            if let since { query.append(("occurredAfter", CRMTimestamps.hubspot(since.modifiedAt.addingTimeInterval(-lookback)))) }
            if let after { query.append(("after", after)) }
            let page = try await client.json("GET", "/events/v3/events", query: query)
            calls += 1
            for event in page["results"]?.arrayValue ?? [] {
                guard let id = event["id"]?.flatText, let object = event["objectId"]?.flatText,
                      let at = event["occurredAt"]?.stringValue.flatMap(CRMTimestamps.parse) else {
                    rejected.append(RejectedRecord(system: .hubspot, object: "events", id: event["id"]?.flatText, reason: "event without id, objectId or occurredAt"))
                    continue
                }
                let mark = Watermark(modifiedAt: at, id: id)
                if newest == nil || newest! < mark { newest = mark }
                guard let type = event["eventType"]?.stringValue, let kind = Self.activityKinds[type] else { continue }
                let properties = event["properties"]
                activities.append(Activity(id: "hubspot:\(id)", subject: RecordRef(system: .hubspot, object: "contacts", id: object),
                                           kind: kind, occurredAt: at, url: properties?["hs_url"]?.stringValue,
                                           form: properties?["hs_form_name"]?.stringValue))
            }
            after = page["paging"]?["next"]?["after"]?.flatText
        } while after != nil
        return PollResult(items: activities, watermark: newest, rejected: rejected, calls: calls)
    }

    /// HubSpot event types LeadRelay scores, by the activity kind they stand for.
    static let activityKinds: [String: Activity.Kind] = [
        "e_visited_page": .pageView, "e_submitted_form": .formSubmission,
        "e_clicked_email": .emailClick, "e_opened_email": .emailOpen,
    ]

    /// `GET /crm/v3/properties/{object}`: enumerations list their visible options; read-only values are not updateable.
    public func fieldSchema(object: String) async throws(CRMError) -> [CRMFieldSchema] {
        guard object.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw .rejected(system: .hubspot, status: 0, code: "INVALID_OBJECT", message: "'\(object)' is not a HubSpot object type")
        }
        let page = try await client.json("GET", "/crm/v3/properties/\(object)")
        return (page["results"]?.arrayValue ?? []).compactMap { property in
            guard let name = property["name"]?.stringValue, let type = property["type"]?.stringValue else { return nil }
            let options = (property["options"]?.arrayValue ?? []).filter { $0["hidden"]?.boolValue != true }.compactMap { $0["value"]?.stringValue }
            let external = property["externalOptions"]?.boolValue ?? false
            return CRMFieldSchema(name: name, label: property["label"]?.stringValue ?? name, type: type, options: options,
                                  updateable: property["modificationMetadata"]?["readOnlyValue"]?.boolValue != true,
                                  required: false, restricted: type == "enumeration" && !external,
                                  referenceTo: property["referencedObjectType"]?.stringValue.map { [$0] } ?? [])
        }
    }

    /// The newest contacts (or companies) with every named property, by search sorted on the modification time.
    public func sampleRecords(object: String, fields: [String], limit: Int) async throws(CRMError) -> [SourceRecord] {
        let modified = HubSpotObjects.modified(object)
        let body: JSONValue = [
            "sorts": [["propertyName": .string(modified), "direction": "DESCENDING"]],
            "properties": .array(fields.map(JSONValue.string)), "limit": .number(Double(min(max(limit, 1), searchPageSize))),
        ]
        let page = try await client.json("POST", "/crm/v3/objects/\(object)/search", json: body)
        return (page["results"]?.arrayValue ?? []).compactMap { Self.sourceRecord($0, type: object, modified: modified) }
    }

    public func owners() async throws(CRMError) -> [CRMOwner] {
        var owners: [CRMOwner] = []
        for archived in [false, true] {
            var after: String?
            repeat {
                var query = [("limit", "100"), ("archived", archived ? "true" : "false")]
                if let after { query.append(("after", after)) }
                let page = try await client.json("GET", "/crm/v3/owners", query: query)
                for owner in page["results"]?.arrayValue ?? [] {
                    guard let id = owner["id"]?.flatText, let email = owner["email"]?.stringValue.flatMap(EmailAddress.normalise) else { continue }
                    owners.append(CRMOwner(id: id, email: email, active: !archived))
                }
                after = page["paging"]?["next"]?["after"]?.flatText
            } while after != nil
        }
        return owners
    }

    /// Reads a search from the watermark by keyset paging on (modification time, id).
    ///
    /// The first page asks for `modified >= watermark - lookback`; every later page asks for
    /// records strictly after the last (time, id) read, from offset 0. Offsets are never used:
    /// an offset shifts when a record read earlier is modified during the poll (so an untouched
    /// record would be skipped for good), and the search refuses offsets past 10,000.
    func search<T>(_ type: String, modified: String, properties: [String], since: Watermark?, lookback: TimeInterval, maxPages: Int? = nil,
                   parse: (String?, JSONValue) -> T?) async throws(CRMError) -> (items: [T], watermark: Watermark?, calls: Int, more: Bool) {
        var items: [T] = []
        var newest: Watermark?
        var calls = 0
        // A watermark older than the look-back window is settled: continue exactly after it. One inside the
        // window is re-read from the window's start, for records the search index shows late. (Re-reading
        // around the watermark itself would page through every record sharing its time on every cycle.)
        var cursor: Watermark?
        var floor: Date?
        if let since {
            let settled = now().addingTimeInterval(-lookback)
            if lookback > 0, since.modifiedAt > settled { floor = settled } else { cursor = since }
        }
        while true {
            var groups: [JSONValue] = []
            if let cursor {
                let stamp = JSONValue.string(Self.millis(cursor.modifiedAt))
                groups = [
                    ["filters": [["propertyName": .string(modified), "operator": "GT", "value": stamp]]],
                    ["filters": [["propertyName": .string(modified), "operator": "EQ", "value": stamp],
                                 ["propertyName": "hs_object_id", "operator": "GT", "value": .string(cursor.id)]]],
                ]
            } else if let floor {
                groups = [["filters": [["propertyName": .string(modified), "operator": "GTE", "value": .string(Self.millis(floor))]]]]
            }
            let body: JSONValue = [
                "filterGroups": .array(groups),
                "sorts": [["propertyName": .string(modified), "direction": "ASCENDING"]],
                "properties": .array(properties.map(JSONValue.string)),
                "limit": .number(Double(searchPageSize)),
            ]
            let page = try await client.json("POST", "/crm/v3/objects/\(type)/search", json: body)
            calls += 1
            let results = page["results"]?.arrayValue ?? []
            var last: Watermark?
            for json in results {
                let id = json["id"]?.flatText
                if let id, let time = Self.modifiedAt(json, property: modified) {
                    let mark = Watermark(modifiedAt: time, id: id)
                    if last == nil || last! < mark { last = mark }
                    if newest == nil || newest! < mark { newest = mark }
                }
                if let item = parse(id, json) { items.append(item) }
            }
            guard results.count == searchPageSize, page["paging"]?["next"] != nil, let last else { break }
            if let cursor, !(cursor < last) {
                // The server ignored the cursor: stop rather than loop; the next poll resumes from the watermark.
                logger.warning("Search did not advance past the cursor; ending this poll early.", metadata: ["crm.object": "\(type)"])
                break
            }
            if let maxPages, calls >= maxPages {
                // Bounded: this much is committed now, the rest read by the next poll from the watermark.
                return (items, newest, calls, true)
            }
            cursor = last
        }
        return (items, newest, calls, false)
    }

    static func millis(_ date: Date) -> String { String(date.epochMillis) }

    static func modifiedAt(_ json: JSONValue, property: String) -> Date? {
        (json["properties"]?[property]?.stringValue).flatMap(CRMTimestamps.parse)
            ?? json["updatedAt"]?.stringValue.flatMap(CRMTimestamps.parse)
    }

    /// A `SimplePublicObject`'s properties as text (`null` kept as nil).
    static func properties(_ json: JSONValue) -> [String: String?] {
        var fields: [String: String?] = [:]
        for (name, value) in json["properties"]?.objectValue ?? [:] { fields[name] = value.flatText }
        return fields
    }

    /// A `SimplePublicObject` as a `SourceRecord`; `nil` without an id or a readable modification time.
    static func sourceRecord(_ json: JSONValue, type: String, modified: String) -> SourceRecord? {
        guard let id = json["id"]?.flatText, let time = modifiedAt(json, property: modified) else { return nil }
        return SourceRecord(ref: RecordRef(system: .hubspot, object: type, id: id), modifiedAt: time, fields: properties(json),
                            deleted: json["archived"]?.boolValue ?? false)
    }
}
