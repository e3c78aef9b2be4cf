import Foundation

/// A length of time written as in configuration files: `90s`, `10m`, `2h`, `30d`, `1w`, `500ms`.
public struct ConfigDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// Parses `<number><unit>`; throws a message naming the accepted units.
    public init(parsing text: String) throws(ConfigIssue) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            // "ms" also ends with "s": only accept the unit whose prefix is a number.
            if let value = Double(number), value >= 0, (value * factor).isFinite, value * factor <= Self.longest {
                self.seconds = value * factor
                return
            }
        }
        throw ConfigIssue(path: [], "'\(text)' is not a duration; write a number and a unit: 500ms, 30s, 10m, 2h, 30d, 1w")
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            guard number >= 0, number <= Self.longest else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a duration is a number of seconds from 0 to 100 years")
            }
            self.seconds = number
            return
        }
        let text = try container.decode(String.self)
        let parsed: ConfigDuration
        do {
            parsed = try ConfigDuration(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String {
        for (suffix, factor) in [("w", 604_800.0), ("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        where seconds >= factor && seconds.truncatingRemainder(dividingBy: factor) == 0 {
            return "\(Int(exactly: seconds / factor) ?? 0)\(suffix)"
        }
        return seconds < 1 ? "\(Int(exactly: (seconds * 1000).rounded()) ?? 0)ms" : "\(seconds)s"
    }

    /// A hundred years: longer is a typo, not a setting.
    static let longest: Double = 100 * 365 * 86_400

    public var duration: Duration { .clamped(seconds: seconds, limit: Self.longest) }
}
