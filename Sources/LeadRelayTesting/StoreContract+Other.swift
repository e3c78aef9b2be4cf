import Foundation
import LeadRelayCore
import Testing

extension StoreContract {
    static let otherChecks: [Check] = [
        Check("an MQL gate is kept per person as the plan last set it, instants to the millisecond; people without one have none") { subject in
            let store = subject.store
            let ana = PersonKey.email("ana@acme.io"), ben = PersonKey.email("ben@acme.io")
            var plan = Plan(generatedAt: now)
            plan.gates = [ana: MQLGate(latched: true, recycled: true, interestSince: now.addingTimeInterval(-86_400.25), checkedAt: now)]
            try await store.commit(CycleCommit(plan: plan), at: now)
            var gates = try await store.people([ana, ben]).gates
            #expect(gates.keys.sorted() == [ana])
            #expect(gates[ana]?.latched == true && gates[ana]?.recycled == true && gates[ana]?.checkedAt == now)
            #expect(abs((gates[ana]?.interestSince?.timeIntervalSince1970 ?? 0) - now.addingTimeInterval(-86_400.25).timeIntervalSince1970) < 0.001)
            plan.gates = [ana: MQLGate(latched: false, recycled: true), ben: MQLGate(latched: true, checkedAt: now)]
            try await store.commit(CycleCommit(plan: plan), at: now)
            gates = try await store.people([ana, ben]).gates
            #expect(gates[ana] == MQLGate(latched: false, recycled: true), "replaced whole: no instant left over")
            #expect(gates[ben] == MQLGate(latched: true, checkedAt: now))
        },
        Check("provider answers are cached with their time, unknown domains too") { subject in
            let store = subject.store
            try await store.saveProviderAnswers([ProviderAnswer(domain: "acme.io", fields: ["industry": "Technology"], fetchedAt: now),
                                                 ProviderAnswer(domain: "nobody.example", fields: nil, fetchedAt: now)])
            let answers = try await store.providerAnswers(["acme.io", "nobody.example", "never-asked.example"])
            #expect(answers["acme.io"]?.fields == ["industry": "Technology"])
            #expect(answers["nobody.example"] != nil && answers["nobody.example"]?.fields == nil)
            #expect(answers["nobody.example"]?.fetchedAt == now)
            #expect(answers["never-asked.example"] == nil)
        },
        Check("a planned merge keeps both before-images, follows its outbox entry, and an undo links the restored record") { subject in
            let store = subject.store
            let survivor = record(.hubspot, "51", email: "ana@acme.io"), merged = record(.hubspot, "52", email: "ana@gmail.com")
            try await store.commit(CycleCommit(snapshots: [survivor, merged], plan: Plan(generatedAt: now)), at: now)
            var write = RecordWrite(operation: .merge, system: .hubspot, object: "contacts", id: "51", fields: [:])
            write.mergeFrom = "52"
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [
                PlanChange(personKey: PersonKey.email("ana@acme.io"), action: .write(write), reason: Reason(.fixture, "duplicate"))])), at: now)
            let planned = try #require(try await store.merges().first)
            #expect(planned.status == .planned && planned.survivorID == "51" && planned.mergedID == "52")
            #expect(planned.survivorBefore["email"] == .some("ana@acme.io") && planned.mergedBefore["email"] == .some("ana@gmail.com"))
            let entry = try #require(try await store.pendingOutbox(limit: 10).first)
            try await store.complete(entry.id, resultID: "51", learned: [], at: now)
            #expect(try await store.merge(planned.id)?.status == .done)
            #expect(try await store.mergeBlocked().isEmpty)
            try await store.markMergeUndone(planned.id, restoredID: "77", at: now)
            #expect(try await store.merge(planned.id)?.restoredID == "77")
            let restored = RecordRef(system: .hubspot, object: "contacts", id: "77")
            #expect(try await store.mergeBlocked() == [restored])
            #expect(try await store.links(for: [restored]) == [restored: .person(.email("ana@acme.io"))])
        },
        Check("a lease has one holder at a time; a new holder gets the next generation once the old lease lapses") { subject in
            let (store, clock) = (subject.store, subject.clock)
            let first = try #require(try await store.acquireLease("leader", holder: "a", for: .seconds(30)))
            #expect(first.generation >= 1)
            #expect(try await store.acquireLease("leader", holder: "b", for: .seconds(30)) == nil)
            clock.advance(by: .seconds(20))
            let renewed = try #require(try await store.acquireLease("leader", holder: "a", for: .seconds(30)))
            #expect(renewed.generation == first.generation && renewed.expiresAt > first.expiresAt)
            clock.advance(by: .seconds(29))
            #expect(try await store.acquireLease("leader", holder: "b", for: .seconds(30)) == nil, "renewed: still live")
            clock.advance(by: .seconds(1))
            let taken = try #require(try await store.acquireLease("leader", holder: "b", for: .seconds(30)))
            #expect(taken.generation == first.generation + 1)
            try await store.releaseLease("leader", holder: "a")
            #expect(try await store.acquireLease("leader", holder: "a", for: .seconds(30)) == nil, "only the holder can give it up")
            try await store.releaseLease("leader", holder: "b")
            #expect(try await store.acquireLease("leader", holder: "a", for: .seconds(30))?.generation == taken.generation + 1)
            #expect(try await store.acquireLease("other", holder: "b", for: .seconds(30)) != nil, "leases are per name")
        },
    ]
}
