import Foundation
import Hummingbird

/// HubSpot's Forms API (`GET /marketing/v3/forms`, `GET /form-integrations/v1/submissions/forms/{guid}`) and the
/// marketing-email events API (`GET /email/public/v1/events`), in their own shapes: submissions newest first with
/// `submittedAt` in epoch milliseconds and the fields as `values`; email events with `created` in milliseconds,
/// `recipient`, and `hasMore`/`offset` paging.
extension HubSpotRoutes {
    /// The refusal of an API whose scope the app was not granted.
    static func missingScope(_ scope: String) -> Response {
        SimulatorHTTP.hubspotError(HubSpotError(status: 403, category: "MISSING_SCOPES",
                                                message: "This app hasn't been granted all required scopes to make this call. Missing auth details: \(scope)"))
    }

    func missing(_ scope: String) async -> Response? {
        await state.isHubSpotScopeWithheld(scope) ? Self.missingScope(scope) : nil
    }

    func registerMarketing(on router: Hummingbird.Router<BasicRequestContext>) {
        router.get("/marketing/v3/forms") { request, _ in
            try await guarded(request, write: false) {
                if let refused = await missing("forms") { return refused }
                let limit = min(max(Int(SimulatorHTTP.query(request, "limit") ?? "20") ?? 20, 1), 100)
                let after = Int(SimulatorHTTP.query(request, "after") ?? "0") ?? 0
                let all = await state.hubspotForms()
                let page = all.dropFirst(after).prefix(limit)
                var body: [String: SimJSON] = ["results": .array(page.map { form in
                    ["id": .string(form.id), "name": .string(form.name), "formType": "hubspot", "archived": false,
                     "createdAt": "2024-01-10T09:00:00Z", "updatedAt": "2024-01-10T09:00:00Z"]
                })]
                if after + page.count < all.count { body["paging"] = ["next": ["after": .string(String(after + page.count))]] }
                return SimulatorHTTP.json(.object(body))
            }
        }
        router.get("/form-integrations/v1/submissions/forms/:guid") { request, context in
            try await guarded(request, write: false) {
                if let refused = await missing("forms") { return refused }
                let guid = try context.parameters.require("guid")
                guard await state.hubspotForms().contains(where: { $0.id == guid }) else { throw HubSpotError.notFound }
                let limit = min(max(Int(SimulatorHTTP.query(request, "limit") ?? "20") ?? 20, 1), 50)
                let after = Int(SimulatorHTTP.query(request, "after") ?? "0") ?? 0
                let all = await state.hubspotFormSubmissions(formID: guid)
                let page = all.dropFirst(after).prefix(limit)
                var body: [String: SimJSON] = ["results": .array(page.map { item in
                    var values: [SimJSON] = []
                    if let email = item.email { values.append(["name": "email", "value": .string(email), "objectTypeId": "0-1"]) }
                    return ["submittedAt": .number(Double(item.event.occurredAt.simMillis)), "conversionId": .string(item.event.id),
                            "pageUrl": .string(item.event.properties["hs_url"] ?? "https://www.example.com/contact"), "values": .array(values)]
                })]
                if after + page.count < all.count { body["paging"] = ["next": ["after": .string(String(after + page.count))]] }
                return SimulatorHTTP.json(.object(body))
            }
        }
        router.get("/email/public/v1/events") { request, _ in
            try await guarded(request, write: false) {
                // Marketing email is a Marketing Hub feature: a free portal's app is refused the scope.
                if await state.currentHubSpotTier() == .free { return Self.missingScope("content") }
                if let refused = await missing("content") { return refused }
                let limit = min(max(Int(SimulatorHTTP.query(request, "limit") ?? "100") ?? 100, 1), 1000)
                let offset = Int(SimulatorHTTP.query(request, "offset") ?? "0") ?? 0
                let start = SimulatorHTTP.query(request, "startTimestamp").flatMap(Double.init).map { Date(timeIntervalSince1970: $0 / 1000) }
                    ?? .distantPast
                let all = await state.hubspotEmailEvents(since: start)
                let page = all.dropFirst(offset).prefix(limit)
                return SimulatorHTTP.json(.object([
                    "events": .array(page.map { item in
                        var event: [String: SimJSON] = [
                            "id": .string(item.event.id), "created": .number(Double(item.event.occurredAt.simMillis)),
                            "type": item.event.eventType == "e_clicked_email" ? "CLICK" : "OPEN",
                            "recipient": item.email.map(SimJSON.string) ?? .null, "portalId": 62515,
                            "emailCampaignId": .number(Double(abs((item.event.properties["hs_email_campaign"] ?? "0").hashValue % 100_000))),
                        ]
                        if item.event.eventType == "e_clicked_email" { event["url"] = .string(item.event.properties["hs_url"] ?? "https://www.example.com/offer") }
                        return .object(event)
                    }),
                    "hasMore": .bool(offset + page.count < all.count), "offset": .string(String(offset + page.count)),
                ]))
            }
        }
    }
}
