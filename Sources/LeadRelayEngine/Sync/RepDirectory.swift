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
        self.reps = reps
        self.missing = missing
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
