import Synchronization
import Foundation

/// The options of a range enumeration read as numbers: HubSpot's contact `numemployees` holds `1-5`, `5-25`, … `1000+`
/// (portals edit them: `1-50`, `51-200`, `10,001+`).
///
/// A number is written as the option that holds it; an option stays a range in LeadRelay (rules test it by overlap:
/// `25-50` passes `between: [40, 100]`) and goes to a number field as its lower bound, the one number it certainly
/// holds. Both readings of bounds work: with `1-5`/`5-25` a shared bound belongs to the higher band, with `1-50`/`51-200`
/// each band holds its own. Two values are the same when they fall in the same band, so `40` on one side and `25-50`
/// on the other are in sync and nothing is written back and forth.
public struct NumberRanges: Sendable, Hashable, Codable {
    public struct Band: Sendable, Hashable, Codable {
        /// The option value exactly as the CRM takes it.
        public var option: String
        public var lower: Double
        /// `nil` for an open band (`1000+`).
        public var upper: Double?
    }

    /// Bands in ascending order of their lower bound.
    public let bands: [Band]

    /// Reads the options that are ranges (`A-B`, `A – B`, `A to B`, `A+`, `A or more`, `over A`); others (`Unknown`) are
    /// never written or read as numbers. `nil` unless at least two options are ranges.
    public init?(options: [String]) {
        let bands = options.compactMap(Self.band).sorted { ($0.lower, $0.upper ?? .infinity) < ($1.lower, $1.upper ?? .infinity) }
        guard bands.count >= 2 else { return nil }
        self.bands = bands
    }

    /// One option read as a band, or `nil` when it is not a range.
    public static func band(_ option: String) -> Band? {
        // A plain number — what most tested values are — is no range: answered before any text work.
        if option.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2C || $0 == 0x20 }) { return nil }
        // A portal has a handful of range options, tested again for every lead: each is parsed once.
        if let known = parsed.withLock({ $0[option] }) { return known }
        let band = parse(option)
        parsed.withLock { cache in if cache.count < parsedLimit { cache[option] = band } }
        return band
    }

    /// Options parsed so far (`nil` inside: not a range), at most `parsedLimit` of them.
    static let parsed = Mutex<[String: Band?]>([:])
    static let parsedLimit = 4_096

    static func parse(_ option: String) -> Band? {
        var text = option.lowercased().replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: " ")
        text = text.replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "—", with: "-")
        text = text.trimmingCharacters(in: .whitespaces)
        func number(_ part: some StringProtocol) -> Double? {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(trimmed), value.isFinite, value >= 0 else { return nil }
            return value
        }
        for suffix in ["+", " or more", " and more", " and above"] where text.hasSuffix(suffix) {
            guard let lower = number(text.dropLast(suffix.count)) else { return nil }
            return Band(option: option, lower: lower, upper: nil)
        }
        for prefix in ["over ", "more than ", ">"] where text.hasPrefix(prefix) {
            guard let lower = number(text.dropFirst(prefix.count)) else { return nil }
            return Band(option: option, lower: lower, upper: nil)
        }
        for separator in ["-", " to "] {
            let parts = text.components(separatedBy: separator)
            guard parts.count == 2, let lower = number(parts[0]), let upper = number(parts[1]), upper >= lower else { continue }
            return Band(option: option, lower: lower, upper: upper)
        }
        return nil
    }

    /// The option that holds `number`, or `nil` when none does (a negative count, a gap between bands).
    ///
    /// The band with the highest lower bound not above the number; a number below every band belongs to the first
    /// (a count of 0 is in `1-5`).
    public func option(for number: Double) -> String? {
        guard number.isFinite, number >= 0 else { return nil }
        guard let band = bands.last(where: { $0.lower <= number }) ?? bands.first else { return nil }
        if let upper = band.upper, number > upper {
            // Between this band's top and the next band's bottom (`1-50`, `51-200` hold 50.5 in the lower one).
            return number < upper + 1 ? band.option : nil
        }
        return band.option
    }

    /// The band of an option value (case-insensitive), or `nil` when `value` is not one of the ranges.
    public func band(option value: String) -> Band? {
        bands.first { $0.option == value } ?? bands.first { $0.option.equalsIgnoringCase(value) }
    }

    /// The option a canonical value falls in: a number's band, or the option itself.
    public func option(of value: String) -> String? {
        if let band = band(option: value) { return band.option }
        return Double(value.withoutCommas).flatMap(option(for:))
    }

    /// Every option, in order, for messages.
    public var summary: String { bands.map(\.option).joined(separator: ", ") }
}
