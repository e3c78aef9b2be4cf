import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// Interest beyond the events API: form submissions through the Forms API (every tier), marketing-email opens and
/// clicks through the email events API (the events API never has them). Both name a person by address, so each page's
/// addresses are read back to contact ids in one batch; items get the ids the contact's own properties give the same
/// event (`HubSpotInterest.id`), so an event both show counts once.
extension HubSpotConnector {
    public func pollSource(_ source: ActivitySource, since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity> {
        switch source {
        case .forms: try await formSubmissions(since: since, lookback: lookback)
        case .emailEvents: try await emailEvents(since: since, lookback: lookback)
        case .calls, .emails, .meetings: try await engagements(source.rawValue, since: since, lookback: lookback)
        case .campaigns, .events: PollResult(items: [], watermark: since, calls: 0)
        }
    }

    /// Every form (`GET /marketing/v3/forms`), then each form's submissions (`GET /form-integrations/v1/submissions/forms/{id}`,
    /// newest first) back to the watermark less the look-back.
    func formSubmissions(since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity> {
        var calls = 0
        var forms: [(id: String, name: String)] = []
        var after: String?
        repeat {
            var query = [("limit", "100")]
            if let after { query.append(("after", after)) }
            let page = try await client.json("GET", "/marketing/v3/forms", query: query)
            calls += 1
            for form in page["results"]?.arrayValue ?? [] {
                guard let id = form["id"]?.flatText else { continue }
                forms.append((id, form["name"]?.stringValue ?? id))
            }
            after = page["paging"]?["next"]?["after"]?.flatText
        } while after != nil
        let floor = since.map { $0.modifiedAt.addingTimeInterval(-lookback) }
        var found: [Sighting] = []
        var rejected: [RejectedRecord] = []
        var newest = since
        for form in forms {
            var after: String?
            reading: repeat {
                var query = [("limit", "50")]
                if let after { query.append(("after", after)) }
                let page = try await client.json("GET", "/form-integrations/v1/submissions/forms/\(FormEncoding.escape(form.id))", query: query)
                calls += 1
                for submission in page["results"]?.arrayValue ?? [] {
                    guard let millis = submission["submittedAt"]?.doubleValue, millis.isFinite, abs(millis) < 1e15 else {
                        rejected.append(RejectedRecord(system: .hubspot, object: "form-submissions", id: form.id, reason: "submission without a readable submittedAt"))
                        continue
                    }
                    let at = Date(timeIntervalSince1970: millis / 1000)
                    // Newest first: past the floor, the rest of this form was read before.
                    if let floor, at < floor { break reading }
                    let values = submission["values"]?.arrayValue ?? []
                    guard let email = values.first(where: { $0["name"]?.stringValue?.lowercased() == "email" })?["value"]?.stringValue
                        .flatMap(EmailAddress.normalise) else { continue }
                    let key = submission["conversionId"]?.flatText ?? "\(Int64(millis))"
                    found.append(Sighting(email: email, kind: .formSubmission, at: at, url: submission["pageUrl"]?.stringValue, form: form.name))
                    let mark = Watermark(modifiedAt: at, id: "\(form.id):\(key)")
                    if newest == nil || newest! < mark { newest = mark }
                }
                after = page["paging"]?["next"]?["after"]?.flatText
            } while after != nil
        }
        let (items, lookups) = try await activities(found)
        return PollResult(items: items, watermark: newest, rejected: rejected, calls: calls + lookups)
    }

    /// Marketing-email events since the watermark less the look-back (`GET /email/public/v1/events`, oldest first);
    /// opens and clicks are kept, deliveries, bounces and the rest are not interest.
    func emailEvents(since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity> {
        var calls = 0
        var found: [Sighting] = []
        var rejected: [RejectedRecord] = []
        var newest = since
        var offset: String?
        let start = since.map { $0.modifiedAt.addingTimeInterval(-lookback) } ?? now()
        repeat {
            var query = [("startTimestamp", String(start.epochMillis)), ("limit", "1000")]
            if let offset { query.append(("offset", offset)) }
            let page = try await client.json("GET", "/email/public/v1/events", query: query)
            calls += 1
            for event in page["events"]?.arrayValue ?? [] {
                guard let id = event["id"]?.flatText, let millis = event["created"]?.doubleValue, millis.isFinite, abs(millis) < 1e15 else {
                    rejected.append(RejectedRecord(system: .hubspot, object: "email-events", id: event["id"]?.flatText, reason: "email event without id or created"))
                    continue
                }
                let at = Date(timeIntervalSince1970: millis / 1000)
                let mark = Watermark(modifiedAt: at, id: id)
                if newest == nil || newest! < mark { newest = mark }
                let kind: Activity.Kind
                switch event["type"]?.stringValue {
                case "CLICK": kind = .emailClick
                case "OPEN": kind = .emailOpen
                default: continue
                }
                guard let email = event["recipient"]?.stringValue.flatMap(EmailAddress.normalise) else { continue }
                found.append(Sighting(email: email, kind: kind, at: at, url: event["url"]?.stringValue, form: nil))
            }
            offset = page["hasMore"]?.boolValue == true ? page["offset"]?.flatText : nil
        } while offset != nil
        let (items, lookups) = try await activities(found)
        return PollResult(items: items, watermark: newest, rejected: rejected, calls: calls + lookups)
    }

    /// An event a marketing API names by address.
    struct Sighting {
        var email: String
        var kind: Activity.Kind
        var at: Date
        var url: String?
        var form: String?
    }

    /// Each sighting at its contact, under the id the contact's own properties give the same event; addresses no
    /// contact has are left out. Returns the calls the look-up made.
    func activities(_ found: [Sighting]) async throws(CRMError) -> (items: [Activity], calls: Int) {
        let (contacts, calls) = try await contactIDs(Set(found.map(\.email)))
        let items = found.compactMap { item -> Activity? in
            guard let contact = contacts[item.email] else { return nil }
            return Activity(id: HubSpotInterest.id(contact: contact, item.kind, at: item.at), subject: RecordRef(system: .hubspot, object: "contacts", id: contact),
                            kind: item.kind, occurredAt: item.at, url: item.url, form: item.form)
        }
        return (items, calls)
    }

    /// Normalised address → contact id, read back in batches of 100 by `idProperty=email`; addresses no contact has are
    /// left out (marketing mailed someone HubSpot has since deleted).
    func contactIDs(_ emails: Set<String>) async throws(CRMError) -> (ids: [String: String], calls: Int) {
        var ids: [String: String] = [:]
        var calls = 0
        for chunk in emails.sorted().chunked(Self.batchLimit) {
            let body: JSONValue = ["idProperty": "email", "properties": ["email"], "inputs": .array(chunk.map { ["id": .string($0)] })]
            let response = try await client.send("POST", "/crm/v3/objects/contacts/batch/read", json: body)
            calls += 1
            let json = (try? JSONValue.decode(response.body)) ?? .null
            for result in json["results"]?.arrayValue ?? [] {
                guard let id = result["id"]?.flatText, let email = result["properties"]?["email"]?.stringValue.flatMap(EmailAddress.normalise) else { continue }
                ids[email] = ids[email] ?? id
            }
        }
        return (ids, calls)
    }
}
