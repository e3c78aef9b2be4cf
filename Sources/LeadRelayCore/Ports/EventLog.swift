import Foundation

/// The append-only event log. Events are appended by the commit (`Plan.events`, stamped with the cycle and the
/// configuration version) and by the outbox queue (deliveries); nothing else writes it and nothing rewrites it.
public protocol EventLog: Sendable {
    /// Events after `sequence` (0: from the start), in log order, at most `limit`.
    func events(after sequence: Int64, limit: Int) async throws -> [StoredEvent]
    /// Every event about one person, in log order.
    func events(for personKey: PersonKey) async throws -> [StoredEvent]
}
