import Foundation
import LeadRelayCore
import LeadRelayNotify
import Testing

@Suite("Alerts are values; each channel renders them")
struct NotificationTextTests {
    let lead = LeadSummary(personKey: PersonKey.email("morgan@northwind.io"), name: "Morgan Reyes", email: "morgan@northwind.io", company: "Northwind Health",
                           title: "VP Ops", score: 130, fit: 80, interest: 50.5, routedBy: "account-owner",
                           records: [RecordRef(system: .hubspot, object: "contacts", id: "51")])

    func note(_ kind: NotificationKind) -> LeadRelayCore.Notification {
        LeadRelayCore.Notification(recipient: Recipient(repID: "ana", email: "ana@example.com"), kind: kind, lead: lead)
    }

    @Test("the new-MQL line names the rep, the lead, its scores, the rule and the records")
    func newMQL() {
        #expect(NotificationText.plain(note(.newMQL)) ==
                "New MQL for ana: Morgan Reyes at Northwind Health, score 130 (fit 80, interest 50.5). Routed by account-owner. Records: hubspot/contacts/51.")
    }

    @Test("every kind has its own words", arguments: NotificationKind.allCases)
    func kinds(_ kind: NotificationKind) {
        let text = NotificationText.plain(note(kind))
        #expect(text.contains("Morgan Reyes at Northwind Health"))
        let others = NotificationKind.allCases.filter { $0 != kind }.map { NotificationText.plain(note($0)) }
        #expect(!others.contains(text))
    }

    @Test("a manager's escalation names the rep who held the lead, in every channel; the rep's own does not need to")
    func escalationOwner() throws {
        var told = note(.escalation)
        told.recipient = Recipient(repID: "ben", email: "ben@example.com")
        told.lead.owner = "ana"
        #expect(NotificationText.plain(told).hasPrefix("Escalation: Morgan Reyes at Northwind Health was not touched in time by ana, its owner;"))
        #expect(NotificationText.plain(note(.escalation)).contains("not touched in time by its owner;"))
        #expect(SMSText.body(told, links: RecordLinks()).hasPrefix("LeadRelay: SLA missed: Morgan Reyes at Northwind Health was not touched in time by ana."))
        let header = SlackMessage.payload(told, links: RecordLinks())["blocks"]?.arrayValue?.first?["text"]?["text"]?.stringValue
        #expect(header == "SLA missed by ana: Morgan Reyes", "\(String(describing: header))")
        let again = try JSONDecoder().decode(LeadRelayCore.Notification.self, from: try JSONEncoder().encode(told))
        #expect(again.lead.owner == "ana", "kept in the outbox")
    }

    @Test("a lead without a name is shown by its address, then its key")
    func fallbacks() {
        var bare = note(.newMQL)
        bare.lead.name = nil
        bare.lead.company = nil
        #expect(NotificationText.plain(bare).hasPrefix("New MQL for ana: morgan@northwind.io, score"))
        bare.lead.email = nil
        #expect(NotificationText.plain(bare).hasPrefix("New MQL for ana: email:morgan@northwind.io, score"))
    }

    @Test("an alert queued before alerts were values decodes and prints its text as it was")
    func legacy() throws {
        let old = Data(#"{"repID":"ana","repEmail":"ana@example.com","text":"New MQL for ana: Morgan"}"#.utf8)
        let decoded = try JSONDecoder().decode(LeadRelayCore.Notification.self, from: old)
        #expect(decoded.recipient == Recipient(repID: "ana", email: "ana@example.com") && decoded.kind == .newMQL)
        #expect(NotificationText.plain(decoded) == "New MQL for ana: Morgan")
        let again = try JSONDecoder().decode(LeadRelayCore.Notification.self, from: try JSONEncoder().encode(note(.escalation)))
        #expect(again == note(.escalation))
    }
}
