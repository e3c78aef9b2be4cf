import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
import Testing

@Suite("Duplicate finding against the generator's truth")
struct DedupeQualityTests {
    @Test("pairwise and B-cubed measures count what they should")
    func measures() {
        let perfect = ClusterQuality(predicted: ["a": "a", "b": "a", "c": "c"], truth: ["a": 1, "b": 1, "c": 2])
        #expect(perfect.precision == 1 && perfect.recall == 1 && perfect.f1 == 1 && perfect.bcubedF1 == 1)
        let split = ClusterQuality(predicted: ["a": "a", "b": "b", "c": "c"], truth: ["a": 1, "b": 1, "c": 2])
        #expect(split.recall == 0 && split.precision == 1)
        let lumped = ClusterQuality(predicted: ["a": "a", "b": "a", "c": "a"], truth: ["a": 1, "b": 1, "c": 2])
        #expect(abs(lumped.precision - 1.0 / 3) < 1e-9 && lumped.recall == 1 && lumped.largestCluster == 3)
    }

    @Test("seeded data with every kind of mess: pairwise F1 at least 0.95, no runaway cluster", arguments: [UInt64(1), 2])
    func quality(seed: UInt64) async throws {
        // Seconds of CPU with no suspension point: held in a slot so it cannot starve the simulators other tests talk to.
        let quality = try await withTestSlot {
            let plan = SeedGenerator(options: .init(seed: seed, people: 2000)).plan()
            let (candidates, truth) = plan.dedupeCandidates()
            return ClusterQuality(predicted: DuplicateFinder().clusters(candidates), truth: truth)
        }
        #expect(quality.f1 >= 0.95, "precision \(quality.precision), recall \(quality.recall)")
        #expect(quality.largestCluster <= 8)
    }

    @Test("streaming the plan gives the same candidates and truth as the whole plan, and keeps no records")
    func streaming() {
        var options = SeedGenerator.Options(seed: 4, people: 600)
        options.events = false
        let whole = SeedGenerator(options: options).plan()
        let (candidates, truth) = whole.dedupeCandidates()
        let streamed = SeedPlan.dedupeCandidates(streaming: SeedGenerator(options: options))
        #expect(streamed.candidates == candidates)
        #expect(streamed.person == truth)
        var seen = 0
        let plan = SeedGenerator(options: options).streamPlan { _ in seen += 1 }
        #expect(plan.records.isEmpty)
        #expect(seen == whole.records.count)
        #expect(plan.people.map(\.records) == whole.people.map(\.records))
    }
}
