import Foundation
import LeadRelayCore
import LeadRelayCRM

/// Matches the reps of `routing.yaml` to the owner ids each CRM knows them by (by email).
public struct RepDirectory: Sendable {
    public var reps: [Rep]
    /// Reps missing from a system, e.g. `["ben": [.salesforce]]`, so the report can say why a write was skipped.
    public var missing: [String: [CRMSystem]]

    public init(routing: RoutingConfig, owners: [CRMSystem: [CRMOwner]]) {
        var reps: [Rep] = []
        var missing: [String: [CRMSystem]] = [:]
        for entry in routing.reps {
            let email = EmailAddress.normalise(entry.email) ?? entry.email.lowercased()
            var deactivated = false
            func id(in system: CRMSystem) -> String? {
                let match = owners[system]?.first { $0.email == email && $0.active }
                if match == nil {
                    missing[entry.id, default: []].append(system)
                    // Known there but switched off (an archived owner, IsActive = false): never chosen.
                    if owners[system]?.contains(where: { $0.email == email }) == true { deactivated = true }
                }
                return match?.id
            }
            var rep = routing.rep(entry, email: email)
            rep.hubspotOwnerID = id(in: .hubspot)
            rep.salesforceUserID = id(in: .salesforce)
            rep.active = !deactivated && (rep.hubspotOwnerID != nil || rep.salesforceUserID != nil)
            reps.append(rep)
        }
        // Each rep's manager as Salesforce has it (`User.ManagerId`): the rep they are, else their address.
        let users = Dictionary((owners[.salesforce] ?? []).filter { !$0.isQueue }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for index in reps.indices {
            guard let user = reps[index].salesforceUserID, let managerID = users[user]?.managerID, let manager = users[managerID] else { continue }
            reps[index].manager = reps.first { $0.email == manager.email }?.id ?? manager.email
        }
        self.reps = reps
        self.missing = missing
        var resolved = routing
        if case .queue(let queue)? = routing.stranded {
            switch Self.resolve(queue, among: owners[.salesforce]) {
            case .success(let found): resolved.stranded = .queue(found)
            case .failure(let problem):
                resolved.stranded = nil
                queueProblem = problem.message
            }
        }
        self.routing = resolved
    }

    /// The routing configuration as the CRMs know it: the stranded queue named by its Salesforce id. Without the queue
    /// (not found), it has no stranded target, so a lead nobody can take stays unassigned and is reported.
    public var routing: RoutingConfig
    /// Why the configured stranded queue cannot be used this cycle; `nil` when it can or none is configured.
    public var queueProblem: String?

    struct QueueProblem: Error { var message: String }

    /// The queue of the org that `queue.salesforce` names: by id (15 or 18 characters), API name or label, the last two
    /// ignoring case. Its label names it where the configuration gives no name.
    static func resolve(_ queue: StrandedTarget.Queue, among owners: [CRMOwner]?) -> Result<StrandedTarget.Queue, QueueProblem> {
        let wanted = queue.salesforce
        guard let owners else {
            // No owner list from Salesforce: an id is used as given, a name cannot be looked up.
            return StrandedTarget.Queue.isQueueID(wanted) ? .success(queue)
                : .failure(QueueProblem(message: "the stranded queue '\(wanted)' cannot be looked up: Salesforce's queues were not read"))
        }
        let queues = owners.filter(\.isQueue)
        let match = queues.first { $0.id.prefix(15) == wanted.prefix(15) && StrandedTarget.Queue.isQueueID(wanted) }
            ?? queues.first { $0.apiName?.caseInsensitiveCompare(wanted) == .orderedSame }
            ?? queues.first { $0.label?.caseInsensitiveCompare(wanted) == .orderedSame }
        guard let match else {
            let known = queues.map { "\($0.apiName ?? $0.label ?? $0.id) (\($0.id))" }.joined(separator: ", ")
            return .failure(QueueProblem(message: "routing's stranded.queue.salesforce names '\(wanted)', and Salesforce has no such lead queue; "
                + (known.isEmpty ? "it has none (or the API user cannot read Group)" : "its queues: \(known)")))
        }
        var found = queue
        found.salesforce = match.id
        if found.name == nil { found.name = match.label ?? match.apiName }
        return .success(found)
    }
}

/// Owner lists change rarely; they are fetched at most once per `ttl` to spare the API budget.
actor OwnerCache {
    private var cached: (at: Date, owners: [CRMSystem: [CRMOwner]])?
    let ttl: TimeInterval

    init(ttl: TimeInterval) { self.ttl = ttl }

    func owners(now: Date, fetch: @Sendable () async throws -> [CRMSystem: [CRMOwner]]) async throws -> [CRMSystem: [CRMOwner]] {
        if let cached, now.timeIntervalSince(cached.at) < ttl { return cached.owners }
        let fresh = try await fetch()
        cached = (now, fresh)
        return fresh
    }
}
