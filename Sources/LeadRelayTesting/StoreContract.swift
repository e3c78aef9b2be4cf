import Foundation
import LeadRelayCore
import Testing

/// What every store back end must do, as checks any test target runs against its back end:
///
/// ```swift
/// @Test(arguments: StoreContract.checks)
/// func contract(_ check: StoreContract.Check) async throws {
///     let clock = ManualClock()
///     try await check.run(StoreContract.Subject(store: try MyStore(clock: clock), clock: clock))
/// }
/// ```
/// A new back end (PostgreSQL) is done when every check passes.
public enum StoreContract {
    /// A store under test and the clock its claims and leases expire by.
    public struct Subject: Sendable {
        public var store: any StateStore
        public var clock: ManualClock

        public init(store: any StateStore, clock: ManualClock) {
            self.store = store
            self.clock = clock
        }
    }

    /// One rule of the contract.
    public struct Check: Sendable, CustomTestStringConvertible, CustomStringConvertible {
        public var name: String
        public var run: @Sendable (Subject) async throws -> Void

        public init(_ name: String, _ run: @escaping @Sendable (Subject) async throws -> Void) {
            self.name = name
            self.run = run
        }

        public var testDescription: String { name }
        public var description: String { name }
    }

    public static let now = Date(timeIntervalSince1970: 1_760_000_000)

    static func record(_ system: CRMSystem, _ id: String, email: String, at offset: TimeInterval = 0) -> SourceRecord {
        SourceRecord(ref: RecordRef(system: system, object: system == .hubspot ? "contacts" : "Lead", id: id),
                     modifiedAt: now.addingTimeInterval(offset), fields: [system == .hubspot ? "email" : "Email": email, "phone": nil])
    }

    static func write(_ id: String, _ fields: [String: String]) -> RecordWrite {
        RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: id, fields: fields)
    }

    /// Links, a score, an assignment (and its event), an owner write and an alert for one person.
    static func handoff(person: PersonKey, refs: [RecordRef], rep: String) -> Plan {
        var plan = Plan(generatedAt: now)
        for ref in refs { plan.changes.append(PlanChange(personKey: person, action: .link(ref), reason: Reason(.fixture, "same email"))) }
        plan.changes.append(PlanChange(personKey: person, action: .score(ScoreBreakdown(fit: [.init(rule: "f", points: 60, detail: "")],
                                                                                      interest: [.init(rule: "i", points: 50, detail: "")])),
                                       reason: Reason(.fixture, "score")))
        plan.changes.append(PlanChange(personKey: person, action: .assign(RouteDecision(repID: rep, rule: "fallback", reason: "r", candidates: [])),
                                       reason: Reason(.fixture, "r")))
        plan.changes.append(PlanChange(personKey: person, action: .write(write(refs[0].id, ["hubspot_owner_id": "701"])), reason: Reason(.writeOwner, "owner")))
        plan.changes.append(PlanChange(personKey: person, action: .notify(LeadRelayCore.Notification(
            recipient: Recipient(repID: rep, email: "\(rep)@x.io"), kind: .newMQL, lead: LeadSummary(personKey: person, score: 110, records: refs))),
                                       reason: Reason(.fixture, "tell")))
        plan.events = [LeadEvent(personKey: person, kind: .assigned(repID: rep, rule: "fallback"), cause: Reason(.fixture, "r"), occurredAt: now)]
        return plan
    }

    public static let checks: [Check] = cycleChecks + outboxChecks + eventChecks + otherChecks
}

extension Reason.Code {
    /// Reasons of hand-made test plans.
    public static let fixture = Self("test.fixture")
}
