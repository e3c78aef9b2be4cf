import Foundation
import LeadRelayCore

extension SimulatorState {
    // MARK: Control API (acting as marketing does)

    /// Creates a contact/company as a form or an import would; returns its id.
    @discardableResult
    public func createHubSpotRecord(_ type: String, properties: [String: String], at time: Date? = nil) throws -> Int {
        try hubspotCreate(type, properties: properties, at: time, countAsAPIWrite: false).id
    }

    /// Changes a record as a user in the HubSpot UI would (bumps its modification time).
    @discardableResult
    public func updateHubSpotRecord(_ type: String, id: Int, properties: [String: String]) throws -> HubSpotRecord {
        try hubspotUpdate(type, id: id, properties: properties, countAsAPIWrite: false)
    }

    /// Changes many records in one go, as a workflow or import does: every one gets the same modification time.
    ///
    /// This is what makes thousands of records share one `lastmodifieddate`, which a cursor must page through.
    public func bulkUpdateHubSpotRecords(_ type: String, ids: [Int], properties: [String: String]) throws {
        let stamp = now()
        for id in ids { _ = try hubspotUpdate(type, id: id, properties: properties, countAsAPIWrite: false, stampOverride: stamp) }
    }

    /// Archives a record as a user deleting it in HubSpot would.
    public func archiveHubSpotRecord(_ type: String, id: Int) throws {
        try hubspotArchive(type, id: id)
    }

    /// Merges two contacts as a user would; returns the survivor's id (new when the merge knob says so).
    @discardableResult
    public func mergeHubSpotContacts(primary: Int, merged: Int) throws -> Int {
        try hubspotMerge(primary: primary, merged: merged, countAsAPIWrite: false).id
    }

    /// Deactivates an owner: records keep pointing at them; they are listed only with `archived=true`.
    public func archiveHubSpotOwner(_ id: String) {
        if let index = hubspotOwners.firstIndex(where: { $0.id == id }) { hubspotOwners[index].archived = true }
    }

    public func hubspotOwnerList() -> [HubSpotOwner] { hubspotOwners }

    /// Contact ids merged away into another contact (ground truth for merge propagation).
    public func mergedAway() -> [Int] { hubspotMergedInto.keys.sorted() }

    /// Records a behavioural event on a contact.
    public func recordHubSpotEvent(contactID: Int, eventType: String, properties: [String: String], at time: Date? = nil) {
        let id = "evt-\(hubspotEvents.count + 1)"
        sortedEvents = nil
        let event = HubSpotEvent(id: id, objectId: contactID, eventType: eventType, occurredAt: Self.millisecondPrecision(time ?? now()),
                                 properties: properties)
        hubspotEvents.append(event)
        applyAnalytics(event, touch: true)
    }

    /// Edits an enumeration's options, as a portal admin does (`numemployees` ranges, `industry` values).
    public func setHubSpotPropertyOptions(_ type: String, _ name: String, options: [String]) throws {
        guard let index = hubspotProperties[type]?.firstIndex(where: { $0.name == name }) else { throw HubSpotError.notFound }
        hubspotProperties[type]?[index].options = options
        hubspotPropertyIndex[type] = nil
    }

    /// Whether setting `lifecyclestage` from `current` to `next` is allowed through the API: from blank to anything,
    /// to blank, or to an option later in the property's order (the portal's own stages included).
    func isForward(_ type: String, from current: String?, to next: String) -> Bool {
        guard let current, !current.isEmpty, !next.isEmpty else { return true }
        let options = propertyIndex(type)["lifecyclestage"]?.options ?? []
        guard let from = options.firstIndex(of: current), let to = options.firstIndex(of: next) else { return true }
        return to >= from
    }

    /// Property definitions by name (built once per type, again after an edit of the schema).
    func propertyIndex(_ type: String) -> [String: HubSpotProperty] {
        if let cached = hubspotPropertyIndex[type] { return cached }
        let index = Dictionary(uniqueKeysWithValues: (hubspotProperties[type] ?? []).map { ($0.name, $0) })
        hubspotPropertyIndex[type] = index
        return index
    }

    /// The uniqueness key of an email: trimmed and lower-cased; `nil` when blank.
    static func emailKey(_ email: String?) -> String? {
        guard let email else { return nil }
        // Pure Swift trim (Foundation's goes through NSString on Linux, a tenth of a million-record seed).
        guard let first = email.firstIndex(where: { !$0.isWhitespace }),
              let last = email.lastIndex(where: { !$0.isWhitespace }) else { return nil }
        return email[first...last].lowercased()
    }

    /// Date properties are stored and returned as `YYYY-MM-DD`, however they were written.
    func normalisedDates(_ type: String, _ properties: [String: String]) -> [String: String] {
        let index = propertyIndex(type)
        var result = properties
        for (name, value) in properties where index[name]?.type == "date" && !value.isEmpty {
            // Only a value already checked as midnight UTC gets here; it reads back as its day.
            result[name] = SimTime.parse(value).map { String(SimTime.hubspot($0).prefix(10)) } ?? value
        }
        return result
    }

    /// A date property value: `YYYY-MM-DD`, or epoch milliseconds (or an ISO instant) falling exactly on midnight UTC.
    static func isMidnightUTC(_ value: String) -> Bool {
        if let millis = Int64(value) { return millis % 86_400_000 == 0 }
        if value.count == 10 { return SimTime.parseDate(value) != nil }
        guard let instant = SimTime.parse(value) else { return false }
        return instant.simMillis % 86_400_000 == 0
    }

    /// HubSpot keeps times in milliseconds.
    static func millisecondPrecision(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    /// One page of events after `since`, oldest first; sorted once per change, found by binary search.
    func eventsPage(since: Date?, objectID: Int?, offset: Int, limit: Int) -> (page: [HubSpotEvent], total: Int) {
        // The events API never has marketing-email opens and clicks: the email events API does.
        let sorted = sortedEvents ?? hubspotEvents.filter { !Self.emailEventTypes.contains($0.eventType) }
            .sorted { ($0.occurredAt, $0.id) < ($1.occurredAt, $1.id) }
        sortedEvents = sorted
        var low = 0, high = sorted.count
        if let since {
            let floor = since.simMillis
            while low < high {
                let mid = (low + high) / 2
                if sorted[mid].occurredAt.simMillis > floor { high = mid } else { low = mid + 1 }
            }
        } else {
            low = 0
        }
        let tail = sorted[low...]
        if let objectID {
            let matching = tail.filter { $0.objectId == objectID }
            return (Array(matching.dropFirst(offset).prefix(limit)), matching.count)
        }
        return (Array(tail.dropFirst(offset).prefix(limit)), tail.count)
    }

    /// Adds an owner (a HubSpot user who can own records).
    public func addHubSpotOwner(_ owner: HubSpotOwner) {
        hubspotOwners.append(owner)
    }

    /// One HubSpot record, as stored (archived ones too).
    public func hubspotRecord(_ type: String, id: Int) -> HubSpotRecord? {
        hubspotRecords[type]?[id]
    }

    public func hubspotRecords(_ type: String) -> [HubSpotRecord] {
        (hubspotRecords[type] ?? [:]).values.sorted { $0.id < $1.id }
    }

    // MARK: Operations behind the HTTP routes

    func hubspotCreate(_ type: String, properties: [String: String], at time: Date? = nil, countAsAPIWrite: Bool = true,
                       associations: [(to: Int, types: Set<Int>)] = []) throws(HubSpotError) -> HubSpotRecord {
        guard hubspotProperties[type] != nil else { throw .notFound }
        try validateHubSpot(type, properties, creating: true)
        var properties = properties
        if let engagement = Self.engagementToContact[type] {
            // The timeline needs a time: a meeting's defaults to its start, anything else must say.
            if properties["hs_timestamp"]?.isEmpty ?? true, type == "meetings", let start = properties["hs_meeting_start_time"] {
                properties["hs_timestamp"] = start
            }
            guard let stamp = properties["hs_timestamp"], SimTime.parse(stamp) != nil else {
                throw .validation("Property values were not valid: hs_timestamp is required", code: "VALIDATION_ERROR")
            }
            for link in associations {
                guard hubspotRecords["contacts"]?[link.to].map({ !$0.archived }) == true else {
                    throw .validation("Contact \(link.to) does not exist", code: "INVALID_ASSOCIATION")
                }
                guard link.types == [engagement] else {
                    throw .validation("associationTypeId \(link.types.sorted().map(String.init).joined(separator: ", ")) is not a valid \(type) to contact association type",
                                      code: "INVALID_ASSOCIATION_TYPE")
                }
            }
        } else if !associations.isEmpty {
            // Checked before anything is written: a create with a bad association creates nothing.
            guard type == "contacts" else { throw .validation("inline associations are simulated for contacts and engagements only") }
            for link in associations where hubspotRecords["companies"]?[link.to].map({ !$0.archived }) != true {
                throw .validation("Company \(link.to) does not exist", code: "INVALID_ASSOCIATION")
            }
        }
        if type == "contacts", let email = Self.emailKey(properties["email"]), let existing = hubspotEmails[email] {
            throw HubSpotError(status: 409, category: "CONFLICT", message: "Contact already exists. Existing ID: \(existing)")
        }
        let id = hubspotNextID[type, default: 1]
        hubspotNextID[type] = id + 1
        let stamp = Self.millisecondPrecision(time ?? now())
        var props = normalisedDates(type, properties.filter { !$0.value.isEmpty })
        props["hs_object_id"] = String(id)
        props[Self.engagementToContact[type] == nil ? "createdate" : "hs_createdate"] = SimTime.hubspot(stamp)
        props[HubSpotRecord.modifiedProperty(for: type)] = SimTime.hubspot(stamp)
        if props["hubspot_owner_id"] != nil { props["hubspot_owner_assigneddate"] = SimTime.hubspot(stamp) }
        var record = HubSpotRecord(id: id, properties: props, createdAt: stamp, updatedAt: stamp)
        record.indexedAt = now().addingTimeInterval(hubspotIndexLag)
        storeHubSpot(type, id, record)
        if type == "contacts", let email = Self.emailKey(props["email"]) { hubspotEmails[email] = id }
        for link in associations {
            if Self.engagementToContact[type] != nil {
                engagementContacts[type, default: [:]][id, default: []].insert(link.to)
            } else {
                try hubspotAssociate(contact: id, company: link.to, types: link.types, touch: false)
            }
        }
        if countAsAPIWrite { logWrite(.hubspot, type, String(id), properties, created: true) }
        return hubspotRecords[type]?[id] ?? record
    }

    func hubspotUpdate(_ type: String, id: Int, properties: [String: String], countAsAPIWrite: Bool = true,
                       stampOverride: Date? = nil) throws(HubSpotError) -> HubSpotRecord {
        guard var record = hubspotRecords[type]?[id], !record.archived else { throw .notFound }
        try validateHubSpot(type, properties, creating: false)
        if type == "contacts", let change = properties["email"] {
            if let old = Self.emailKey(record.properties["email"]) { hubspotEmails[old] = nil }
            if let new = Self.emailKey(change) { hubspotEmails[new] = id }
        }
        let stamp = stampOverride ?? now()
        var applied = properties
        if countAsAPIWrite, let stage = properties["lifecyclestage"], !isForward(type, from: record.properties["lifecyclestage"], to: stage) {
            // HubSpot moves the lifecycle stage forward only through the API: a move back is answered 200 and not made,
            // unless the stage was cleared first.
            applied["lifecyclestage"] = nil
        }
        for (name, value) in normalisedDates(type, applied) {
            if value.isEmpty { record.properties.removeValue(forKey: name) } else { record.properties[name] = value }
        }
        if properties["hubspot_owner_id"] != nil { record.properties["hubspot_owner_assigneddate"] = SimTime.hubspot(stamp) }
        record.updatedAt = stamp
        record.properties[HubSpotRecord.modifiedProperty(for: type)] = SimTime.hubspot(stamp)
        reindex(&record, before: hubspotRecords[type]?[id])
        storeHubSpot(type, id, record)
        if countAsAPIWrite { logWrite(.hubspot, type, String(id), properties, created: false) }
        return record
    }

    /// With index lag, search keeps showing the last indexed version until the new one is indexed.
    func reindex(_ record: inout HubSpotRecord, before: HubSpotRecord?) {
        let now = now()
        if let visible = before?.searchable(at: now) {
            var kept = visible
            kept.previous = []
            record.previous = [kept]
        }
        record.indexedAt = now.addingTimeInterval(hubspotIndexLag)
    }

    /// Resolves an id, following merges to the survivor.
    func resolveHubSpotID(_ type: String, _ id: Int) -> Int {
        var current = id
        while hubspotRecords[type]?[current] == nil, let next = hubspotMergedInto[current] { current = next }
        return current
    }

    /// Archives (soft-deletes) a record: gone from list and search, `archivedAt` set, modification time untouched.
    func hubspotArchive(_ type: String, id: Int) throws(HubSpotError) {
        guard var record = hubspotRecords[type]?[id], !record.archived else { throw .notFound }
        record.archived = true
        record.archivedAt = now()
        storeHubSpot(type, id, record)
        if type == "contacts", let email = Self.emailKey(record.properties["email"]), hubspotEmails[email] == id { hubspotEmails[email] = nil }
        logWrite(.hubspot, type, String(id), ["archived": "true"], created: false)
    }

    /// Creates or updates by a unique property (email for contacts); returns the record and whether it is new.
    func hubspotUpsert(_ type: String, idProperty: String, value: String, properties: [String: String]) throws(HubSpotError) -> (HubSpotRecord, Bool) {
        guard (hubspotProperties[type] ?? []).contains(where: { $0.name == idProperty && $0.hasUniqueValue }) else {
            throw .validation("\(idProperty) is not a unique property; upsert needs one (email for contacts).")
        }
        let existing = type == "contacts" && idProperty == "email"
            ? Self.emailKey(value).flatMap { hubspotEmails[$0] }
            : hubspotRecords[type]?.values.first(where: { !$0.archived && $0.properties[idProperty]?.lowercased() == value.lowercased() })?.id
        if let existing {
            return (try hubspotUpdate(type, id: existing, properties: properties), false)
        }
        var withKey = properties
        withKey[idProperty] = value
        return (try hubspotCreate(type, properties: withKey), true)
    }

    /// Merges contact `merged` into `primary`; the survivor lists absorbed ids in `hs_merged_object_ids`.
    func hubspotMerge(primary: Int, merged: Int, countAsAPIWrite: Bool = true) throws(HubSpotError) -> HubSpotRecord {
        guard primary != merged, var survivor = hubspotRecords["contacts"]?[primary], !survivor.archived,
              let loser = hubspotRecords["contacts"]?[merged], !loser.archived else { throw .notFound }
        let stamp = now()
        var absorbed = (survivor.properties["hs_merged_object_ids"] ?? "").split(separator: ";").map(String.init)
        absorbed += [String(merged)] + (loser.properties["hs_merged_object_ids"] ?? "").split(separator: ";").map(String.init)
        for (name, value) in loser.properties where survivor.properties[name] == nil { survivor.properties[name] = value }
        survivor.properties["hs_merged_object_ids"] = absorbed.joined(separator: ";")
        survivor.properties["lastmodifieddate"] = SimTime.hubspot(stamp)
        survivor.updatedAt = stamp
        storeHubSpot("contacts", merged, nil)
        // HubSpot keeps the merged-away addresses on the survivor as additional emails: they stay taken.
        let kept = [loser.properties["email"]].compactMap { $0 }
            + (loser.properties["hs_additional_emails"] ?? "").split(separator: ";").map(String.init)
        var additional = (survivor.properties["hs_additional_emails"] ?? "").split(separator: ";").map(String.init)
        for email in kept where !additional.contains(email) && Self.emailKey(email) != Self.emailKey(survivor.properties["email"]) {
            additional.append(email)
        }
        if !additional.isEmpty { survivor.properties["hs_additional_emails"] = additional.joined(separator: ";") }
        hubspotMergedInto[merged] = primary
        moveAssociations(from: merged, to: primary)
        if hubspotMergeAssignsNewID {
            let newID = hubspotNextID["contacts", default: 1]
            hubspotNextID["contacts"] = newID + 1
            storeHubSpot("contacts", primary, nil)
            hubspotMergedInto[primary] = newID
            survivor.id = newID
            moveAssociations(from: primary, to: newID)
            survivor.properties["hs_object_id"] = String(newID)
            survivor.properties["hs_merged_object_ids"] = (absorbed + [String(primary)]).joined(separator: ";")
        }
        reindex(&survivor, before: nil)
        storeHubSpot("contacts", survivor.id, survivor)
        if let email = Self.emailKey(survivor.properties["email"]) { hubspotEmails[email] = survivor.id }
        for email in additional { if let key = Self.emailKey(email) { hubspotEmails[key] = survivor.id } }
        if countAsAPIWrite { logWrite(.hubspot, "contacts", String(survivor.id), ["hs_merged_object_ids": survivor.properties["hs_merged_object_ids"] ?? ""], created: false) }
        return survivor
    }

    /// `DELETE /contacts/v1/secondary-email/{vid}/email/{email}`: the address leaves the contact and can be used again.
    func removeHubSpotSecondaryEmail(contact: Int, email: String) throws(HubSpotError) -> [String] {
        guard var record = hubspotRecords["contacts"]?[contact], !record.archived else { throw .notFound }
        let key = Self.emailKey(email)
        var additional = (record.properties["hs_additional_emails"] ?? "").split(separator: ";").map(String.init)
        guard additional.contains(where: { Self.emailKey($0) == key }) else { throw .notFound }
        additional.removeAll { Self.emailKey($0) == key }
        if additional.isEmpty { record.properties.removeValue(forKey: "hs_additional_emails") } else {
            record.properties["hs_additional_emails"] = additional.joined(separator: ";")
        }
        let stamp = now()
        record.updatedAt = stamp
        record.properties[HubSpotRecord.modifiedProperty(for: "contacts")] = SimTime.hubspot(stamp)
        reindex(&record, before: hubspotRecords["contacts"]?[contact])
        storeHubSpot("contacts", contact, record)
        if let key, hubspotEmails[key] == contact { hubspotEmails[key] = nil }
        logWrite(.hubspot, "contacts", String(contact), ["hs_additional_emails": record.properties["hs_additional_emails"] ?? ""], created: false)
        return additional
    }

    func validateHubSpot(_ type: String, _ properties: [String: String], creating: Bool) throws(HubSpotError) {
        let known = propertyIndex(type)
        // HubSpot checks every property and names each one it refuses, in one message.
        var problems: [(name: String, error: String, message: String)] = []
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            guard let property = known[name] else {
                problems.append((name, "PROPERTY_DOESNT_EXIST", "Property \"\(name)\" does not exist"))
                continue
            }
            if property.readOnlyValue {
                problems.append((name, "READ_ONLY_VALUE", "\(name) is a read only property; its value cannot be set."))
                continue
            }
            guard !value.isEmpty else { continue }
            if property.referencedObjectType == "OWNER", !hubspotOwners.contains(where: { $0.id == value && !$0.archived }) {
                // Deactivated owners are refused like unknown ones.
                problems.append((name, "INVALID_OPTION", "\(value) is not a valid owner id"))
            } else if property.type == "enumeration", !property.options.isEmpty, !property.options.contains(value) {
                problems.append((name, "INVALID_OPTION", "\(value) was not one of the allowed options: [\(property.options.joined(separator: ", "))]"))
            } else if property.type == "date", !Self.isMidnightUTC(value) {
                problems.append((name, "INVALID_DATE",
                                 "\(value) is at a time other than midnight UTC; date properties take YYYY-MM-DD or midnight epoch milliseconds"))
            } else if property.type == "number", Double(value) == nil {
                problems.append((name, "INVALID_DOUBLE", "\(value) is not a valid number"))
            }
        }
        guard let first = problems.first else { return }
        let entries = problems.map { problem -> SimJSON in
            ["isValid": false, "message": .string(problem.message), "error": .string(problem.error), "name": .string(problem.name)]
        }
        let list = (try? SimJSON.array(entries).encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        throw .validation("Property values were not valid: " + list, code: first.error, property: first.name)
    }

    /// Rendered as `SimplePublicObject`: every requested property present, `null` when unset.
    func hubspotJSON(_ record: HubSpotRecord, type: String, properties requested: [String]?) -> SimJSON {
        let names = requested ?? HubSpotSchema.defaults[type] ?? Array(record.properties.keys)
        let known = propertyIndex(type)
        var props: [String: SimJSON] = [:]
        for name in names where known[name] != nil {
            props[name] = record.properties[name].map(SimJSON.string) ?? .null
        }
        var object: [String: SimJSON] = [
            "id": .string(String(record.id)),
            "properties": .object(props),
            "createdAt": .string(SimTime.hubspot(record.createdAt)),
            "updatedAt": .string(SimTime.hubspot(record.updatedAt)),
            "archived": .bool(record.archived),
        ]
        if let archivedAt = record.archivedAt { object["archivedAt"] = .string(SimTime.hubspot(archivedAt)) }
        return .object(object)
    }
}
