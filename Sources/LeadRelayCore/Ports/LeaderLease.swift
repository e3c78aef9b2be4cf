import Foundation

/// A held lease: who holds it, until when, and its fencing generation.
public struct LeaseGrant: Sendable, Hashable {
    public var name: String
    public var holder: String
    /// Grows each time the lease changes hands: writes fenced by an older generation are refused.
    public var generation: Int64
    public var expiresAt: Date

    public init(name: String, holder: String, generation: Int64, expiresAt: Date) {
        self.name = name
        self.holder = holder
        self.generation = generation
        self.expiresAt = expiresAt
    }
}

/// Leadership among daemons sharing a store: one holder per lease name at a time, timed by the store's clock.
public protocol LeaderLease: Sendable {
    /// Takes the lease, or renews it for its holder, for `duration`; `nil` while another holder's lease is live.
    /// A new holder gets the next generation; a renewal keeps it.
    func acquireLease(_ name: String, holder: String, for duration: Duration) async throws -> LeaseGrant?
    /// Gives the lease up (only its holder can).
    func releaseLease(_ name: String, holder: String) async throws
}
