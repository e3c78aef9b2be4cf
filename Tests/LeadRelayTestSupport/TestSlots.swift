import CRMSimulator
import Foundation

/// A counting semaphore for tests that serve HTTP from an in-process simulator or spawn the CLI.
///
/// Such a test is only as fast as the simulator answering it, and the simulator shares this process's threads with
/// every other test. Run all of them at once on two cores and a request can wait past a client's timeout, which a
/// test then sees as a retry it did not expect. Holding a slot bounds how many run together; it changes no assertion.
public actor TestSlots {
    /// One per core, at least two: enough to overlap waiting on the network, few enough that a server keeps answering.
    public static let shared = TestSlots(slots: max(2, ProcessInfo.processInfo.activeProcessorCount))

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(slots: Int) { free = slots }

    public func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    public func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

/// Runs `body` holding one of the shared slots (never nest: a test takes one slot, at its outermost level).
public func withTestSlot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    await TestSlots.shared.acquire()
    do {
        let value = try await body()
        await TestSlots.shared.release()
        return value
    } catch {
        await TestSlots.shared.release()
        throw error
    }
}

extension CRMSimulator {
    /// `withRunning` holding a test slot for as long as the simulator serves.
    public func withRunningInSlot<T: Sendable>(_ body: @escaping @Sendable (Endpoints) async throws -> T) async throws -> T {
        try await withTestSlot { try await withRunning(body) }
    }
}

/// A simulator seeded with the generator's data, serving for the duration of `body`, in a test slot.
public func withSeededSimulator<T: Sendable>(seed: UInt64, people: Int,
                                             _ body: @escaping @Sendable (CRMSimulator, CRMSimulator.Endpoints) async throws -> T) async throws -> T {
    let simulator = CRMSimulator()
    _ = try await SeedGenerator(options: .init(seed: seed, people: people)).populate(simulator.state)
    return try await simulator.withRunningInSlot { endpoints in try await body(simulator, endpoints) }
}
