import ArgumentParser
import Foundation
import LeadRelayCore
import LeadRelayEngine

/// `leadrelay dedupe`: any CSV export in, `record_id,cluster_id` out.
struct DedupeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedupe",
        abstract: "Cluster the rows of a CSV export into people; write record_id,cluster_id for every row.")

    @Option(name: .long, help: "The CSV file (header row first).")
    var input: String

    @Option(name: .long, help: "The column map (YAML): id column, canonical fields, extra columns with a comparison kind.")
    var columns: String

    @Option(name: .long, help: "Where to write record_id,cluster_id.")
    var output: String

    @Option(name: .long, help: "Also write record_a,record_b,score,evidence for every link (which fields agreed, with what weight).")
    var pairs: String?

    @Option(name: .long, help: "A column naming each row's source: rows of one source are never linked.")
    var linkOnlyAcross: String?

    func run() async throws {
        let rows = try readCSVOrExit(input, option: "--input", malformed: ExitCodes.configuration)
        let result: (clusters: [(id: String, cluster: String)], links: [(a: String, b: String, score: Double, evidence: String)])
        do {
            let map = try CSVDedupe.load(columnsAt: columns, header: rows.first ?? [])
            result = try CSVDedupe(columns: map, linkOnlyAcross: linkOnlyAcross).run(rows: rows, links: pairs != nil)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCodes.configuration
        }
        var out = CSV.row(["record_id", "cluster_id"]) + "\r\n"
        for row in result.clusters { out += CSV.row([row.id, row.cluster]) + "\r\n" }
        try Data(out.utf8).write(to: URL(fileURLWithPath: output))
        if let pairs {
            var text = CSV.row(["record_a", "record_b", "score", "evidence"]) + "\r\n"
            for link in result.links { text += CSV.row([link.a, link.b, String(format: "%.1f", link.score), link.evidence]) + "\r\n" }
            try Data(text.utf8).write(to: URL(fileURLWithPath: pairs))
        }
        let clusters = Set(result.clusters.map(\.cluster)).count
        let linkCount = pairs == nil ? "" : " (\(result.links.count) links)"
        FileHandle.standardError.write(Data("\(result.clusters.count) rows → \(clusters) people\(linkCount)\n".utf8))
    }
}
