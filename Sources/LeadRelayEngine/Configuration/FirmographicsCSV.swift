import Foundation
import LeadRelayCore

/// The firmographics table (`enrichment.csv.file`): one row per company domain, columns named by canonical field.
public enum FirmographicsCSV {

    /// Reads and checks the file: a `domain` column, known fields only, one row per domain, numbers where the mapping
    /// expects them. Every problem is reported with its line.
    ///
    /// - Returns: normalised domain → canonical field → value (blank cells left out).
    public static func load(_ path: String, displayName: String, mapping: MappingSet) -> Result<[String: [String: String]], ConfigurationError> {
        func problem(_ line: Int?, _ key: String, _ message: String) -> ConfigurationProblem {
            ConfigurationProblem(file: displayName, line: line, column: nil, key: key, message: message)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ConfigurationError([problem(nil, "(file)", "cannot read \(path)")]))
        }
        let rows: [[String]]
        do {
            rows = try CSV.parse(String(decoding: data, as: UTF8.self))
        } catch {
            return .failure(ConfigurationError([problem(error.line, "(csv)", error.message)]))
        }
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            return .failure(ConfigurationError([problem(1, "(header)", "the file is empty; the first row names the columns: domain, then canonical fields")]))
        }
        var problems: [ConfigurationProblem] = []
        guard let domainColumn = header.firstIndex(of: "domain") else {
            return .failure(ConfigurationError([problem(1, "domain", "no 'domain' column; columns are \(header.joined(separator: ", "))")]))
        }
        let known = Set(mapping.fields.filter { $0.type != .owner }.map(\.canonical)).union(RuleEnricher.attributes)
        for (index, name) in header.enumerated() where index != domainColumn && !known.contains(name) {
            let hint = KeySchema.closest(name, in: Array(known)).map { "; did you mean '\($0)'?" } ?? ""
            problems.append(problem(1, name, "'\(name)' is not a field of the mapping or an enrichment attribute\(hint)"))
        }
        var companies: [String: [String: String]] = [:]
        var firstLine: [String: Int] = [:]
        for (offset, row) in rows.dropFirst().enumerated() {
            let line = offset + 2
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.count == header.count else {
                problems.append(problem(line, "(row)", "\(row.count) cells where the header has \(header.count)"))
                continue
            }
            guard let domain = WebDomain.normalise(row[domainColumn]) else {
                problems.append(problem(line, "domain", "'\(row[domainColumn])' is not a web domain"))
                continue
            }
            if let first = firstLine[domain] {
                problems.append(problem(line, "domain", "\(domain) already has a row (line \(first)); one row per domain"))
                continue
            }
            firstLine[domain] = line
            var values: [String: String] = [:]
            for (index, name) in header.enumerated() where index != domainColumn && known.contains(name) {
                let cell = row[index].trimmingCharacters(in: .whitespaces)
                guard !cell.isEmpty else { continue }
                guard let value = mapping.enrichmentValue(name, cell) else {
                    problems.append(problem(line, name, "'\(cell)' is not a number"))
                    continue
                }
                values[name] = value
            }
            companies[domain] = values
        }
        return problems.isEmpty ? .success(companies) : .failure(ConfigurationError(problems))
    }
}
