/// One problem found in a configuration file, before the file/line is known.
///
/// `path` is the key path inside the document (`["fields", "email", "rule"]`,
/// array positions as decimal strings); the loader turns it into
/// `file:line:column` using the YAML node marks.
public struct ConfigIssue: Sendable, Hashable, Error, CustomStringConvertible {
    public var path: [String]
    public var message: String

    public init(path: [String], _ message: String) {
        self.path = path
        self.message = message
    }

    public var keyPath: String { path.isEmpty ? "(document)" : path.joined(separator: ".") }
    public var description: String { "\(keyPath): \(message)" }
}
