import Foundation
import LeadRelayCore

/// One incremental read: the records changed since the watermark and where to continue next time.
public struct PollResult<Item: Sendable>: Sendable {
    public var items: [Item]
    /// The newest (time, id) read; the old watermark when nothing new came.
    public var watermark: Watermark?
    public var rejected: [RejectedRecord]
    /// Requests this poll made (for the idle-cycle budget and benchmarks).
    public var calls: Int
    /// The poll stopped at its page limit with more to read: the watermark is where the next poll continues.
    public var more: Bool

    public init(items: [Item], watermark: Watermark?, rejected: [RejectedRecord] = [], calls: Int, more: Bool = false) {
        self.items = items
        self.watermark = watermark
        self.rejected = rejected
        self.calls = calls
        self.more = more
    }
}

/// Someone who can own records in a CRM.
public struct CRMOwner: Sendable, Hashable, Codable {
    public var id: String
    /// The user's address; empty for a queue.
    public var email: String
    public var active: Bool
    /// A lead queue (Salesforce `Group` with `Type = 'Queue'`) rather than a person.
    public var isQueue: Bool
    /// A queue's API name (`DeveloperName`, "Unassigned_Leads") and label (`Name`, "Unassigned Leads").
    public var apiName: String?
    public var label: String?
    /// The user's manager (Salesforce `User.ManagerId`), told when the user's SLA is breached.
    public var managerID: String?

    public init(id: String, email: String, active: Bool) {
        self.id = id
        self.email = email
        self.active = active
        self.isQueue = false
    }

    public static func queue(id: String, apiName: String?, label: String?) -> CRMOwner {
        var owner = CRMOwner(id: id, email: "", active: true)
        owner.isQueue = true
        owner.apiName = apiName
        owner.label = label
        return owner
    }
}

/// What happened to one write.
public struct WriteOutcome: Sendable, Hashable {
    public enum Result: Sendable, Hashable {
        /// Applied; the id of the record written (new for creates).
        case applied(id: String)
        /// Applied without the fields the CRM refused (field → its code and message); those are quarantined.
        case appliedWithout(id: String, refused: [String: String])
        /// Transient failure: leave the write pending and try again later.
        case retryLater(String)
        /// The CRM refused it for good, with its own code and message.
        case rejected(code: String, message: String)
    }

    public var write: RecordWrite
    public var result: Result

    public init(write: RecordWrite, result: Result) {
        self.write = write
        self.result = result
    }
}

extension WriteOutcome.Result {
    /// The CRM took the write (all of it, or all it did not refuse).
    public var isApplied: Bool {
        switch self {
        case .applied, .appliedWithout: true
        case .retryLater, .rejected: false
        }
    }

    /// This result after `refused` fields were taken out of the write: applied becomes applied-without them.
    public func withheld(_ refused: [String: String]) -> Self {
        switch self {
        case .applied(let id): .appliedWithout(id: id, refused: refused)
        case .appliedWithout(let id, let more): .appliedWithout(id: id, refused: refused.merging(more) { first, _ in first })
        case .retryLater, .rejected: self
        }
    }
}

/// Everything the engine needs from one CRM; the engine never knows which CRM it talks to.
public protocol CRMConnector: Sendable {
    var system: CRMSystem { get }

    /// Lead-type records (HubSpot contacts, Salesforce leads) modified at or after the watermark minus `lookback`.
    func pollLeads(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord>

    /// Lead-type records deleted since the watermark that `pollLeads` cannot see, as tombstones (`deleted`).
    /// HubSpot lists archived contacts apart from search; Salesforce's `queryAll` already returns deleted rows.
    /// The engine calls this on its own, slower cadence (`poll.deletedEvery`): it reads every archived record.
    func pollDeletedLeads(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord>

    /// The lead-type records with these ids, as they are now (a webhook named them); ids the CRM no longer has are
    /// left out (the deletion sweep reports those). No watermark moves.
    func fetchLeads(ids: [String], fields: [String]) async throws(CRMError) -> PollResult<SourceRecord>

    /// Company-type records (HubSpot companies, Salesforce accounts) changed since the watermark, with `fields`
    /// besides the name, website/domain and owner routing needs (`Account(record:)` reads those).
    func pollAccounts(since: Watermark?, lookback: TimeInterval, fields: [String]) async throws(CRMError) -> PollResult<SourceRecord>

    /// Records that hang off accounts (Salesforce Contacts with their company domains, Opportunities open or closed)
    /// changed since the watermark, deleted ones included, for account matching; systems that keep no such
    /// records apart return none.
    func pollAccountMembers(_ kind: AccountMember.Kind, since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<AccountMember>

    /// Activity from one of the CRM's other sources (`ActivitySource`: interest or sales touches) since the watermark; a
    /// source this CRM does not have reads nothing. An account without the API is refused as the CRM refuses it (the stream goes off).
    func pollSource(_ source: ActivitySource, since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity>

    /// Behavioural events since the watermark; systems without them return none.
    func pollActivities(since: Watermark?, lookback: TimeInterval) async throws(CRMError) -> PollResult<Activity>

    /// The fields of an object as the CRM's schema API describes them (for mapping audits and safe writes).
    func fieldSchema(object: String) async throws(CRMError) -> [CRMFieldSchema]

    /// The newest `limit` records of `object` with `fields` (for audits: which unmapped fields hold data).
    func sampleRecords(object: String, fields: [String], limit: Int) async throws(CRMError) -> [SourceRecord]

    /// Every user who can own records, active or not.
    func owners() async throws(CRMError) -> [CRMOwner]

    /// Applies writes in batches of the system's maximum size; one outcome per write, in input order.
    func apply(_ writes: [RecordWrite]) async throws(CRMError) -> [WriteOutcome]
}
