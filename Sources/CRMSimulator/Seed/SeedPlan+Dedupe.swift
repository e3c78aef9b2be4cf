import LeadRelayCore

extension SeedPlan {
    /// Every planned contact and lead as a dedupe candidate (`r<index>`), and the person each truly is.
    public func dedupeCandidates() -> (candidates: [DuplicateFinder.Candidate], person: [String: Int]) {
        var candidates: [DuplicateFinder.Candidate] = []
        var person: [String: Int] = [:]
        candidates.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            candidates.append(Self.candidate(record, id: "r\(index)"))
            person["r\(index)"] = record.person
        }
        return (candidates, person)
    }

    /// The candidates and truth of `generator`'s plan, built as records are decided: no record is kept, so a million
    /// records cost their candidates, not the plan's dictionaries. Same ids and values as `plan().dedupeCandidates()`.
    public static func dedupeCandidates(streaming generator: SeedGenerator) -> (candidates: [DuplicateFinder.Candidate], person: [String: Int]) {
        final class Collector {
            var candidates: [DuplicateFinder.Candidate] = []
            var person: [String: Int] = [:]
        }
        let collector = Collector()
        collector.candidates.reserveCapacity(generator.options.people * 3 / 2)
        _ = generator.streamPlan { record in
            let id = "r\(collector.candidates.count)"
            collector.candidates.append(candidate(record, id: id))
            collector.person[id] = record.person
        }
        return (collector.candidates, collector.person)
    }

    static func candidate(_ record: Record, id: String) -> DuplicateFinder.Candidate {
        switch record.system {
        case .hubspot:
            let p = record.hubspot
            return .init(id: id, first: p["firstname"], last: p["lastname"], email: p["email"], phone: p["phone"], company: p["company"],
                         region: p["state"], title: p["jobtitle"])
        case .salesforce:
            let f = record.salesforce
            return .init(id: id, first: f["FirstName"]?.flatText, last: f["LastName"]?.flatText, email: f["Email"]?.flatText,
                         phone: f["Phone"]?.flatText, company: f["Company"]?.flatText, region: f["State"]?.flatText,
                         title: f["Title"]?.flatText)
        }
    }

    /// The same records as a CSV export for other tools (`record_id,source,first_name,…`) and the truth (`record_id,person_id`),
    /// RFC 4180 with CRLF, in plan order.
    public func dedupeExport() -> (records: String, truth: String) {
        var records = CSV.row(["record_id", "source", "first_name", "last_name", "email", "phone", "company", "state", "title"]) + "\r\n"
        var truth = CSV.row(["record_id", "person_id"]) + "\r\n"
        for (index, record) in self.records.enumerated() {
            let id = "r\(index)"
            let values: [String?]
            switch record.system {
            case .hubspot:
                let p = record.hubspot
                values = [p["firstname"], p["lastname"], p["email"], p["phone"], p["company"], p["state"], p["jobtitle"]]
            case .salesforce:
                let f = record.salesforce
                values = ["FirstName", "LastName", "Email", "Phone", "Company", "State", "Title"].map { f[$0]?.flatText }
            }
            records += CSV.row([id, record.system.rawValue] + values.map { $0 ?? "" }) + "\r\n"
            truth += CSV.row([id, String(record.person)]) + "\r\n"
        }
        return (records, truth)
    }
}

/// Pairwise and B-cubed quality of a clustering against the truth.
public struct ClusterQuality: Sendable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var bcubedF1: Double
    public var largestCluster: Int

    public init(predicted: [String: String], truth: [String: Int]) {
        var clusterOf: [String: [String]] = [:]
        for (id, cluster) in predicted { clusterOf[cluster, default: []].append(id) }
        var personOf: [Int: [String]] = [:]
        for (id, person) in truth { personOf[person, default: []].append(id) }
        func pairs(_ n: Int) -> Double { Double(n * (n - 1) / 2) }
        var truePositive = 0.0, predictedPairs = 0.0, truePairs = 0.0
        var bPrecision = 0.0, bRecall = 0.0
        for members in clusterOf.values {
            predictedPairs += pairs(members.count)
            var byPerson: [Int: Int] = [:]
            for id in members { byPerson[truth[id] ?? -1, default: 0] += 1 }
            for (person, count) in byPerson {
                truePositive += pairs(count)
                let personSize = Double(personOf[person]?.count ?? count)
                bPrecision += Double(count) * Double(count) / Double(members.count)
                bRecall += Double(count) * Double(count) / personSize
            }
        }
        for members in personOf.values { truePairs += pairs(members.count) }
        precision = predictedPairs > 0 ? truePositive / predictedPairs : 1
        recall = truePairs > 0 ? truePositive / truePairs : 1
        f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        let n = Double(max(predicted.count, 1))
        let bp = bPrecision / n, br = bRecall / n
        bcubedF1 = bp + br > 0 ? 2 * bp * br / (bp + br) : 0
        largestCluster = clusterOf.values.map(\.count).max() ?? 0
    }
}
