import Foundation
import GRDB
import LeadRelayCore

extension SQLiteStateStore: ProviderCache {
    public func providerAnswers(_ domains: [String]) async throws -> [String: ProviderAnswer] {
        try await pool.read { db in
            var answers: [String: ProviderAnswer] = [:]
            for chunk in domains.sorted().chunked(Self.chunk) {
                let sql = "SELECT * FROM enrichment_cache WHERE domain IN (\(databaseQuestionMarks(count: chunk.count)))"
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(chunk)) {
                    let text: String? = row["fields"]
                    let fields = try text.map { try Self.decode([String: String].self, $0) }
                    answers[row["domain"]] = ProviderAnswer(domain: row["domain"], fields: fields, fetchedAt: Date(timeIntervalSince1970: row["fetched_at"]))
                }
            }
            return answers
        }
    }

    public func saveProviderAnswers(_ answers: [ProviderAnswer]) async throws {
        try await pool.write { db in
            for answer in answers {
                try db.execute(sql: "INSERT OR REPLACE INTO enrichment_cache (domain, fields, fetched_at) VALUES (?, ?, ?)",
                               arguments: [answer.domain, try answer.fields.map(Self.json), answer.fetchedAt.timeIntervalSince1970])
            }
        }
    }
}
