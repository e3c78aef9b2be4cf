import Logging
import Synchronization

/// Keeps every log line (level, message and metadata) for inspection.
public final class CapturedLogs: Sendable {
    public let lines = Mutex<[String]>([])

    public init() {}

    public func handler(label: String) -> any LogHandler { Handler(sink: self) }

    /// A logger at trace level writing here.
    public func logger(_ label: String = "test") -> Logger {
        var logger = Logger(label: label, factory: handler)
        logger.logLevel = .trace
        return logger
    }

    public var all: [String] { lines.withLock { $0 } }

    struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
            sink.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
        }
    }
}
