import Foundation
import LeadRelayCore
import Yams

/// A YAML file kept with its node tree, so any key path can be turned into a line and column.
struct YAMLDocument {
    let file: String
    let text: String
    let root: Node?

    /// Reads and parses `path`; a missing file or a syntax error becomes a located problem.
    static func load(_ path: String, displayName: String) -> Result<YAMLDocument, ConfigurationError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ConfigurationError([ConfigurationProblem(file: displayName, line: nil, column: nil, key: "(file)",
                                                                     message: "cannot read \(path): no such file or no permission")]))
        }
        let text = String(decoding: data, as: UTF8.self)
        do {
            return .success(YAMLDocument(file: displayName, text: text, root: try Yams.compose(yaml: text)))
        } catch let error as YamlError {
            return .failure(ConfigurationError([Self.syntaxProblem(error, file: displayName)]))
        } catch {
            return .failure(ConfigurationError([ConfigurationProblem(file: displayName, line: nil, column: nil, key: "(file)", message: "\(error)")]))
        }
    }

    static func syntaxProblem(_ error: YamlError, file: String) -> ConfigurationProblem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigurationProblem(file: file, line: mark.line, column: mark.column, key: "(syntax)", message: "YAML syntax error: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationProblem(file: file, line: context.mark.line, column: context.mark.column, key: duplicates.joined(separator: ", "),
                                        message: "the key is written twice in one mapping; keep one")
        default:
            return ConfigurationProblem(file: file, line: nil, column: nil, key: "(syntax)", message: "YAML error: \(error)")
        }
    }

    /// The node at `path`, or the deepest node on the way there.
    func node(at path: [String]) -> Node? {
        var current = root
        for key in path {
            guard let node = current else { break }
            if let mapping = node.mapping, let next = mapping[key] {
                current = next
            } else if let sequence = node.sequence, let index = Int(key), sequence.indices.contains(index) {
                current = sequence[index]
            } else {
                break
            }
        }
        return current
    }

    /// Where the key itself is written (for a mapping entry), else where its value starts.
    func mark(at path: [String]) -> Mark? {
        if let last = path.last, let parent = node(at: Array(path.dropLast()))?.mapping {
            for (key, _) in parent where key.string == last { return key.mark }
        }
        return node(at: path)?.mark ?? root?.mark
    }

    func problem(_ issue: ConfigIssue) -> ConfigurationProblem {
        let mark = mark(at: issue.path)
        return ConfigurationProblem(file: file, line: mark?.line, column: mark?.column, key: issue.keyPath, message: issue.message)
    }

    /// Decodes the document; a decoding failure becomes one located problem naming the key and what was expected.
    func decode<T: Decodable>(_ type: T.Type) -> Result<T, ConfigurationError> {
        do {
            return .success(try YAMLDecoder().decode(T.self, from: text))
        } catch let error as DecodingError {
            return .failure(ConfigurationError([problem(Self.issue(error))]))
        } catch let error as YamlError {
            return .failure(ConfigurationError([Self.syntaxProblem(error, file: file)]))
        } catch {
            return .failure(ConfigurationError([ConfigurationProblem(file: file, line: nil, column: nil, key: "(document)", message: "\(error)")]))
        }
    }

    static func issue(_ error: DecodingError) -> ConfigIssue {
        func path(_ keys: [any CodingKey]) -> [String] { keys.map { $0.intValue.map(String.init) ?? $0.stringValue } }
        switch error {
        case .keyNotFound(let key, let context):
            return ConfigIssue(path: path(context.codingPath), "missing key '\(key.stringValue)'")
        case .typeMismatch(let type, let context):
            return ConfigIssue(path: path(context.codingPath), "expected \(describe(type)); \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return ConfigIssue(path: path(context.codingPath), "expected \(describe(type)), found nothing")
        case .dataCorrupted(let context):
            return ConfigIssue(path: path(context.codingPath), context.debugDescription)
        @unknown default:
            return ConfigIssue(path: [], "\(error)")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".contains("Array") ? "a list" : ("\(type)".contains("Dictionary") ? "a mapping" : "\(type)")
        }
    }
}
