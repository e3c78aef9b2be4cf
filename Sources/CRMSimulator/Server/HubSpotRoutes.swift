import Foundation
import HTTPTypes
import Hummingbird
import LeadRelayCore

/// HubSpot CRM v3 endpoints (CRM-APIS.md Part 1), served from `SimulatorState`.
struct HubSpotRoutes {
    let state: SimulatorState
    static let listLimit = 100
    static let batchLimit = 100

    func register(on router: Hummingbird.Router<BasicRequestContext>) {
        let objects = "/crm/v3/objects/:type"
        func path(_ suffix: String = "") -> RouterPath { RouterPath(objects + suffix) }
        router.get(path()) { request, context in
            try await guarded(request, write: false) { try await list(request, type: context.parameters.require("type")) }
        }
        router.get(path("/:id")) { request, context in
            try await guarded(request, write: false) {
                let type = try context.parameters.require("type")
                let key = try context.parameters.require("id")
                let record: HubSpotRecord?
                if let idProperty = SimulatorHTTP.query(request, "idProperty"), idProperty != "hs_object_id" {
                    record = await state.hubspotRecords(type).first { !$0.archived && $0.properties[idProperty]?.lowercased() == key.lowercased() }
                } else if let id = Int(key) {
                    // A merged-away id resolves to the survivor.
                    record = await state.hubspotRecord(type, id: await state.resolveHubSpotID(type, id))
                } else {
                    record = nil
                }
                guard let record, !record.archived else { return SimulatorHTTP.hubspotError(.notFound) }
                let properties = SimulatorHTTP.queryList(request, "properties")
                return SimulatorHTTP.json(await state.hubspotJSON(record, type: type, properties: properties))
            }
        }
        router.post(path()) { request, context in
            try await guarded(request, write: true) {
                let type = try context.parameters.require("type")
                let body = try await SimulatorHTTP.body(request)
                let properties = body["properties"]?.objectValue?.compactMapValues(\.flatText) ?? [:]
                let record = try await state.hubspotCreate(type, properties: properties, associations: Self.inlineAssociations(body))
                return SimulatorHTTP.json(await state.hubspotJSON(record, type: type, properties: Array(properties.keys)), status: 201)
            }
        }
        router.patch(path("/:id")) { request, context in
            try await guarded(request, write: true) {
                let type = try context.parameters.require("type")
                guard let id = Int(try context.parameters.require("id")) else { return SimulatorHTTP.hubspotError(.notFound) }
                let body = try await SimulatorHTTP.body(request)
                let properties = body["properties"]?.objectValue?.compactMapValues(\.flatText) ?? [:]
                let record = try await state.hubspotUpdate(type, id: id, properties: properties)
                return SimulatorHTTP.json(await state.hubspotJSON(record, type: type, properties: Array(properties.keys)))
            }
        }
        router.delete(path("/:id")) { request, context in
            try await guarded(request, write: true) {
                guard let id = Int(try context.parameters.require("id")) else { return SimulatorHTTP.hubspotError(.notFound) }
                try await state.hubspotArchive(try context.parameters.require("type"), id: id)
                return SimulatorHTTP.empty(status: 204)
            }
        }
        // Legacy v1: the only API that takes an address off a contact (merged addresses stay there as additional emails).
        router.delete("/contacts/v1/secondary-email/:vid/email/:email") { request, context in
            try await guarded(request, write: true) {
                guard let vid = Int(try context.parameters.require("vid")) else { return SimulatorHTTP.hubspotError(.notFound) }
                let email = try context.parameters.require("email").removingPercentEncoding ?? ""
                let left = try await state.removeHubSpotSecondaryEmail(contact: vid, email: email)
                return SimulatorHTTP.json(["portalId": 62515, "vid": .number(Double(vid)), "secondaryEmails": .array(left.map(SimJSON.string))])
            }
        }
        // Declared on the `:type` path: the router does not backtrack from a constant segment to a parameter.
        router.post(path("/merge")) { request, context in
            try await guarded(request, write: true) {
                guard try context.parameters.require("type") == "contacts" else { return SimulatorHTTP.hubspotError(.notFound) }
                let body = try await SimulatorHTTP.body(request)
                guard let primary = body["primaryObjectId"]?.flatText.flatMap(Int.init), let merged = body["objectIdToMerge"]?.flatText.flatMap(Int.init) else {
                    throw HubSpotError.validation("primaryObjectId and objectIdToMerge are required")
                }
                let survivor = try await state.hubspotMerge(primary: primary, merged: merged)
                return SimulatorHTTP.json(await state.hubspotJSON(survivor, type: "contacts", properties: nil))
            }
        }
        router.post(path("/search")) { request, context in
            try await guarded(request, write: false, search: true) {
                let type = try context.parameters.require("type")
                return SimulatorHTTP.json(try await state.hubspotSearch(type, body: try await SimulatorHTTP.body(request)))
            }
        }
        router.post(path("/batch/:operation")) { request, context in
            let operation = try context.parameters.require("operation")
            return try await guarded(request, write: operation != "read") {
                try await batch(operation, type: context.parameters.require("type"), body: try await SimulatorHTTP.body(request))
            }
        }
        registerOAuth(on: router)
        router.get("/crm/v3/owners/:ownerId") { request, context in
            let key = try context.parameters.require("ownerId")
            return try await guarded(request, write: false) { await owner(request, key: key) }
        }
        router.get("/crm/v3/owners") { request, _ in
            try await guarded(request, write: false) { await owners(request) }
        }
        router.get("/crm/v3/properties/:type") { request, context in
            try await guarded(request, write: false) {
                let type = try context.parameters.require("type")
                guard let properties = await state.hubspotProperties[type] else { return SimulatorHTTP.hubspotError(.notFound) }
                return SimulatorHTTP.json(["results": .array(properties.map(Self.propertyJSON))])
            }
        }
        router.post("/crm/v3/properties/:type") { request, context in
            try await guarded(request, write: true) {
                let type = try context.parameters.require("type")
                let body = try await SimulatorHTTP.body(request)
                guard let name = body["name"]?.stringValue, let label = body["label"]?.stringValue, let kind = body["type"]?.stringValue,
                      let fieldType = body["fieldType"]?.stringValue, body["groupName"]?.stringValue != nil else {
                    throw HubSpotError.validation("name, label, type, fieldType and groupName are required")
                }
                guard let first = name.unicodeScalars.first, ("a"..."z").contains(first),
                      name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
                    throw HubSpotError.validation("Property name '\(name)' must start with a lowercase letter and hold only lowercase letters, digits and underscores")
                }
                guard ["string", "number", "date", "datetime", "enumeration", "bool"].contains(kind) else {
                    throw HubSpotError.validation("'\(kind)' is not a property type")
                }
                let options = body["options"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
                let property = HubSpotProperty(name: name, label: label, type: kind, fieldType: fieldType, options: options)
                try await state.createHubSpotProperty(type, property)
                return SimulatorHTTP.json(Self.propertyJSON(property), status: 201)
            }
        }
        router.get("/events/v3/events") { request, _ in
            try await guarded(request, write: false) {
                // Event analytics are for Enterprise portals only; elsewhere HubSpot answers with a scope refusal.
                guard await state.currentHubSpotTier() == .enterprise else {
                    return SimulatorHTTP.hubspotError(HubSpotError(
                        status: 403, category: "MISSING_SCOPES",
                        message: "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: "
                            + "https://developers.hubspot.com/scopes. Missing auth details: event-detail-read,web-analytics-api-access"))
                }
                return await events(request)
            }
        }
        registerAssociations(on: router)
        registerMarketing(on: router)
    }

    /// Checks auth and rate limits, applies injected faults, counts the call, and renders thrown errors.
    func guarded(_ request: Request, write: Bool, search: Bool = false, _ body: () async throws -> Response) async throws -> Response {
        await state.countRequest(.hubspot, write: write)
        let caller: SimulatorState.HubSpotCaller
        switch await state.authenticateHubSpot(SimulatorHTTP.bearer(request)) {
        case .success(let who): caller = who
        case .failure(let error): return SimulatorHTTP.hubspotError(error)
        }
        var resetAfter = false
        if let fault = await state.takeFault(.hubspot) {
            switch fault {
            case .resetAfterApply:
                resetAfter = true
            case .hubspotRateLimit(let policy, let retryAfter):
                await state.countRateLimited(.hubspot)
                var headers: HTTPFields = [:]
                if let retryAfter { headers[.retryAfter] = String(retryAfter) }
                return Self.rateLimited(policy: policy, headers: headers)
            case .serverError:
                return SimulatorHTTP.hubspotError(HubSpotError(status: 503, category: "SERVICE_UNAVAILABLE", message: "Service unavailable"))
            case .delay(let seconds):
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            }
        }
        var headers: HTTPFields = [:]
        let budget = await state.takeHubSpotBudget(search: search)
        if let policy = budget.limitedBy {
            await state.countRateLimited(.hubspot)
            return Self.rateLimited(policy: policy, headers: [:])
        }
        if !search {
            if let max = budget.max {
                headers[HTTPField.Name("X-HubSpot-RateLimit-Interval-Milliseconds")!] = "10000"
                headers[HTTPField.Name("X-HubSpot-RateLimit-Max")!] = String(max)
                headers[HTTPField.Name("X-HubSpot-RateLimit-Remaining")!] = String(budget.remaining)
            }
            // Private apps also see the daily pair; OAuth calls omit it.
            if caller == .privateApp, let daily = budget.daily {
                headers[HTTPField.Name("X-HubSpot-RateLimit-Daily")!] = String(daily.max)
                headers[HTTPField.Name("X-HubSpot-RateLimit-Daily-Remaining")!] = String(daily.remaining)
            }
        } else if let secondly = budget.secondly {
            headers[HTTPField.Name("X-HubSpot-RateLimit-Secondly")!] = String(secondly.max)
            headers[HTTPField.Name("X-HubSpot-RateLimit-Secondly-Remaining")!] = String(secondly.remaining)
        }
        let draw = resetAfter ? FaultPlan.Draw.reset : await state.drawFault(.hubspot)
        if draw == .serverError {
            return SimulatorHTTP.hubspotError(HubSpotError(status: 503, category: "SERVICE_UNAVAILABLE", message: "Service unavailable"))
        }
        do {
            var response = try await body()
            for field in headers { response.headers.append(field) }
            return try await SimulatorHTTP.applying(draw, to: response)
        } catch let error as HubSpotError {
            return SimulatorHTTP.hubspotError(error)
        } catch is DecodingError {
            return SimulatorHTTP.hubspotError(.validation("Invalid input JSON on line 1: the body is not valid JSON"))
        }
    }

    /// `associations` on a create body: `[{"to":{"id":"901"},"types":[{"associationTypeId":279}]}]`.
    static func inlineAssociations(_ body: SimJSON) -> [(to: Int, types: Set<Int>)] {
        (body["associations"]?.arrayValue ?? []).compactMap { link in
            guard let to = link["to"]?["id"]?.flatText.flatMap(Int.init) else { return nil }
            return (to, Set((link["types"]?.arrayValue ?? []).compactMap { $0["associationTypeId"]?.flatText.flatMap(Int.init) }))
        }
    }

    static func rateLimited(policy: String, headers: HTTPFields) -> Response {
        SimulatorHTTP.json([
            "status": "error", "message": .string("You have reached your \(policy.lowercased()) limit."),
            "errorType": "RATE_LIMIT", "correlationId": .string(UUID().uuidString.lowercased()),
            "policyName": .string(policy), "groupName": "publicapi:private-app",
        ], status: 429, headers: headers)
    }

    func list(_ request: Request, type: String) async throws -> Response {
        let limit = Int(SimulatorHTTP.query(request, "limit") ?? "10") ?? 10
        guard limit >= 1, limit <= Self.listLimit else {
            return SimulatorHTTP.hubspotError(.validation("limit must be between 1 and \(Self.listLimit); got \(limit)."))
        }
        let after = Int(SimulatorHTTP.query(request, "after") ?? "0") ?? 0
        let archived = SimulatorHTTP.queryFlag(request, "archived")
        let properties = SimulatorHTTP.queryList(request, "properties")
        let all = await state.hubspotRecords(type).filter { $0.archived == archived && $0.id >= after }
        let page = all.prefix(limit)
        var rendered: [SimJSON] = []
        for record in page { rendered.append(await state.hubspotJSON(record, type: type, properties: properties)) }
        var body: [String: SimJSON] = ["results": .array(rendered)]
        if all.count > limit, let next = all.dropFirst(limit).first {
            body["paging"] = ["next": ["after": .string(String(next.id)), "link": .string("/crm/v3/objects/\(type)?after=\(next.id)")]]
        }
        return SimulatorHTTP.json(.object(body))
    }

    func batch(_ operation: String, type: String, body: SimJSON) async throws(HubSpotError) -> Response {
        let inputs = body["inputs"]?.arrayValue ?? []
        guard inputs.count <= Self.batchLimit else {
            throw .validation("The maximum number of inputs supported in a batch request is \(Self.batchLimit); got \(inputs.count).")
        }
        let started = Date()
        var results: [SimJSON] = []
        var errors: [SimJSON] = []
        let ids = inputs.compactMap { $0["id"]?.flatText }
        guard Set(ids).count == ids.count else {
            throw .validation("Duplicate IDs found in batch input: ids must be unique in one request.")
        }
        for input in inputs {
            let properties = input["properties"]?.objectValue?.compactMapValues(\.flatText) ?? [:]
            do {
                switch operation {
                case "update":
                    guard let id = input["id"]?.flatText.flatMap(Int.init) else { throw HubSpotError.notFound }
                    let record = try await state.hubspotUpdate(type, id: id, properties: properties)
                    results.append(await state.hubspotJSON(record, type: type, properties: Array(properties.keys)))
                case "create":
                    let record = try await state.hubspotCreate(type, properties: properties)
                    results.append(await state.hubspotJSON(record, type: type, properties: Array(properties.keys)))
                case "archive":
                    guard let id = input["id"]?.flatText.flatMap(Int.init) else { throw HubSpotError.notFound }
                    try await state.hubspotArchive(type, id: id)
                case "upsert":
                    guard let key = input["id"]?.flatText, let idProperty = input["idProperty"]?.stringValue else {
                        throw HubSpotError.validation("upsert inputs need id and idProperty")
                    }
                    let (record, isNew) = try await state.hubspotUpsert(type, idProperty: idProperty, value: key, properties: properties)
                    var json = await state.hubspotJSON(record, type: type, properties: Array(properties.keys) + [idProperty])
                    if case .object(var object) = json { object["new"] = .bool(isNew); json = .object(object) }
                    results.append(json)
                case "read":
                    let requested = body["properties"]?.arrayValue?.compactMap(\.stringValue)
                    let idProperty = body["idProperty"]?.stringValue ?? "hs_object_id"
                    let found: HubSpotRecord?
                    if idProperty == "hs_object_id", let id = input["id"]?.flatText.flatMap(Int.init) {
                        found = await state.hubspotRecord(type, id: id)
                    } else if idProperty != "hs_object_id", let key = input["id"]?.flatText {
                        found = await state.hubspotRecord(type, where: idProperty, equals: key)
                    } else {
                        found = nil
                    }
                    guard let record = found, !record.archived else { throw HubSpotError.notFound }
                    results.append(await state.hubspotJSON(record, type: type, properties: requested))
                default:
                    throw HubSpotError.notFound
                }
            } catch let error as HubSpotError {
                // Validation failures of one input fail the whole batch, as HubSpot does; a missing id is a 207 entry.
                guard error.status == 404 else { throw error }
                errors.append([
                    "status": "error", "category": "OBJECT_NOT_FOUND",
                    "message": .string("Could not get some \(type.uppercased()) objects, they may be deleted or not exist. Check that ids are valid."),
                    "context": ["ids": [.string(input["id"]?.flatText ?? "")]], "errors": [], "links": [:],
                ])
            } catch {
                throw HubSpotError(status: 500, category: "INTERNAL_ERROR", message: "\(error)")
            }
        }
        // HubSpot does not keep input order in batch results; connectors must match by id or email.
        results = await state.shuffledForResponse(results)
        var response: [String: SimJSON] = [
            "status": "COMPLETE", "results": .array(results),
            "startedAt": .string(SimTime.hubspot(started)), "completedAt": .string(SimTime.hubspot(Date())),
        ]
        if !errors.isEmpty {
            response["numErrors"] = .number(Double(errors.count))
            response["errors"] = .array(errors)
            return SimulatorHTTP.json(.object(response), status: 207)
        }
        if operation == "archive" { return SimulatorHTTP.empty(status: 204) }
        return SimulatorHTTP.json(.object(response), status: operation == "create" ? 201 : 200)
    }

    func owners(_ request: Request) async -> Response {
        let limit = min(max(Int(SimulatorHTTP.query(request, "limit") ?? "100") ?? 100, 1), 500)
        let after = Int(SimulatorHTTP.query(request, "after") ?? "0") ?? 0
        let archived = SimulatorHTTP.queryFlag(request, "archived")
        let email = SimulatorHTTP.query(request, "email")?.lowercased()
        let all = await state.hubspotOwners.filter { $0.archived == archived && (email == nil || $0.email == email) }
        let page = all.dropFirst(after).prefix(limit)
        var body: [String: SimJSON] = ["results": .array(page.map(Self.ownerJSON))]
        if after + page.count < all.count {
            body["paging"] = ["next": ["after": .string(String(after + page.count))]]
        }
        return SimulatorHTTP.json(.object(body))
    }

    static func ownerJSON(_ owner: HubSpotOwner) -> SimJSON {
        ["id": .string(owner.id), "email": .string(owner.email), "firstName": .string(owner.firstName),
         "lastName": .string(owner.lastName), "userId": .number(Double(owner.userId)),
         "userIdIncludingInactive": .number(Double(owner.userId)), "type": "PERSON", "archived": .bool(owner.archived),
         "createdAt": "2023-01-05T10:00:00.000Z", "updatedAt": "2024-02-01T08:00:00.000Z", "teams": []]
    }

    /// `GET /crm/v3/owners/{ownerId}`: by owner id, or by the user's id with `idProperty=userId`.
    func owner(_ request: Request, key: String) async -> Response {
        let archived = SimulatorHTTP.queryFlag(request, "archived")
        let byUser = SimulatorHTTP.query(request, "idProperty") == "userId"
        let found = await state.hubspotOwners.first { owner in
            owner.archived == archived && (byUser ? String(owner.userId) == key : owner.id == key)
        }
        guard let found else { return SimulatorHTTP.hubspotError(.notFound) }
        return SimulatorHTTP.json(Self.ownerJSON(found))
    }

    /// The events API: page views, form submissions and custom events, never marketing-email opens or clicks (those
    /// are the email events API's).
    func events(_ request: Request) async -> Response {
        let limit = min(max(Int(SimulatorHTTP.query(request, "limit") ?? "100") ?? 100, 1), 1000)
        let after = Int(SimulatorHTTP.query(request, "after") ?? "0") ?? 0
        let since = SimulatorHTTP.query(request, "occurredAfter").flatMap(SimTime.parse)
        let objectID = SimulatorHTTP.query(request, "objectId").flatMap(Int.init)
        let (page, total) = await state.eventsPage(since: since, objectID: objectID, offset: after, limit: limit)
        var body: [String: SimJSON] = ["results": .array(page.map { event in
            ["id": .string(event.id), "objectType": "contact", "objectId": .string(String(event.objectId)),
             "eventType": .string(event.eventType), "occurredAt": .string(SimTime.hubspot(event.occurredAt)),
             "properties": .object(event.properties.mapValues(SimJSON.string))]
        })]
        if after + page.count < total {
            body["paging"] = ["next": ["after": .string(String(after + page.count))]]
        }
        return SimulatorHTTP.json(.object(body))
    }

    static func propertyJSON(_ property: HubSpotProperty) -> SimJSON {
        var object: [String: SimJSON] = [
            "name": .string(property.name), "label": .string(property.label), "type": .string(property.type),
            "fieldType": .string(property.fieldType), "groupName": "contactinformation", "description": "",
            "hidden": false, "hasUniqueValue": .bool(property.hasUniqueValue), "calculated": false,
            "externalOptions": .bool(property.externalOptions), "hubspotDefined": true, "formField": true,
            "modificationMetadata": ["archivable": true, "readOnlyDefinition": true, "readOnlyValue": .bool(property.readOnlyValue)],
            "options": .array(property.options.enumerated().map { index, value in
                ["label": .string(value.capitalized), "value": .string(value), "displayOrder": .number(Double(index)), "hidden": false]
            }),
        ]
        if let reference = property.referencedObjectType { object["referencedObjectType"] = .string(reference) }
        return .object(object)
    }
}
