import Foundation
import LeadRelayCore

/// Every routing decision LeadRelay made for one lead, as the store kept it: the rule, the rep chosen, every rep of the
/// configuration with its one code (`eligible`, `ooo`, `outside-hours`, `cap-daily`, …), the pool's fairness credit
/// before and after, and the configuration version it was made under. `leadrelay explain route` prints it.
///
/// People are named by name and address (from `routing.yaml` and the lead's records), and each record is linked to its
/// page in its CRM when the site is configured (`hubspot.portalId`, `salesforce.instanceURL`).
public struct RouteExplanation: Sendable, Encodable {
    public typealias Person = ReportNames.Person
    public typealias Record = ReportNames.Record

    public struct RepLine: Sendable, Hashable, Encodable {
        public var rep: Person
        public var code: String
        public var detail: String?
        public var chosen: Bool
        /// The pool's round-robin credit of this rep before and after (weight units), when a round robin decided.
        public var creditBefore: Int?
        public var creditAfter: Int?
    }

    public struct Decision: Sendable, Hashable, Encodable {
        public var decidedAt: Date
        public var rule: String
        public var chosen: Person?
        public var reason: String
        public var configVersion: String?
        /// Whether the decision was made under the configuration loaded now.
        public var underCurrentConfig: Bool
        public var pool: String?
        public var returnPolicy: String?
        public var reps: [RepLine]
        /// The account an account rule matched the lead to, on what evidence, with its CRM page.
        public var account: AccountLine?
    }

    public struct AccountLine: Sendable, Hashable, Encodable {
        public var ref: String
        public var name: String
        public var evidence: String
        public var why: String
        public var url: String?
    }

    public var person: String
    public var lead: Person
    public var records: [Record]
    public var decisions: [Decision]
    /// Who holds the lead now, as the store says.
    public var holder: Person?
    public var configVersion: String
    public var note: String?

    /// Explains the routing of `reference` (an email, person key or record) from `store`.
    public static func explain(_ reference: String, configuration: LoadedConfiguration, store: any StateStore) async throws -> RouteExplanation {
        let key = try await LeadExplanation.person(reference, store: store)
        let people = try await store.people([key])
        let records = people.records.filter { people.links[$0.ref] == key }
        let stored = try await store.routeDecisions(for: key)
        guard !records.isEmpty || !stored.isEmpty else { throw LeadExplanation.Failure.notSeen(reference) }
        let names = ReportNames.naming(records: records, links: people.links, configuration: configuration)
        let named = names.leads[key]
        let reps = names.reps
        func rep(_ id: String) -> Person { reps[id] ?? Person(id: id, name: nil, email: nil) }
        let decisions = stored.map { entry -> Decision in
            let decision = entry.decision
            let fairness = decision.fairness
            let lines = decision.candidates.map { candidate in
                RepLine(rep: rep(candidate.repID), code: (candidate.code ?? (candidate.rejected == nil ? .eligible : .notNamed)).rawValue,
                        detail: candidate.repID == decision.repID ? "chosen" : candidate.rejected,
                        chosen: candidate.repID == decision.repID,
                        creditBefore: fairness?.before[candidate.repID], creditAfter: fairness?.after[candidate.repID])
            }
            return Decision(decidedAt: entry.decidedAt, rule: decision.rule, chosen: decision.repID.map(rep), reason: decision.reason,
                            configVersion: decision.configVersion, underCurrentConfig: decision.configVersion == configuration.version,
                            pool: fairness?.pool, returnPolicy: fairness?.policy, reps: lines,
                            account: decision.account.map { account in
                                AccountLine(ref: account.ref.description, name: account.name, evidence: account.evidence.rawValue,
                                            why: account.explanation, url: configuration.recordLinks.url(account.ref))
                            })
        }
        let unlinked = named?.records.contains { $0.url == nil } ?? false
        return RouteExplanation(
            person: key.rawValue, lead: named?.person ?? Person(name: nil, email: key.email),
            records: named?.records ?? [],
            decisions: decisions, holder: people.assignments[key].map(rep), configVersion: configuration.version,
            note: stored.isEmpty ? "LeadRelay has made no routing decision for this lead (it has not crossed the MQL line, or its routing waits for a backlog)"
                : unlinked ? "set hubspot.portalId and salesforce.instanceURL in leadrelay.yaml to link records to their CRM pages" : nil)
    }

    /// The explanation as a RevOps reader wants it on a terminal.
    public func text() -> String {
        var lines: [String] = []
        lines.append("\(lead.label)  (\(person))")
        for record in records { lines.append("  " + record.ref + (record.url.map { "  \($0)" } ?? "")) }
        for (index, decision) in decisions.enumerated() {
            let version = decision.configVersion.map { "config \($0.prefix(12))" + (decision.underCurrentConfig ? ", in force now" : ", an earlier configuration") }
                ?? "config version not recorded"
            lines.append("")
            lines.append("decision \(index + 1) of \(decisions.count), \(ISOTimestamp.format(decision.decidedAt)) (\(version))")
            lines.append("  rule \(decision.rule) → \(decision.chosen?.label ?? "nobody")")
            lines.append("  why: \(decision.reason)")
            if let account = decision.account {
                lines.append("  account \(account.name) (\(account.ref)), matched by \(account.evidence): \(account.why)" + (account.url.map { "  \($0)" } ?? ""))
            }
            if let pool = decision.pool {
                lines.append("  pool \(pool), smooth weighted round robin, return from absence \(decision.returnPolicy ?? "bounded(2)")")
            }
            let width = decision.reps.map { $0.rep.label.count }.max() ?? 0
            let codeWidth = decision.reps.map(\.code.count).max() ?? 0
            for line in decision.reps {
                var text = "  \(line.chosen ? "→" : " ") " + line.rep.label.padding(toLength: width, withPad: " ", startingAt: 0)
                    + "  " + line.code.padding(toLength: codeWidth, withPad: " ", startingAt: 0)
                if let before = line.creditBefore ?? (decision.pool == nil ? nil : 0), let after = line.creditAfter {
                    text += "  credit \(before) → \(after)"
                }
                if let detail = line.detail { text += "  \(detail)" }
                lines.append(text)
            }
        }
        lines.append("")
        lines.append("held now by " + (holder?.label ?? "nobody"))
        if let note { lines.append("(\(note))") }
        return lines.joined(separator: "\n")
    }
}
