import Foundation
import Hummingbird
import LeadRelayCore

/// HubSpot associations v4, contact ↔ company (CRM-APIS.md §1.10).
extension HubSpotRoutes {
    static let associationPageLimit = 500

    func registerAssociations(on router: Hummingbird.Router<BasicRequestContext>) {
        let base = "/crm/v4/objects/:from/:id/associations/:to"
        router.get(RouterPath(base)) { request, context in
            try await guarded(request, write: false) {
                let (from, id, to) = try endpoints(context)
                let limit = Int(SimulatorHTTP.query(request, "limit") ?? "500") ?? 500
                guard (1...Self.associationPageLimit).contains(limit) else {
                    throw HubSpotError.validation("limit must be between 1 and \(Self.associationPageLimit)")
                }
                let after = Int(SimulatorHTTP.query(request, "after") ?? "0") ?? 0
                guard await state.hubspotRecord(from, id: id).map({ !$0.archived }) == true else { throw HubSpotError.notFound }
                let all = await state.associations(from: from, id: id, to: to)
                let page = all.dropFirst(after).prefix(limit)
                var body: [String: SimJSON] = ["results": .array(page.map(Self.associationJSON))]
                if after + page.count < all.count { body["paging"] = ["next": ["after": .string(String(after + page.count))]] }
                return SimulatorHTTP.json(.object(body))
            }
        }
        // Labelled link: PUT …/associations/companies/{toId} with a body of types → 201.
        router.put(RouterPath(base + "/:toId")) { request, context in
            try await guarded(request, write: true) {
                let (from, id, to) = try endpoints(context)
                guard let toID = Int(try context.parameters.require("toId")) else { throw HubSpotError.notFound }
                let specs = try await SimulatorHTTP.body(request).arrayValue ?? []
                let types = Set(specs.compactMap { $0["associationTypeId"]?.flatText.flatMap(Int.init) })
                guard !types.isEmpty else { throw HubSpotError.validation("at least one association type is required") }
                let (contact, company, contactTypes) = try Self.contactSide(from: from, id: id, to: to, toID: toID, types: types)
                try await state.hubspotAssociate(contact: contact, company: company, types: contactTypes)
                let labels = types.compactMap(SimulatorState.associationLabel)
                return SimulatorHTTP.json([
                    "fromObjectTypeId": .string(Self.typeID(from)), "fromObjectId": .number(Double(id)),
                    "toObjectTypeId": .string(Self.typeID(to)), "toObjectId": .number(Double(toID)),
                    "labels": .array(labels.map(SimJSON.string)),
                ], status: 201)
            }
        }
        // Default link: PUT …/associations/default/companies/{toId} → 200. Same depth as no other route, so no clash.
        // The router insists on one parameter name per position, so the target type arrives as `toId` here.
        router.put(RouterPath(base + "/:toId/:defaultTarget")) { request, context in
            try await guarded(request, write: true) {
                guard try context.parameters.require("to") == "default" else { throw HubSpotError.notFound }
                guard let from = SimulatorState.associationObject(try context.parameters.require("from")),
                      let to = SimulatorState.associationObject(try context.parameters.require("toId")),
                      let id = Int(try context.parameters.require("id")), let toID = Int(try context.parameters.require("defaultTarget")) else {
                    throw HubSpotError.notFound
                }
                let unlabeled = from == "contacts" ? SimulatorState.unlabeledContactToCompany : SimulatorState.unlabeledCompanyToContact
                let (contact, company, types) = try Self.contactSide(from: from, id: id, to: to, toID: toID, types: [unlabeled])
                try await state.hubspotAssociate(contact: contact, company: company, types: types)
                let now = SimTime.hubspot(Date())
                return SimulatorHTTP.json([
                    "status": "COMPLETE", "startedAt": .string(now), "completedAt": .string(now),
                    "results": [["from": ["id": .string(String(id))], "to": ["id": .string(String(toID))],
                                 "associationSpec": ["associationCategory": "HUBSPOT_DEFINED", "associationTypeId": .number(Double(unlabeled))]]],
                ])
            }
        }
        router.delete(RouterPath(base + "/:toId")) { request, context in
            try await guarded(request, write: true) {
                let (from, id, to) = try endpoints(context)
                guard let toID = Int(try context.parameters.require("toId")) else { throw HubSpotError.notFound }
                let (contact, company, _) = try Self.contactSide(from: from, id: id, to: to, toID: toID, types: [])
                try await state.hubspotDissociate(contact: contact, company: company)
                return SimulatorHTTP.empty(status: 204)
            }
        }
        router.post("/crm/v4/associations/:from/:to/batch/:operation") { request, context in
            let operation = try context.parameters.require("operation")
            return try await guarded(request, write: operation != "read") {
                guard let from = SimulatorState.associationObject(try context.parameters.require("from")),
                      let to = SimulatorState.associationObject(try context.parameters.require("to")), from != to else {
                    throw HubSpotError.notFound
                }
                guard operation != "associate" else { throw HubSpotError.notFound }
                return try await associationBatch(operation, from: from, to: to, body: try await SimulatorHTTP.body(request))
            }
        }
        registerAssociateDefault(on: router)
    }

    func registerAssociateDefault(on router: Hummingbird.Router<BasicRequestContext>) {
        // `batch/associate/default`: same parameter name at each position as `batch/:operation`, as the router requires.
        router.post("/crm/v4/associations/:from/:to/batch/:operation/:variant") { request, context in
            try await guarded(request, write: true) {
                guard try context.parameters.require("operation") == "associate", try context.parameters.require("variant") == "default",
                      let from = SimulatorState.associationObject(try context.parameters.require("from")),
                      let to = SimulatorState.associationObject(try context.parameters.require("to")), from != to else {
                    throw HubSpotError.notFound
                }
                return try await associationBatch("associate", from: from, to: to, body: try await SimulatorHTTP.body(request))
            }
        }
    }

    func endpoints(_ context: BasicRequestContext) throws -> (from: String, id: Int, to: String) {
        guard let from = SimulatorState.associationObject(try context.parameters.require("from")),
              let to = SimulatorState.associationObject(try context.parameters.require("to")), from != to,
              let id = Int(try context.parameters.require("id")) else { throw HubSpotError.notFound }
        return (from, id, to)
    }

    /// Turns a link stated from either side into (contact, company, contact-side type ids).
    static func contactSide(from: String, id: Int, to: String, toID: Int, types: Set<Int>) throws(HubSpotError) -> (Int, Int, Set<Int>) {
        if from == "contacts" { return (id, toID, types) }
        let mapped = Set(types.map { type -> Int in
            switch type {
            case SimulatorState.primaryCompanyToContact: SimulatorState.primaryContactToCompany
            case SimulatorState.unlabeledCompanyToContact: SimulatorState.unlabeledContactToCompany
            default: -type
            }
        })
        if let bad = mapped.first(where: { $0 < 0 }) {
            throw .validation("associationTypeId \(-bad) is not a valid company to contact association type", code: "INVALID_ASSOCIATION_TYPE")
        }
        return (toID, id, mapped)
    }

    static func typeID(_ object: String) -> String { object == "contacts" ? "0-1" : "0-2" }

    /// `toObjectId` is a JSON number in real responses (the spec says string).
    static func associationJSON(_ link: (id: Int, types: [Int])) -> SimJSON {
        ["toObjectId": .number(Double(link.id)),
         "associationTypes": .array(link.types.map { type in
             ["category": "HUBSPOT_DEFINED", "typeId": .number(Double(type)),
              "label": SimulatorState.associationLabel(type).map(SimJSON.string) ?? .null]
         })]
    }

    func associationBatch(_ operation: String, from: String, to: String, body: SimJSON) async throws -> Response {
        let inputs = body["inputs"]?.arrayValue ?? []
        guard inputs.count <= 1000 else { throw HubSpotError.validation("The maximum number of inputs supported in a batch request is 1000") }
        var results: [SimJSON] = []
        var errors: [SimJSON] = []
        func missing(_ id: String, _ message: String) {
            errors.append(["status": "error", "category": "OBJECT_NOT_FOUND", "message": .string(message),
                           "context": ["fromObjectId": [.string(id)]], "errors": [], "links": [:]])
        }
        if operation != "read", Set([from, to]) != ["contacts", "companies"] {
            throw HubSpotError.validation("the simulator writes contact ↔ company associations only; engagements are associated when created")
        }
        for input in inputs {
            let fromID = input["from"]?["id"]?.flatText ?? input["id"]?.flatText ?? ""
            guard let id = Int(fromID) else { missing(fromID, "\(fromID) is not a valid object id"); continue }
            do {
                switch operation {
                case "read":
                    guard await state.hubspotRecord(from, id: id).map({ !$0.archived }) == true else {
                        missing(fromID, "No \(from) with id \(fromID)")
                        continue
                    }
                    let links = await state.associations(from: from, id: id, to: to)
                    guard !links.isEmpty else { missing(fromID, "No \(to) is associated with \(from) \(fromID)"); continue }
                    results.append(["from": ["id": .string(fromID)], "to": .array(links.map(Self.associationJSON))])
                case "create", "associate":
                    guard let toID = input["to"]?["id"]?.flatText.flatMap(Int.init) else { throw HubSpotError.validation("to.id is required") }
                    let unlabeled = from == "contacts" ? SimulatorState.unlabeledContactToCompany : SimulatorState.unlabeledCompanyToContact
                    let types = operation == "associate" ? [unlabeled]
                        : Set((input["types"]?.arrayValue ?? []).compactMap { $0["associationTypeId"]?.flatText.flatMap(Int.init) })
                    let (contact, company, contactTypes) = try Self.contactSide(from: from, id: id, to: to, toID: toID, types: types)
                    try await state.hubspotAssociate(contact: contact, company: company, types: contactTypes)
                    results.append(["from": ["id": .string(fromID)], "to": ["id": .string(String(toID))]])
                case "archive":
                    for target in input["to"]?.arrayValue ?? [] {
                        guard let toID = target["id"]?.flatText.flatMap(Int.init) else { continue }
                        let (contact, company, _) = try Self.contactSide(from: from, id: id, to: to, toID: toID, types: [])
                        try await state.hubspotDissociate(contact: contact, company: company)
                    }
                default:
                    throw HubSpotError.notFound
                }
            } catch let error as HubSpotError where error.status == 404 {
                missing(fromID, "Could not find \(from) \(fromID) or its target")
            }
        }
        if operation == "archive", errors.isEmpty { return SimulatorHTTP.empty(status: 204) }
        let now = SimTime.hubspot(Date())
        var response: [String: SimJSON] = ["status": "COMPLETE", "results": .array(results), "startedAt": .string(now), "completedAt": .string(now)]
        guard errors.isEmpty else {
            response["numErrors"] = .number(Double(errors.count))
            response["errors"] = .array(errors)
            return SimulatorHTTP.json(.object(response), status: 207)
        }
        return SimulatorHTTP.json(.object(response), status: operation == "read" ? 200 : 201)
    }
}
