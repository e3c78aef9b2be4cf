import Foundation
import LeadRelayTestSupport
import LeadRelayCore
import Testing
import LeadRelayHTTP

@Suite("leadrelay bench")
struct BenchCommandTests {
    @Test("bench read polls every seeded contact and lead through the connectors and reports the figures")
    func read() async throws {
        let run = try await withTestSlot { try await runCLI(["bench", "read", "--people", "700", "--json"]) }
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONValue.decode(Data(run.stdout.utf8))
        let figures = try #require(report["figures"])
        #expect(figures["salesforce_records"] == 700)
        #expect(figures["hubspot_records"] == figures["seeded_contacts"])
        #expect(figures["salesforce_calls"] == 1, "700 rows fit one 2,000-row page")
        #expect((figures["hubspot_calls"]?.doubleValue ?? 0) >= 4, "pages of 200")
        #expect(figures["hubspot_rejected"] == 0 && figures["salesforce_rejected"] == 0)
        #expect((figures["wall_seconds"]?.doubleValue ?? 0) > 0)
    }

    @Test("bench match reads accounts, contacts, opportunities and leads through the connectors and meets 0.98 against the truth, on every kind of evidence")
    func match() async throws {
        let run = try await withTestSlot { try await runCLI(["bench", "match", "--people", "1600", "--seed", "9", "--misses", "3", "--json"]) }
        #expect(run.status == 0, "\(run.stderr)")
        let figures = try #require(try JSONValue.decode(Data(run.stdout.utf8))["figures"])
        #expect((figures["accuracy"]?.doubleValue ?? 0) >= 0.98, "\(run.stdout)")
        #expect((figures["precision"]?.doubleValue ?? 0) >= 0.98)
        #expect((figures["records_at_an_account"]?.doubleValue ?? 0) > 100)
        for evidence in ["by_website", "by_contact_domain", "by_hubspot_company", "by_name"] {
            #expect((figures[evidence]?.doubleValue ?? 0) > 0, "\(evidence): \(run.stdout)")
        }
    }

    @Test("bench sla seeds open clocks in a SQLite store and times ticks that handle every timer they take")
    func sla() async throws {
        let run = try await withTestSlot { try await runCLI(["bench", "sla", "--leads", "600", "--due", "50", "--ticks", "3", "--json"]) }
        #expect(run.status == 0, "\(run.stderr)")
        let figures = try #require(try JSONValue.decode(Data(run.stdout.utf8))["figures"])
        #expect(figures["open_clocks"] == 600 && figures["ticks_measured"] == 3)
        // Each tick takes the next 50 timers; a breach due with its own reminders is told once, so a few are folded.
        let handled = figures["timers_handled"]?.doubleValue ?? 0
        #expect(handled > 0 && handled <= 150, "\(run.stdout)")
        for figure in ["idle_tick_ms", "tick_ms_mean", "clock_add_us", "business_time_year_us"] {
            #expect((figures[figure]?.doubleValue ?? 0) > 0, "\(figure)")
        }
    }

    @Test("bench seed reports records and writes the truth file when asked")
    func seed() async throws {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("bench-\(UUID().uuidString)/truth.jsonl")
        let run = try await withTestSlot { try await runCLI(["bench", "seed", "--people", "400", "--truth-file", path]) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("records"))
        #expect(run.stdout.contains("truth file: \(path)"))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("{\"kind\":\"person\"") }.count == 400)
        let invalid = try await runCLI(["bench", "seed", "--people", "0"])
        #expect(invalid.status == 2)
    }

    @Test("bench sync: no 429 under enforced limits, calls at the minimum, an idle cycle costs one call per object type")
    func sync() async throws {
        let run = try await withTestSlot { try await runCLI(["bench", "sync", "--contacts", "900", "--leads", "900", "--search-per-second", "20", "--json"]) }
        #expect(run.status == 0, "\(run.stderr)")
        let figures = try #require(try JSONValue.decode(Data(run.stdout.utf8))["figures"])
        #expect(figures["hubspot_429s"] == 0)
        #expect(figures["idle_hubspot_calls"] == 1 && figures["idle_salesforce_calls"] == 1)
        #expect(figures["idle_hubspot_records"] == 0 && figures["idle_salesforce_records"] == 0)
        for phase in ["backfill", "incremental"] {
            #expect((figures["\(phase)_calls_vs_minimum"]?.doubleValue ?? 9) <= 1.05, "\(phase)")
        }
        #expect(figures["incremental_salesforce_records"] == 9)
        #expect(figures["backfill_salesforce_records"] == 900)
    }

    @Test("bench dedupe --export writes the records, the truth and its clusters; bench score judges them as bench dedupe did")
    func exportAndScore() async throws {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("dedupe-\(UUID().uuidString)")
        let run = try await runCLI(["bench", "dedupe", "--records", "600", "--export", directory, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let figures = try #require(try JSONValue.decode(Data(run.stdout.utf8))["figures"])
        let records = try CSV.parse(String(contentsOfFile: directory + "/records.csv", encoding: .utf8))
        #expect(records.first == ["record_id", "source", "first_name", "last_name", "email", "phone", "company", "state", "title"])
        #expect(Double(records.count - 1) == figures["records"]?.doubleValue)
        let score = try await runCLI(["bench", "score", "--truth", directory + "/truth.csv", "--clusters", directory + "/leadrelay-clusters.csv", "--json"])
        #expect(score.status == 0, "\(score.stderr)")
        let scored = try #require(try JSONValue.decode(Data(score.stdout.utf8))["figures"])
        #expect(scored["pairwise_f1"] == figures["pairwise_f1"])
        #expect(scored["bcubed_f1"] == figures["bcubed_f1"])
        // The CSV mode on the exported file finds the same people.
        let csv = try await runCLI(["dedupe", "--input", directory + "/records.csv", "--columns", repositoryRoot + "/Tests/Splink/columns.yaml",
                                    "--output", directory + "/csv-clusters.csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let again = try await runCLI(["bench", "score", "--truth", directory + "/truth.csv", "--clusters", directory + "/csv-clusters.csv", "--json"])
        #expect(try JSONValue.decode(Data(again.stdout.utf8))["figures"]?["pairwise_f1"] == figures["pairwise_f1"])
        // Clusters that leave records out are refused, not scored.
        try Data("record_id,cluster_id\nr0,a\n".utf8).write(to: URL(fileURLWithPath: directory + "/partial.csv"))
        let partial = try await runCLI(["bench", "score", "--truth", directory + "/truth.csv", "--clusters", directory + "/partial.csv"])
        #expect(partial.status == 2 && partial.stderr.contains("missing from the clusters"))
    }
}
