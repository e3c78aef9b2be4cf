import Foundation
import Hummingbird
import LeadRelayCore

/// `/_simulator/…`: act as marketing and sales do during a run (create, engage, work, merge, delete), over HTTP.
///
/// The same operations are on `SimulatorState` for Swift tests; these routes let scripts and other
/// processes drive a running `leadrelay simulate`. They bypass auth, rate limits and faults.
struct ControlRoutes {
    let state: SimulatorState

    func register(on router: Hummingbird.Router<BasicRequestContext>) {
        router.post("/_simulator/hubspot/contacts") { request, _ in
            try await handle {
                let body = try await SimulatorHTTP.body(request)
                let id = try await state.createHubSpotRecord("contacts", properties: body["properties"]?.objectValue?.compactMapValues(\.flatText) ?? [:])
                return SimulatorHTTP.json(["id": .string(String(id))], status: 201)
            }
        }
        router.post("/_simulator/hubspot/events") { request, _ in
            try await handle {
                let body = try await SimulatorHTTP.body(request)
                guard let contact = body["contactId"]?.flatText.flatMap(Int.init), let type = body["eventType"]?.stringValue,
                      HubSpotEvent.kinds[type] != nil else {
                    throw ControlError("contactId and eventType (\(HubSpotEvent.kinds.keys.sorted().joined(separator: ", "))) are required")
                }
                await state.recordHubSpotEvent(contactID: contact, eventType: type, properties: body["properties"]?.objectValue?.compactMapValues(\.flatText) ?? [:])
                return SimulatorHTTP.empty(status: 201)
            }
        }
        // A rep logs a call or an email, or books a meeting, on a contact's timeline.
        router.post("/_simulator/hubspot/engagements") { request, _ in
            try await handle {
                let body = try await SimulatorHTTP.body(request)
                guard let type = body["type"]?.stringValue, SimulatorState.engagementToContact[type] != nil,
                      let contact = body["contactId"]?.flatText.flatMap(Int.init) else {
                    throw ControlError("type (calls, emails or meetings) and contactId are required")
                }
                let id = try await state.logHubSpotEngagement(type, contact: contact,
                                                              properties: body["properties"]?.objectValue?.compactMapValues(\.flatText) ?? [:])
                return SimulatorHTTP.json(["id": .string(String(id))], status: 201)
            }
        }
        router.post("/_simulator/hubspot/merge") { request, _ in
            try await handle {
                let body = try await SimulatorHTTP.body(request)
                guard let primary = body["primary"]?.flatText.flatMap(Int.init), let merged = body["merged"]?.flatText.flatMap(Int.init) else {
                    throw ControlError("primary and merged contact ids are required")
                }
                return SimulatorHTTP.json(["id": .string(String(try await state.mergeHubSpotContacts(primary: primary, merged: merged)))])
            }
        }
        router.delete("/_simulator/hubspot/contacts/:id") { _, context in
            try await handle {
                guard let id = Int(try context.parameters.require("id")) else { throw ControlError("not a contact id") }
                try await state.archiveHubSpotRecord("contacts", id: id)
                return SimulatorHTTP.empty(status: 204)
            }
        }
        router.post("/_simulator/salesforce/leads") { request, _ in
            try await handle {
                let fields = try await SimulatorHTTP.body(request)["fields"]?.objectValue ?? [:]
                return SimulatorHTTP.json(["id": .string(try await state.createSalesforceRecord("Lead", fields: fields))], status: 201)
            }
        }
        router.post("/_simulator/salesforce/tasks") { request, _ in
            try await handle {
                let body = try await SimulatorHTTP.body(request)
                guard let who = body["whoId"]?.stringValue else { throw ControlError("whoId is required") }
                let id = try await state.logSalesforceTask(whoID: who, subject: body["subject"]?.stringValue ?? "Call",
                                                           subtype: body["subtype"]?.stringValue ?? "Call",
                                                           status: body["status"]?.stringValue ?? "Completed", ownerID: body["ownerId"]?.stringValue)
                return SimulatorHTTP.json(["id": .string(id)], status: 201)
            }
        }
        router.post("/_simulator/salesforce/events") { request, _ in
            try await handle {
                let body = try await SimulatorHTTP.body(request)
                guard let who = body["whoId"]?.stringValue, let start = body["start"]?.stringValue.flatMap(SimTime.parse) else {
                    throw ControlError("whoId and start (an ISO 8601 instant) are required")
                }
                let id = try await state.logSalesforceEvent(whoID: who, subject: body["subject"]?.stringValue ?? "Meeting", start: start,
                                                            minutes: body["minutes"]?.flatText.flatMap(Int.init) ?? 30,
                                                            ownerID: body["ownerId"]?.stringValue)
                return SimulatorHTTP.json(["id": .string(id)], status: 201)
            }
        }
        router.post("/_simulator/salesforce/campaign-members") { request, _ in
            try await handle {
                let body = try await SimulatorHTTP.body(request)
                guard let campaign = body["campaign"]?.stringValue, let member = body["memberId"]?.stringValue else {
                    throw ControlError("campaign (a name) and memberId (a lead 00Q… or contact 003…) are required")
                }
                let id = try await state.addCampaignMember(campaign: campaign, memberID: member, status: body["status"]?.stringValue ?? "Responded")
                return SimulatorHTTP.json(["id": .string(id)], status: 201)
            }
        }
        router.post("/_simulator/salesforce/leads/:id/status") { request, context in
            try await handle {
                let body = try await SimulatorHTTP.body(request)
                guard let status = body["status"]?.stringValue else { throw ControlError("status is required") }
                try await state.setSalesforceLeadStatus(try context.parameters.require("id"), status: status, reason: body["reason"]?.stringValue)
                return SimulatorHTTP.empty(status: 204)
            }
        }
        router.post("/_simulator/salesforce/leads/:id/convert") { request, context in
            try await handle {
                // `{"opportunity": {"name": "Acme – 50 seats", "amount": 42000}}` converts with an opportunity; no body, without.
                let body = (try? await SimulatorHTTP.body(request)) ?? .null
                let deal = body["opportunity"].flatMap { deal -> (name: String, amount: Double?)? in
                    guard deal.objectValue != nil else { return nil }
                    return (deal["name"]?.stringValue ?? "Converted opportunity", deal["amount"]?.doubleValue)
                }
                let converted = try await state.convertSalesforceLead(try context.parameters.require("id"), opportunity: deal)
                var answer: [String: SimJSON] = ["accountId": .string(converted.account), "contactId": .string(converted.contact)]
                if let opportunity = converted.opportunity { answer["opportunityId"] = .string(opportunity) }
                return SimulatorHTTP.json(.object(answer))
            }
        }
        router.delete("/_simulator/salesforce/:object/:id") { _, context in
            try await handle {
                try await state.deleteSalesforceRecord(try context.parameters.require("object"), id: try context.parameters.require("id"))
                return SimulatorHTTP.empty(status: 204)
            }
        }
        router.put("/_simulator/hubspot/contacts/:id/companies/:company") { request, context in
            // A named method, not an inline closure: the 6.3 optimiser crashed splitting this coroutine inline.
            try await associate(contact: context.parameters.get("id"), company: context.parameters.get("company"),
                                primary: SimulatorHTTP.query(request, "primary") == "true")
        }
        router.post("/_simulator/hubspot/bulk-update") { request, _ in
            try await handle {
                let body = try await SimulatorHTTP.body(request)
                let type = body["type"]?.stringValue ?? "contacts"
                let properties = body["properties"]?.objectValue?.compactMapValues(\.flatText) ?? [:]
                var ids = body["ids"]?.arrayValue?.compactMap { $0.flatText.flatMap(Int.init) } ?? []
                if ids.isEmpty, let count = body["count"]?.doubleValue {
                    ids = Array(await state.hubspotRecords(type).filter { !$0.archived }.prefix(Int(count)).map(\.id))
                }
                guard !ids.isEmpty, !properties.isEmpty else { throw ControlError("properties and ids (or count) are required") }
                try await state.bulkUpdateHubSpotRecords(type, ids: ids, properties: properties)
                return SimulatorHTTP.json(["updated": .number(Double(ids.count))])
            }
        }
        router.post("/_simulator/hubspot/expire-tokens") { _, _ in
            await state.expireHubSpotTokens()
            return SimulatorHTTP.empty(status: 204)
        }
        router.post("/_simulator/salesforce/expire-sessions") { _, _ in
            await state.expireSalesforceSessions()
            return SimulatorHTTP.empty(status: 204)
        }
        router.get("/_simulator/stats") { _, _ in
            var body: [String: SimJSON] = [:]
            for system in CRMSystem.allCases {
                body[system.rawValue] = ["requests": .number(Double(await state.requests(system))),
                                         "writeCalls": .number(Double(await state.writeCalls(system)))]
            }
            body["slackMessages"] = .number(Double(await state.slackBodies().count))
            return SimulatorHTTP.json(.object(body))
        }
    }

    func associate(contact: String?, company: String?, primary: Bool) async throws -> Response {
        try await handle {
            guard let contact = contact.flatMap(Int.init), let company = company.flatMap(Int.init) else {
                throw ControlError("contact and company ids are numbers")
            }
            try await state.associateHubSpotContact(contact, withCompany: company, primary: primary)
            return SimulatorHTTP.empty(status: 204)
        }
    }

    /// Renders CRM-style and control errors as `{"error": …}` with a fitting status.
    func handle(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as ControlError {
            return SimulatorHTTP.json(["error": .string(error.message)], status: 400)
        } catch let error as SalesforceError {
            return SimulatorHTTP.json(["error": .string("\(error.errorCode): \(error.message)")], status: error.status)
        } catch let error as HubSpotError {
            return SimulatorHTTP.json(["error": .string("\(error.category): \(error.message)")], status: error.status)
        } catch is DecodingError {
            return SimulatorHTTP.json(["error": "the body is not valid JSON"], status: 400)
        }
    }
}

struct ControlError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
