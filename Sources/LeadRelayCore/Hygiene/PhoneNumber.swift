import Foundation

/// A phone number in E.164 (`+14155550134`), with any extension kept apart.
public struct PhoneNumber: Sendable, Hashable, Codable {
    public var e164: String
    public var ext: String?

    /// Calling code, trunk prefix and national number lengths of the regions LeadRelay knows.
    struct Region {
        var code: String
        var trunk: String?
        var lengths: ClosedRange<Int>
    }

    static let regions: [String: Region] = [
        "US": Region(code: "1", trunk: nil, lengths: 10...10), "CA": Region(code: "1", trunk: nil, lengths: 10...10),
        "GB": Region(code: "44", trunk: "0", lengths: 9...10), "IE": Region(code: "353", trunk: "0", lengths: 7...9),
        "DE": Region(code: "49", trunk: "0", lengths: 6...11), "FR": Region(code: "33", trunk: "0", lengths: 9...9),
        "ES": Region(code: "34", trunk: nil, lengths: 9...9), "IT": Region(code: "39", trunk: nil, lengths: 6...11),
        "NL": Region(code: "31", trunk: "0", lengths: 9...9), "BE": Region(code: "32", trunk: "0", lengths: 8...9),
        "CH": Region(code: "41", trunk: "0", lengths: 9...9), "AT": Region(code: "43", trunk: "0", lengths: 4...13),
        "SE": Region(code: "46", trunk: "0", lengths: 7...9), "DK": Region(code: "45", trunk: nil, lengths: 8...8),
        "NO": Region(code: "47", trunk: nil, lengths: 8...8), "FI": Region(code: "358", trunk: "0", lengths: 5...10),
        "PL": Region(code: "48", trunk: nil, lengths: 9...9), "PT": Region(code: "351", trunk: nil, lengths: 9...9),
        "AU": Region(code: "61", trunk: "0", lengths: 9...9), "NZ": Region(code: "64", trunk: "0", lengths: 8...10),
        "IN": Region(code: "91", trunk: "0", lengths: 10...10), "JP": Region(code: "81", trunk: "0", lengths: 9...10),
        "SG": Region(code: "65", trunk: nil, lengths: 8...8), "BR": Region(code: "55", trunk: "0", lengths: 10...11),
        "MX": Region(code: "52", trunk: nil, lengths: 10...10), "ZA": Region(code: "27", trunk: "0", lengths: 9...9),
        "IL": Region(code: "972", trunk: "0", lengths: 8...9), "AE": Region(code: "971", trunk: "0", lengths: 8...9),
    ]

    /// Reads a number as people type it. Numbers without `+`/`00` are read in `defaultRegion`.
    ///
    /// `nil` for vanity numbers (letters), too few or too many digits, and anything else that is not a number.
    public init?(_ raw: String, defaultRegion: String = "US") {
        // Case does not matter to digits: work on the lower-cased text throughout.
        var text = raw.fastTrimmed().lowercased()
        var ext: String?
        // Extensions: "x12", "ext. 12", "extension 12", "#12".
        // Every marker has an `x` or is `#`: most numbers have neither, and skip the searches.
        let marked = text.utf8.contains(UInt8(ascii: "x")) || text.utf8.contains(UInt8(ascii: "#"))
        for marker in ["extension", "ext.", "ext", "x", "#"] where marked {
            guard let range = text.range(of: marker, options: .backwards) else { continue }
            let tail = text[range.upperBound...].trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: ".:")))
            if !tail.isEmpty, tail.allSatisfy(\.isNumber), tail.count <= 6 {
                ext = tail
                text = String(text[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
                break
            }
        }
        guard !text.contains(where: \.isLetter) else { return nil }
        guard text.allSatisfy({ $0.isNumber || " +-().\u{00A0}/".contains($0) }) else { return nil }
        var digits = text.filter(\.isNumber)
        let international = text.hasPrefix("+") || digits.hasPrefix("00") && !text.hasPrefix("0 ")
        if text.hasPrefix("+") == false, digits.hasPrefix("00") { digits.removeFirst(2) }
        let e164: String
        if international || text.hasPrefix("+") {
            guard (8...15).contains(digits.count) else { return nil }
            e164 = "+" + digits
        } else {
            guard let region = Self.regions[defaultRegion.uppercased()] else { return nil }
            if let trunk = region.trunk, digits.hasPrefix(trunk), region.lengths.contains(digits.count - trunk.count) {
                digits.removeFirst(trunk.count)
            } else if region.code == "1", digits.count == 11, digits.hasPrefix("1") {
                digits.removeFirst()
            }
            guard region.lengths.contains(digits.count) else { return nil }
            if region.code == "1" {
                // NANP: area code and exchange never start with 0 or 1; 555-01xx is fine for fiction.
                let area = digits.prefix(1), exchange = digits.dropFirst(3).prefix(1)
                guard area != "0", area != "1", exchange != "0", exchange != "1" else { return nil }
            }
            e164 = "+" + region.code + digits
        }
        // A run of one digit is not a number anyone has.
        guard Set(e164.dropFirst()).count > 2 else { return nil }
        self.e164 = e164
        self.ext = ext
    }
}
