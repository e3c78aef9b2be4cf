import Foundation
import LeadRelayCore

/// Reads secrets from the environment or from files (systemd credentials under `$CREDENTIALS_DIRECTORY`).
public struct SecretSource: Sendable {
    public var environment: [String: String]
    /// Where relative credential file names resolve: `$CREDENTIALS_DIRECTORY`, else the config file's folder.
    public var baseDirectory: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, configDirectory: String) {
        self.environment = environment
        self.baseDirectory = environment["CREDENTIALS_DIRECTORY"] ?? configDirectory
    }

    /// The secret from `env` or `file`; the issue names the key and what is missing, never the value.
    public func read(env: String?, file: String?, path: [String]) -> Result<Secret, ConfigIssue> {
        if let env {
            guard let value = environment[env], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                return .failure(ConfigIssue(path: path, "environment variable \(env) is not set"))
            }
            return .success(Secret(value.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        if let file {
            let resolved = file.hasPrefix("/") ? file : (baseDirectory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: resolved) else {
                return .failure(ConfigIssue(path: path, "cannot read credential file \(resolved)"))
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { return .failure(ConfigIssue(path: path, "credential file \(resolved) is empty")) }
            return .success(Secret(value))
        }
        return .failure(ConfigIssue(path: path, "no secret source named"))
    }
}
