import Foundation
import LeadRelayCLI
import Logging

/// Bootstraps logging once, then hands over to the commands in `LeadRelayCLI`.
@main
enum LeadRelayMain {
    static func main() async {
        // Logs go to stderr so a command's own output (reports, JSON) stays clean on stdout.
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        await LeadRelayCommand.runMain()
    }
}
