import Foundation
import LeadRelayCore
import Testing

extension StoreContract {
    static let contacts = StreamID(.hubspot, "contacts")
    static let leads = StreamID(.salesforce, "Lead")

    static let cycleChecks: [Check] = [
        Check("account members replace their stored versions; profiles sum the live ones, deleted and account-less ones drop out") { subject in
            let store = subject.store
            let acme = RecordRef(system: .salesforce, object: "Account", id: "001A"), other = RecordRef(system: .salesforce, object: "Account", id: "001B")
            @Sendable func contact(_ id: String, _ account: RecordRef?, _ domain: String?, deleted: Bool = false) -> AccountMember {
                AccountMember(ref: RecordRef(system: .salesforce, object: "Contact", id: id), kind: .contact, account: account, domain: domain, deleted: deleted)
            }
            let deal = AccountMember(ref: RecordRef(system: .salesforce, object: "Opportunity", id: "006A"), kind: .opportunity, account: acme, open: true)
            var first = CycleCommit(plan: Plan(generatedAt: now))
            first.accountMembers = [contact("003A", acme, "acme.io"), contact("003B", acme, "acme.io"), contact("003C", acme, nil), deal]
            try await store.commit(first, at: now)
            #expect(try await store.accountProfiles() == [acme: AccountProfile(contacts: 3, contactDomains: ["acme.io": 2], openOpportunities: 1)])
            var closed = deal
            closed.open = false
            var second = CycleCommit(plan: Plan(generatedAt: now))
            second.accountMembers = [contact("003A", other, "acme.co.uk"), contact("003B", nil, nil, deleted: true), contact("003C", nil, nil), closed]
            try await store.commit(second, at: now)
            #expect(try await store.accountProfiles() == [other: AccountProfile(contacts: 1, contactDomains: ["acme.co.uk": 1])])
            let refs = [contact("003A", nil, nil).ref, contact("003B", nil, nil).ref, closed.ref]
            let stored = try await store.read { try $0.accountMembers(refs) }
            #expect(stored == [contact("003A", other, "acme.co.uk"), closed])
        },
        Check("a cycle commits snapshots, watermarks, links, scores, assignments and outbox together") { subject in
            let store = subject.store
            let hs = record(.hubspot, "51", email: "ana@acme.io"), sf = record(.salesforce, "00Q1", email: "ana@acme.io")
            let person = PersonKey.email("ana@acme.io")
            try await store.commit(CycleCommit(
                snapshots: [hs, sf],
                accounts: [Account(ref: RecordRef(system: .salesforce, object: "Account", id: "001"), name: "Acme", domain: "acme.io", ownerID: "005")],
                activities: [Activity(id: "e1", subject: hs.ref, kind: .pageView, occurredAt: now, url: "https://x/pricing"),
                             Activity(id: "t1", subject: sf.ref, kind: .call, occurredAt: now, actor: "005A")],
                watermarks: [contacts: Watermark(modifiedAt: now, id: "51")],
                plan: handoff(person: person, refs: [hs.ref, sf.ref], rep: "ana")), at: now)
            #expect(try await store.watermark(contacts) == Watermark(modifiedAt: now, id: "51"))
            #expect(try await store.watermark(leads) == nil)
            let stored = try await store.snapshots([hs.ref, sf.ref, RecordRef(system: .hubspot, object: "contacts", id: "nope")])
            #expect(stored.map(\.ref) == [hs.ref, sf.ref])
            #expect(stored.first { $0.ref == hs.ref }?.hasSameContent(as: hs) == true)
            let people = try await store.people([person])
            #expect(Set(people.links.keys) == [hs.ref, sf.ref])
            #expect(people.assignments == [person: "ana"])
            #expect(people.scores == [person: 110])
            #expect(people.activities.map(\.id) == ["e1", "t1"])
            #expect(people.activities.first { $0.id == "t1" }?.actor == "005A", "a sales touch keeps its rep")
            #expect(try await store.accounts().first?.domain == "acme.io")
            let routing = try await store.routingState()
            #expect(routing.assigned == ["ana": 1] && routing.open == ["ana": 1])
            let pending = try await store.pendingOutbox(limit: 10)
            #expect(pending.count == 2)
            #expect(pending.allSatisfy { $0.subject == .person(person) && $0.status == .pending })
            #expect(try await store.allAssignments()[person]?.repID == "ana")
            let counts = try await store.counts()
            #expect(counts["snapshots"] == 2 && counts["identity_links"] == 2 && counts["people"] == 1 && counts["people_in_both"] == 1)
            #expect(try await store.snapshotCounts() == ["hubspot": 1, "salesforce": 1])
            #expect(try await store.linkCounts() == [.fixture: 2])
        },
        Check("every routing decision is kept with its audit, placed or not, oldest first") { subject in
            let store = subject.store
            let person = PersonKey.email("ana@acme.io")
            let audit = [RouteDecision.Candidate(repID: "ana", rejected: nil, code: .eligible),
                         RouteDecision.Candidate(repID: "ben", rejected: "is out of office on 2026-11-30", code: .ooo)]
            let placed = RouteDecision(repID: "ana", rule: "pool", reason: "weighted-round-robin chose ana", candidates: audit,
                                       fairness: .init(pool: "sdr", before: ["ana": 0, "ben": 0], after: ["ana": -1, "ben": 1], policy: "bounded(2)"),
                                       configVersion: "v1")
            var first = Plan(generatedAt: now)
            first.changes.append(PlanChange(personKey: person, action: .assign(RouteDecision(repID: nil, rule: "none", reason: "nobody",
                                                                                          candidates: [])), reason: Reason(.fixture, "none")))
            try await store.commit(CycleCommit(plan: first), at: now)
            var second = Plan(generatedAt: now)
            second.changes.append(PlanChange(personKey: person, action: .assign(placed), reason: Reason(.fixture, "r")))
            try await store.commit(CycleCommit(plan: second), at: now.addingTimeInterval(60))
            let stored = try await store.routeDecisions(for: person)
            #expect(stored.map(\.decision.repID) == [nil, "ana"])
            #expect(stored.last?.decision == placed, "codes, fairness and version survive the store")
            #expect(stored.map(\.decidedAt) == [now, now.addingTimeInterval(60)])
            #expect(try await store.routeDecisions(for: .email("bo@acme.io")).isEmpty)
        },
        Check("open leads per CRM owner count each person once (their Salesforce lead, else their contact) and follow each re-read") { subject in
            let store = subject.store
            func hold(_ system: CRMSystem, _ id: String, _ person: String, _ owner: String?, open: Bool = true) -> RecordHold {
                RecordHold(ref: RecordRef(system: system, object: system == .hubspot ? "contacts" : "Lead", id: id),
                           person: .email(person), owner: owner, open: open)
            }
            var commit = CycleCommit(plan: Plan(generatedAt: now))
            commit.holds = [
                hold(.salesforce, "00Q1", "a@x.io", "005A"), hold(.hubspot, "1", "a@x.io", "7"),   // both CRMs: counted by the lead
                hold(.hubspot, "2", "b@x.io", "7"), hold(.hubspot, "3", "c@x.io", "7"),            // HubSpot only
                hold(.salesforce, "00Q4", "d@x.io", "005A"), hold(.salesforce, "00Q5", "d@x.io", "005A"), // two leads, one person
                hold(.salesforce, "00Q6", "e@x.io", "005A", open: false), hold(.hubspot, "6", "e@x.io", "7"), // converted: not open
                hold(.salesforce, "00Q7", "f@x.io", nil),                                           // unowned
            ]
            #expect(try await store.read { try $0.recordHoldsAreEmpty() })
            try await store.commit(commit, at: now)
            #expect(try await store.read { try $0.recordHoldsAreEmpty() } == false)
            #expect(try await store.read { try $0.crmOpenLeads() } == CRMOpenLeads(byOwner: [.salesforce: ["005A": 2], .hubspot: ["7": 2]]))
            var next = CycleCommit(plan: Plan(generatedAt: now))
            next.holds = [hold(.hubspot, "2", "b@x.io", "8"), hold(.salesforce, "00Q1", "a@x.io", "005A", open: false)]
            try await store.commit(next, at: now.addingTimeInterval(60))
            #expect(try await store.read { try $0.crmOpenLeads() } == CRMOpenLeads(byOwner: [.salesforce: ["005A": 1], .hubspot: ["7": 1, "8": 1]]),
                    "a re-read record replaces what was kept of it")
            let counted = CRMOpenLeads(counting: commit.holds.filter { $0.ref.id != "2" && $0.ref.id != "00Q1" } + next.holds)
            #expect(counted == CRMOpenLeads(byOwner: [.salesforce: ["005A": 1], .hubspot: ["7": 1, "8": 1]]), "the in-memory rule is the same")
            // A lead relinked to another person: the person it left is counted by their contact again.
            var moved = CycleCommit(plan: Plan(generatedAt: now))
            moved.holds = [hold(.salesforce, "00Q1", "z@x.io", "005A", open: false)]
            try await store.commit(moved, at: now.addingTimeInterval(120))
            #expect(try await store.read { try $0.crmOpenLeads() } == CRMOpenLeads(byOwner: [.salesforce: ["005A": 1], .hubspot: ["7": 2, "8": 1]]))
        },
        Check("people held for a backlog are kept oldest first, once each, until a cycle releases them") { subject in
            let store = subject.store
            var plan = Plan(generatedAt: now)
            plan.heldForBacklog = [.email("b@x.io"), .email("a@x.io")]
            try await store.commit(CycleCommit(plan: plan), at: now)
            var later = Plan(generatedAt: now)
            later.heldForBacklog = [.email("c@x.io"), .email("a@x.io")]
            try await store.commit(CycleCommit(plan: later), at: now.addingTimeInterval(60))
            #expect(try await store.read { try $0.heldPeople(limit: 10) } == [.email("a@x.io"), .email("b@x.io"), .email("c@x.io")],
                    "held once each, the first hold's time kept")
            #expect(try await store.read { try $0.heldPeople(limit: 2) }.count == 2)
            var release = CycleCommit(plan: Plan(generatedAt: now))
            release.released = [.email("a@x.io"), .email("b@x.io")]
            try await store.commit(release, at: now.addingTimeInterval(120))
            #expect(try await store.read { try $0.heldPeople(limit: 10) } == [.email("c@x.io")])
        },
        Check("a newer version of a snapshot replaces the stored one; an activity seen twice is kept once") { subject in
            let store = subject.store
            let first = record(.hubspot, "51", email: "ana@acme.io"), second = record(.hubspot, "51", email: "ana.b@acme.io", at: 60)
            let activity = Activity(id: "e1", subject: first.ref, kind: .pageView, occurredAt: now, url: "https://x/a")
            try await store.commit(CycleCommit(snapshots: [first], activities: [activity], plan: Plan(generatedAt: now)), at: now)
            var again = activity
            again.url = "https://x/changed"
            try await store.commit(CycleCommit(snapshots: [second], activities: [again], plan: Plan(generatedAt: now)), at: now)
            let stored = try #require(try await store.snapshots([first.ref]).first)
            #expect(stored.hasSameContent(as: second))
            let activities = try await store.read { try $0.activities(for: [first.ref]) }
            #expect(activities.map(\.url) == ["https://x/a"], "the first version of an activity is kept")
        },
        Check("every read of one `read` sees the same state, even while a commit lands") { subject in
            let store = subject.store
            let hs = record(.hubspot, "51", email: "ana@acme.io")
            try await store.commit(CycleCommit(snapshots: [hs], watermarks: [contacts: Watermark(modifiedAt: now, id: "1")], plan: Plan(generatedAt: now)),
                                   at: now)
            let seen = try await store.read { reader in
                (try reader.watermark(contacts)?.id, try reader.snapshots([hs.ref]).count, try reader.snapshots([hs.ref]).count)
            }
            #expect(seen.0 == "1" && seen.1 == 1 && seen.2 == 1)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for index in 2...20 {
                        try await store.commit(CycleCommit(watermarks: [contacts: Watermark(modifiedAt: now, id: "\(index)"),
                                                                        leads: Watermark(modifiedAt: now, id: "\(index)")],
                                                           plan: Plan(generatedAt: now)), at: now)
                    }
                }
                group.addTask {
                    for _ in 0..<20 {
                        let pair = try await store.read { reader in (try reader.watermark(contacts)?.id, try reader.watermark(leads)?.id) }
                        #expect(pair.1 == nil || pair.0 == pair.1, "one commit's watermarks are seen together or not at all")
                    }
                }
                try await group.waitForAll()
            }
        },
        Check("sweep times and the mapping fingerprint are kept apart from watermarks") { subject in
            let store = subject.store
            var commit = CycleCommit(watermarks: [contacts.deletions: Watermark(modifiedAt: now, id: "9")], plan: Plan(generatedAt: now))
            commit.sweeps = [contacts.deletions: now.addingTimeInterval(5)]
            commit.mappingFingerprint = "abc"
            #expect(try await store.read { try $0.mappingFingerprint() } == nil)
            try await store.commit(commit, at: now)
            let seen = try await store.read { reader in
                (try reader.lastSweep(contacts.deletions), try reader.lastSweep(contacts), try reader.mappingFingerprint(),
                 try reader.watermark(contacts.deletions), try reader.watermark(contacts))
            }
            #expect(seen.0 == now.addingTimeInterval(5) && seen.1 == nil && seen.2 == "abc")
            #expect(seen.3 == Watermark(modifiedAt: now, id: "9") && seen.4 == nil, "the sweep's own watermark is the deletion stream's")
            // A cycle that names no fingerprint keeps the last one.
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now)), at: now)
            #expect(try await store.read { try $0.mappingFingerprint() } == "abc")
        },
        Check("links, match keys and known people are read back; keys shared by too many records are skipped") { subject in
            let store = subject.store
            let refs = (1...4).map { RecordRef(system: .hubspot, object: "contacts", id: "\($0)") }
            var commit = CycleCommit(plan: Plan(generatedAt: now, changes: refs.prefix(2).map {
                PlanChange(personKey: PersonKey.email("p\($0.id)@x.io"), action: .link($0), reason: Reason(.fixture, "same email"))
            }))
            #expect(try await store.read { try $0.matchIndexIsEmpty() })
            commit.matchKeys = [refs[0]: ["phone:1", "name:ana"], refs[1]: ["phone:1"], refs[2]: ["phone:1", "name:bo"], refs[3]: []]
            try await store.commit(commit, at: now)
            #expect(try await store.read { try $0.matchIndexIsEmpty() } == false)
            #expect(try await store.read { try $0.matchCandidates(["name:ana", "name:bo"], perKeyLimit: 2) } == [refs[0], refs[2]])
            #expect(try await store.read { try $0.matchCandidates(["phone:1"], perKeyLimit: 2) }.isEmpty, "three records share it")
            #expect(try await store.read { try $0.matchCandidates(["phone:1"], perKeyLimit: 3) } == Array(refs.prefix(3)))
            #expect(try await store.links(for: refs) == [refs[0]: .person(.email("p1@x.io")), refs[1]: .person(.email("p2@x.io"))])
            #expect(try await store.read { try $0.knownPeople([PersonKey.email("p1@x.io"), PersonKey.email("nobody@x.io")]) } == [PersonKey.email("p1@x.io")])
            // New keys replace a record's old ones.
            var replace = CycleCommit(plan: Plan(generatedAt: now))
            replace.matchKeys = [refs[0]: ["name:ana2"]]
            try await store.commit(replace, at: now)
            #expect(try await store.read { try $0.matchCandidates(["name:ana"], perKeyLimit: 5) }.isEmpty)
            #expect(try await store.read { try $0.matchCandidates(["name:ana2"], perKeyLimit: 5) } == [refs[0]])
        },
        Check("large key lists are read in full") { subject in
            let store = subject.store
            let records = (0..<1300).map { record(.hubspot, String($0), email: "p\($0)@x.io") }
            var plan = Plan(generatedAt: now)
            for r in records { plan.changes.append(PlanChange(personKey: PersonKey.email("p\(r.ref.id)@x.io"), action: .link(r.ref), reason: Reason(.fixture, "x"))) }
            try await store.commit(CycleCommit(snapshots: records, plan: plan), at: now)
            #expect(try await store.snapshots(records.map(\.ref)).count == 1300)
            #expect(try await store.people(Set(records.map { PersonKey.email("p\($0.ref.id)@x.io") })).links.count == 1300)
        },
        Check("reconciled values and enrichment provenance are kept per person; a new enrichment set replaces the last") { subject in
            let store = subject.store
            let person = PersonKey.email("pat@acme.io")
            let decision = FieldDecision(field: "title", value: "CTO", from: .hubspot, rule: .twoWay, conflict: false, hubspotValue: "CTO",
                                         salesforceValue: nil, writeTo: [.salesforce], held: nil)
            let first = [EnrichedValue(field: "industry", value: "Technology", source: "provider", filledAt: now),
                         EnrichedValue(field: "employees", value: "40", source: "csv", filledAt: now, replaced: "4")]
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [
                PlanChange(personKey: person, action: .enrich(first), reason: Reason(.fixture, "e")),
                PlanChange(personKey: person, action: .reconcile(decision), reason: Reason(.fixture, "r")),
            ])), at: now)
            let people = try await store.people([person])
            #expect(people.enriched[person] == Dictionary(uniqueKeysWithValues: first.map { ($0.field, $0) }))
            #expect(people.synced[person]?["title"] == .some("CTO"))
            let second = [EnrichedValue(field: "territory", value: "east", source: "rules", filledAt: now.addingTimeInterval(60))]
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [PlanChange(personKey: person, action: .enrich(second), reason: Reason(.fixture, "e"))])),
                                   at: now)
            #expect(try await store.people([person]).enriched[person].map { Array($0.keys) } == ["territory"])
            #expect(try await store.enrichmentCounts() == ["rules": 1])
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [PlanChange(personKey: person, action: .enrich([]), reason: Reason(.fixture, "e"))])),
                                   at: now)
            #expect(try await store.people([person]).enriched[person] == nil)
        },
    ]
}
