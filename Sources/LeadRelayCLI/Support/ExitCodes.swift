import ArgumentParser
import Foundation
import LeadRelayCore

/// Exit codes with meaning (STYLE.md): systemd is told not to restart on 78.
public enum ExitCodes {
    /// Problems found (check, audit).
    public static let failuresFound = ExitCode(1)
    public static let usage = ExitCode(2)
    /// Configuration error (sysexits EX_CONFIG).
    public static let configuration = ExitCode(78)
}

/// Reads and parses a CSV file for a command: an unreadable file is a usage error, a malformed one names its line
/// (`path:line: message`) and exits with `malformed`.
func readCSVOrExit(_ path: String, option: String, malformed: ExitCode) throws -> [[String]] {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("error: cannot read \(option) \(path)\n".utf8))
        throw ExitCodes.usage
    }
    do {
        return try CSV.parse(String(decoding: data, as: UTF8.self))
    } catch {
        FileHandle.standardError.write(Data("\(path):\(error.line): \(error.message)\n".utf8))
        throw malformed
    }
}
