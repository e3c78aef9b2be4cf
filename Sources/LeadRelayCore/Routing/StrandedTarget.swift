import Foundation

/// Who holds an MQL nobody else can take (every rep away, capped or at capacity, no rule placing it), so no MQL is
/// ever left unowned: one rep (`{ rep: ID }`, whatever their own load) or a queue (`{ queue: … }`), the way a
/// Salesforce org parks leads nobody works yet.
public enum StrandedTarget: Sendable, Hashable, Decodable {
    case rep(String)
    case queue(Queue)

    /// A lead queue: in Salesforce the queue owns the lead (`OwnerId` is the queue's `00G…` id); in HubSpot the owner
    /// becomes the configured owner, is cleared, or is left as it is; whoever `alert` names hears of each lead.
    public struct Queue: Sendable, Hashable, Decodable {
        /// How reports and alerts name the queue ("Unassigned Leads").
        public var name: String?
        /// The Salesforce queue (`Group` with `Type = 'Queue'`) that owns the lead: its id (`00G…`, 15 or 18
        /// characters), its API name (`Unassigned_Leads`, the same in a sandbox and production) or its label. Each cycle
        /// finds it among the org's queues and writes its id.
        public var salesforce: String
        /// The HubSpot owner id to give the contact, or `clear` to empty `hubspot_owner_id`; absent: left as it is.
        public var hubspot: String?
        /// The address told of every lead the queue takes (a sales manager, a RevOps inbox).
        public var alert: String?

        public init(name: String? = nil, salesforce: String, hubspot: String? = nil, alert: String? = nil) {
            self.name = name
            self.salesforce = salesforce
            self.hubspot = hubspot
            self.alert = alert
        }

        /// The word that empties the HubSpot owner.
        public static let clear = "clear"

        /// What to write to HubSpot's owner field: an id, `""` to clear it, `nil` to leave it.
        public var hubspotOwnerValue: String? {
            guard let hubspot else { return nil }
            return hubspot.lowercased() == Self.clear ? "" : hubspot
        }

        /// Whether `id` has the shape of a Salesforce queue id.
        public static func isQueueID(_ id: String) -> Bool {
            id.hasPrefix("00G") && (id.count == 15 || id.count == 18) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }

        /// "Unassigned Leads (00G…)", else the id.
        public var label: String { name.map { "\($0) (\(salesforce))" } ?? salesforce }
    }

    /// The holder id LeadRelay stores for a lead the queue holds: a rep id cannot begin with `@`.
    public static let queueHolder = "@queue"

    /// Whether `id` is the queue's holder id rather than a rep's.
    public static func isQueue(_ id: String?) -> Bool { id == queueHolder }

    private enum Keys: String, CodingKey { case rep, queue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let rep = try container.decodeIfPresent(String.self, forKey: .rep)
        let queue = try container.decodeIfPresent(Queue.self, forKey: .queue)
        switch (rep, queue) {
        case (let rep?, nil): self = .rep(rep)
        case (nil, let queue?): self = .queue(queue)
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "stranded names exactly one of { rep: ID } or { queue: { salesforce: 00G…, … } }"))
        }
    }

    /// Checks of the queue's ids and address (the rep is checked with the other assignments).
    func validate(at path: [String]) -> [ConfigIssue] {
        guard case .queue(let queue) = self else { return [] }
        var issues: [ConfigIssue] = []
        let id = queue.salesforce
        // A name is found among the org's queues each cycle; an id must at least be one.
        let looksLikeID = id.first?.isNumber ?? true
        if looksLikeID, !Queue.isQueueID(id) {
            issues.append(ConfigIssue(path: path + ["queue", "salesforce"],
                                      "'\(id)' is not a Salesforce queue id (00G…, 15 or 18 letters and digits) nor a queue's API name; see Setup → Queues, or SELECT Id, DeveloperName FROM Group WHERE Type = 'Queue'"))
        }
        if let hubspot = queue.hubspot, hubspot.lowercased() != Queue.clear, hubspot.isEmpty || !hubspot.allSatisfy(\.isNumber) {
            issues.append(ConfigIssue(path: path + ["queue", "hubspot"], "'\(hubspot)' is not a HubSpot owner id (digits) or 'clear'"))
        }
        if let alert = queue.alert, EmailAddress.normalise(alert) == nil {
            issues.append(ConfigIssue(path: path + ["queue", "alert"], "'\(alert)' is not an email address"))
        }
        return issues
    }
}
