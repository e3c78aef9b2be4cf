import Foundation
import LeadRelayCore
import LeadRelayStore
import LeadRelayTesting
import Testing

/// Every back end, held to the same contract.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case memory

    var testDescription: String { rawValue }

    func subject() throws -> StoreContract.Subject {
        let clock = ManualClock(epoch: StoreContract.now)
        switch self {
        case .sqlite:
            let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-contract-\(UUID().uuidString)/state.sqlite")
            return StoreContract.Subject(store: try SQLiteStateStore(path: path, clock: { clock.date }), clock: clock)
        case .memory:
            return StoreContract.Subject(store: InMemoryStore(clock: clock, startDate: StoreContract.now), clock: clock)
        }
    }
}

@Suite("Store contract: every back end")
struct StoreContractTests {
    @Test(arguments: StoreBackend.allCases, StoreContract.checks)
    func contract(_ backend: StoreBackend, _ check: StoreContract.Check) async throws {
        try await check.run(try backend.subject())
    }
}
