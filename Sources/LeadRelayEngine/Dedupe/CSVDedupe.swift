import Foundation
import LeadRelayCore

/// `leadrelay dedupe`: clusters the rows of any CSV export into people, by a column map.
public struct CSVDedupe: Sendable {
    /// The column map (`--columns MAP.yaml`).
    public struct Columns: Sendable, Decodable {
        public struct Extra: Sendable, Decodable {
            public var column: String
            public var kind: String
        }
        /// The column holding each row's id.
        public var id: String
        /// Canonical field → column: firstName, lastName, email, phone, company, region, title.
        public var fields: [String: String]
        public var extra: [String: Extra]?
        /// Region for phone numbers written without a country code (default US).
        public var defaultRegion: String?
    }

    static let canonical: Set<String> = ["firstName", "lastName", "email", "phone", "company", "region", "title"]
    static let schema = KeySchema.object([
        "id": .any, "fields": .object(Dictionary(uniqueKeysWithValues: canonical.map { ($0, KeySchema.any) })),
        "extra": .map(.object(["column": .any, "kind": .any])), "defaultRegion": .any,
    ])

    public var columns: Columns
    /// Column whose value says where a row comes from; rows with equal values are never linked (`--link-only-across`).
    public var linkOnlyAcross: String?

    /// Loads and checks a column map: unknown keys, kinds and columns missing from `header` are located problems.
    public static func load(columnsAt path: String, header: [String]) throws(ConfigurationError) -> Columns {
        let document: YAMLDocument
        switch YAMLDocument.load(path, displayName: (path as NSString).lastPathComponent) {
        case .success(let loaded): document = loaded
        case .failure(let error): throw error
        }
        var problems = schema.unknownKeys(in: document.root).map(document.problem)
        let columns: Columns
        switch document.decode(Columns.self) {
        case .success(let decoded): columns = decoded
        case .failure(let error): throw ConfigurationError(problems + error.problems)
        }
        let known = Set(header)
        func need(_ column: String, at path: [String]) {
            if !known.contains(column) {
                problems.append(document.problem(ConfigIssue(path: path, "the CSV has no column '\(column)'; it has \(header.joined(separator: ", "))")))
            }
        }
        need(columns.id, at: ["id"])
        for (field, column) in columns.fields.sorted(by: { $0.key < $1.key }) { need(column, at: ["fields", field]) }
        for (name, extra) in (columns.extra ?? [:]).sorted(by: { $0.key < $1.key }) {
            need(extra.column, at: ["extra", name, "column"])
            if DuplicateFinder.Extra.Kind(rawValue: extra.kind) == nil {
                problems.append(document.problem(ConfigIssue(path: ["extra", name, "kind"],
                    "unknown kind '\(extra.kind)'; expected one of \(DuplicateFinder.Extra.Kind.allCases.map(\.rawValue).joined(separator: ", "))")))
            }
        }
        guard problems.isEmpty else { throw ConfigurationError(problems) }
        return columns
    }

    public init(columns: Columns, linkOnlyAcross: String? = nil) {
        self.columns = columns
        self.linkOnlyAcross = linkOnlyAcross
    }

    /// `record_id,cluster_id` for every row, and (with `links`) the links with their scores and evidence.
    public func run(rows: [[String]], links wantLinks: Bool = true) throws(ConfigurationError) -> (clusters: [(id: String, cluster: String)], links: [(a: String, b: String, score: Double, evidence: String)]) {
        guard let header = rows.first else { return ([], []) }
        let index = Dictionary(header.enumerated().map { ($1, $0) }) { first, _ in first }
        if let across = linkOnlyAcross, index[across] == nil {
            throw ConfigurationError([ConfigurationProblem(file: "--link-only-across", line: nil, column: nil, key: across,
                                                           message: "the CSV has no column '\(across)'")])
        }
        let region = columns.defaultRegion ?? "US"
        var candidates: [DuplicateFinder.Candidate] = []
        var seen = Set<String>()
        for (number, row) in rows.dropFirst().enumerated() {
            func value(_ column: String?) -> String? {
                guard let column, let i = index[column], i < row.count else { return nil }
                let text = row[i].trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            }
            guard let id = value(columns.id) else {
                throw ConfigurationError([ConfigurationProblem(file: "CSV", line: number + 2, column: nil, key: columns.id, message: "row without an id")])
            }
            guard seen.insert(id).inserted else {
                throw ConfigurationError([ConfigurationProblem(file: "CSV", line: number + 2, column: nil, key: columns.id, message: "id '\(id)' appears twice")])
            }
            let f = columns.fields
            var candidate = DuplicateFinder.Candidate(id: id, first: value(f["firstName"]), last: value(f["lastName"]), email: value(f["email"]),
                                                      phone: value(f["phone"]), company: value(f["company"]), region: value(f["region"]),
                                                      title: value(f["title"]), defaultRegion: region)
            candidate.source = value(linkOnlyAcross)
            for (name, extra) in columns.extra ?? [:] {
                guard let kind = DuplicateFinder.Extra.Kind(rawValue: extra.kind), let text = value(extra.column) else { continue }
                candidate.extras[name] = DuplicateFinder.Extra(kind: kind, value: text, defaultRegion: region)
            }
            candidates.append(candidate)
        }
        let finder = DuplicateFinder(linkOnlyAcross: linkOnlyAcross != nil)
        let clusters = finder.clusters(candidates)
        return (candidates.map { ($0.id, clusters[$0.id] ?? $0.id) }, wantLinks ? finder.links(candidates) : [])
    }
}
