import Foundation
import LeadRelayCore
import Testing

extension StoreContract {
    static let outboxChecks: [Check] = [
        Check("the same content planned while it is pending is queued once") { subject in
            let store = subject.store
            let hs = record(.hubspot, "51", email: "ana@acme.io")
            let cycle = CycleCommit(plan: handoff(person: PersonKey.email("ana@acme.io"), refs: [hs.ref], rep: "ana"))
            try await store.commit(cycle, at: now)
            try await store.commit(cycle, at: now)
            #expect(try await store.pendingOutbox(limit: 10).count == 2)
            #expect(try await store.depth() == OutboxDepth(pending: 2, oldestPendingAt: now, pendingAlerts: 1), "an owner write and an alert")
        },
        Check("content done before is queued again with a new identity (a field going X → Y → X is written X twice)") { subject in
            let store = subject.store
            func plan(_ title: String) -> CycleCommit {
                CycleCommit(plan: Plan(generatedAt: now, changes: [
                    PlanChange(personKey: .email("p@x.io"), action: .score(ScoreBreakdown(fit: [], interest: [])), reason: Reason(.fixture, "s")),
                    PlanChange(personKey: .email("p@x.io"), action: .write(write("51", ["jobtitle": title])), reason: Reason(.fixture, "title")),
                ]))
            }
            var effects: [EffectID] = []
            for title in ["X", "Y", "X"] {
                try await store.commit(plan(title), at: now)
                let claimed = try await store.claim(limit: 10, lease: .seconds(60))
                #expect(claimed.count == 1)
                for entry in claimed {
                    effects.append(entry.effect)
                    try await store.complete(entry.id, resultID: nil, learned: [], at: now)
                }
            }
            #expect(effects.count == 3 && Set(effects).count == 3, "\(effects)")
            #expect(effects == effects.sorted() && effects.allSatisfy { $0.position == 1 }, "later cycles, the write's place in its plan")
            let titles = try await store.outbox().compactMap { entry -> String? in
                if case .write(let write) = entry.payload { write.fields["jobtitle"] } else { nil }
            }
            #expect(titles == ["X", "Y", "X"])
        },
        Check("entries are done when confirmed, retried when transient, parked when refused or tried too often") { subject in
            let store = subject.store
            let hs = record(.hubspot, "51", email: "ana@acme.io")
            try await store.commit(CycleCommit(plan: handoff(person: PersonKey.email("ana@acme.io"), refs: [hs.ref], rep: "ana")), at: now)
            let entries = try await store.pendingOutbox(limit: 10)
            try await store.complete(entries[0].id, resultID: "51", learned: [], at: now)
            try await store.fail(entries[1].id, error: "HTTP 503", permanent: false, at: now)
            var pending = try await store.pendingOutbox(limit: 10)
            #expect(pending.map(\.id) == [entries[1].id])
            #expect(pending[0].attempts == 1 && pending[0].lastError == "HTTP 503")
            for _ in 1..<OutboxRules.maxAttempts { try await store.fail(entries[1].id, error: "HTTP 503", permanent: false, at: now) }
            pending = try await store.pendingOutbox(limit: 10)
            #expect(pending.isEmpty)
            let all = try await store.outbox()
            #expect(all.map(\.status) == [.done, .failed])
            #expect(all[0].finishedAt == now)
            // A refusal parks at once.
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [
                PlanChange(personKey: .email("p@x.io"), action: .write(write("52", ["industry": "Agriculture"])), reason: Reason(.fixture, "i"))])), at: now)
            let refused = try #require(try await store.pendingOutbox(limit: 10).first)
            try await store.fail(refused.id, error: "INVALID_OPTION: no", permanent: true, at: now)
            #expect(try await store.outbox().last?.status == .failed)
            #expect(try await store.depth().pending == 0)
        },
        Check("a claim holds entries from other claims until it is completed, failed, released or its lease lapses") { subject in
            let (store, clock) = (subject.store, subject.clock)
            let hs = record(.hubspot, "51", email: "ana@acme.io")
            try await store.commit(CycleCommit(plan: handoff(person: PersonKey.email("ana@acme.io"), refs: [hs.ref], rep: "ana")), at: now)
            let first = try await store.claim(limit: 1, lease: .seconds(60))
            #expect(first.count == 1)
            let second = try await store.claim(limit: 10, lease: .seconds(60))
            #expect(second.map(\.id) == [first[0].id + 1], "only what the first claim does not hold")
            #expect(try await store.claim(limit: 10, lease: .seconds(60)).isEmpty)
            #expect(try await store.pendingOutbox(limit: 10).count == 2, "claimed entries are still pending")
            try await store.release(second.map(\.id))
            #expect(try await store.claim(limit: 10, lease: .seconds(60)).map(\.id) == second.map(\.id))
            try await store.fail(second[0].id, error: "HTTP 503", permanent: false, at: now)
            #expect(try await store.claim(limit: 10, lease: .seconds(60)).map(\.id) == second.map(\.id), "a failed attempt lets go")
            // The first dispatcher died: after its lease, the entry is claimable again.
            clock.advance(by: .seconds(59))
            #expect(try await store.claim(limit: 10, lease: .seconds(60)).isEmpty)
            clock.advance(by: .seconds(1))
            #expect(try await store.claim(limit: 1, lease: .seconds(60)).map(\.id) == [first[0].id])
            try await store.complete(first[0].id, resultID: nil, learned: [], at: now)
            clock.advance(by: .seconds(3600))
            #expect(try await store.claim(limit: 10, lease: .seconds(60)).map(\.id) == [second[0].id], "done entries are never claimed")
        },
        Check("a channel's later report moves every alert its message carried on, never back") { subject in
            let store = subject.store
            for person in ["a@x.io", "b@x.io"] {
                let hs = record(.hubspot, person == "a@x.io" ? "51" : "52", email: person)
                try await store.commit(CycleCommit(plan: handoff(person: PersonKey.email(person), refs: [hs.ref], rep: "ana")), at: now)
            }
            let alerts = try await store.pendingOutbox(limit: 10).filter { if case .notify = $0.payload { true } else { false } }
            #expect(alerts.count == 2)
            for alert in alerts {
                try await store.complete(alert.id, resultID: "SM01", learned: [], receipt: DeliveryReceipt(state: .accepted, channel: "sms:ana", externalID: "SM01"), at: now)
            }
            #expect(try await store.recordDelivery(externalID: "SM01", state: .delivered, at: now) == 2, "one text carried both (a digest)")
            #expect(try await store.recordDelivery(externalID: "SM01", state: .accepted, at: now) == 0, "a late 'sent' does not move it back")
            #expect(try await store.recordDelivery(externalID: "SM99", state: .delivered, at: now) == 0)
            let stored = try await store.outbox().filter { if case .notify = $0.payload { true } else { false } }
            #expect(stored.allSatisfy { $0.delivery == DeliveryReceipt(state: .delivered, channel: "sms:ana", externalID: "SM01") })
            let events = try await store.events(for: .email("a@x.io")).map(\.event.kind)
            #expect(events.contains(.delivered(repID: "ana", channel: "sms:ana", state: .delivered)))
        },
        Check("a postponed entry is not claimed before its time and counts no attempt") { subject in
            let (store, clock) = (subject.store, subject.clock)
            let hs = record(.hubspot, "51", email: "ana@acme.io")
            try await store.commit(CycleCommit(plan: handoff(person: PersonKey.email("ana@acme.io"), refs: [hs.ref], rep: "ana")), at: now)
            let claimed = try await store.claim(limit: 10, lease: .seconds(60))
            #expect(claimed.count == 2)
            try await store.postpone([claimed[1].id], until: now.addingTimeInterval(5), at: now)
            try await store.release([claimed[0].id])
            #expect(try await store.claim(limit: 10, lease: .seconds(60)).map(\.id) == [claimed[0].id], "the postponed one waits")
            clock.advance(by: .seconds(4))
            #expect(try await store.claim(limit: 10, lease: .seconds(60)).isEmpty)
            clock.advance(by: .seconds(1))
            let again = try await store.claim(limit: 10, lease: .seconds(60))
            #expect(again.map(\.id) == [claimed[1].id])
            #expect(again.first?.attempts == 0, "a postponement is not an attempt")
            #expect(try await store.depth().pending == 2)
        },
        Check("fields a CRM refused while taking the rest of a write are kept on the done entry, for the report") { subject in
            let store = subject.store
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [
                PlanChange(personKey: .email("p@x.io"), action: .write(write("52", ["industry": "Agriculture", "jobtitle": "CTO"])),
                           reason: Reason(.fixture, "fields"))])), at: now)
            let entry = try #require(try await store.pendingOutbox(limit: 10).first)
            #expect(entry.refusedFields.isEmpty)
            let refused = ["industry": "INVALID_OPTION: Agriculture was not one of the allowed options"]
            try await store.complete(entry.id, resultID: "52", learned: [], receipt: nil, refused: refused, at: now)
            let done = try #require(try await store.outbox().first { $0.id == entry.id })
            #expect(done.status == .done && done.refusedFields == refused)
            #expect(try await store.pendingOutbox(limit: 10).isEmpty, "a partly refused write is not sent again")
        },
        Check("links learned while applying land with the completion, never over an existing link") { subject in
            let store = subject.store
            let ref = RecordRef(system: .salesforce, object: "Lead", id: "00Qnew")
            var plan = Plan(generatedAt: now)
            for person in [PersonKey.email("a@b.io"), PersonKey.email("other@b.io")] {
                plan.changes.append(PlanChange(personKey: person, action: .write(RecordWrite(operation: .create, system: .salesforce, object: "Lead",
                                                                                              id: nil, fields: ["Email": person.email ?? ""])), reason: Reason(.fixture, "create")))
            }
            try await store.commit(CycleCommit(plan: plan), at: now)
            for entry in try await store.pendingOutbox(limit: 10) {
                try await store.complete(entry.id, resultID: ref.id, learned: [LearnedLink(ref: ref, subject: entry.subject, reason: "created")],
                                         at: now)
            }
            #expect(try await store.links(for: [ref]) == [ref: .person(.email("a@b.io"))])
        },
        Check("fresh hand-offs are claimed before backlog hand-offs, and those before data, each lane in the order planned") { subject in
            let store = subject.store
            func change(_ person: String, _ action: PlanChange.Action, _ code: Reason.Code) -> PlanChange {
                PlanChange(personKey: .email(person), action: action, reason: Reason(code, code.rawValue))
            }
            func owner(_ id: String) -> PlanChange.Action { .write(write(id, ["hubspot_owner_id": "701"])) }
            func tell(_ person: String) -> PlanChange.Action {
                .notify(LeadRelayCore.Notification(recipient: Recipient(repID: "ana", email: "ana@x.io"), kind: .newMQL,
                                                   lead: LeadSummary(personKey: .email(person), score: 110, records: [])))
            }
            let create = PlanChange.Action.write(RecordWrite(operation: .create, system: .salesforce, object: "Lead", id: nil,
                                                             fields: ["Email": "c@x.io", "OwnerId": "005A"], matchField: "Email", matchValue: "c@x.io"))
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [
                change("a@x.io", .write(write("1", ["jobtitle": "VP"])), .writeFields),
                change("a@x.io", .write(RecordWrite(operation: .merge, system: .hubspot, object: "contacts", id: "1", fields: [:])), .writeMerge),
            ])), at: now)
            var backlog = CycleCommit(plan: Plan(generatedAt: now, changes: [
                change("b@x.io", owner("2"), .writeOwner), change("b@x.io", tell("b@x.io"), .notifyNewMQL),
                change("c@x.io", owner("3"), .writeOwner),
            ]))
            backlog.released = [.email("b@x.io"), .email("c@x.io")]
            try await store.commit(backlog, at: now)
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [
                change("d@x.io", .write(write("4", ["jobtitle": "CTO"])), .writeFields),
                change("d@x.io", owner("4"), .writeOwner), change("d@x.io", create, .writeCreate), change("d@x.io", tell("d@x.io"), .notifyNewMQL),
                // c's hand-off, waiting in the backlog lane, planned again as it happens: it moves up.
                change("c@x.io", owner("3"), .writeOwner),
            ])), at: now)
            let claimed = try await store.claim(limit: 4, lease: .seconds(60))
            #expect(claimed.map(\.lane) == [.handoff, .handoff, .handoff, .handoff], "\(claimed.map(\.lane))")
            #expect(Set(claimed.map(\.subject)) == [.person(.email("c@x.io")), .person(.email("d@x.io"))])
            #expect(claimed.map(\.id) == claimed.map(\.id).sorted(), "in the order planned")
            let rest = try await store.claim(limit: 10, lease: .seconds(60))
            #expect(rest.map(\.lane) == [.backlog, .backlog, .data, .data, .data], "\(rest.map(\.lane))")
            #expect(rest.prefix(2).allSatisfy { $0.subject == .person(.email("b@x.io")) })
            #expect(rest.map(\.id).suffix(3) == rest.map(\.id).suffix(3).sorted())
        },
        Check("a notification's delivery receipt is kept and logged; a later one replaces it and keeps the channel's id") { subject in
            let store = subject.store
            let hs = record(.hubspot, "51", email: "ana@acme.io")
            try await store.commit(CycleCommit(plan: handoff(person: PersonKey.email("ana@acme.io"), refs: [hs.ref], rep: "ana")), at: now)
            let note = try #require(try await store.pendingOutbox(limit: 10).first { if case .notify = $0.payload { true } else { false } })
            try await store.complete(note.id, resultID: "SM123", learned: [],
                                     receipt: DeliveryReceipt(state: .accepted, channel: "sms", externalID: "SM123"), at: now)
            #expect(try await store.outbox().first { $0.id == note.id }?.status == .done)
            try await store.recordDelivery(note.id, receipt: DeliveryReceipt(state: .delivered, channel: "sms"), at: now)
            #expect(try await store.outbox().first { $0.id == note.id }?.delivery == DeliveryReceipt(state: .delivered, channel: "sms", externalID: "SM123"))
            let logged = try await store.events(for: PersonKey.email("ana@acme.io")).map(\.event.kind).filter {
                if case .delivered = $0 { true } else { false }
            }
            #expect(logged == [.delivered(repID: "ana", channel: "sms", state: .accepted), .delivered(repID: "ana", channel: "sms", state: .delivered)])
        },
    ]
}
