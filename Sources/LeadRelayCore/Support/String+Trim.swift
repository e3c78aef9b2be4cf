import Foundation

extension String {
    /// `trimmingCharacters(in: set)` without Foundation's bridging for the usual case: text that starts and ends with a
    /// visible ASCII character (in neither whitespace set) comes back as it is. `set` is whitespace or newlines.
    public func fastTrimmed(_ set: CharacterSet = .whitespacesAndNewlines) -> String {
        guard let first = utf8.first, let last = utf8.last else { return "" }
        if first > 0x20, first < 0x7F, last > 0x20, last < 0x7F { return self }
        return trimmingCharacters(in: set)
    }

    /// Whether the text holds anything but whitespace and newlines.
    public var isBlank: Bool {
        for byte in utf8 {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: continue
            case 0x80...: return fastTrimmed().isEmpty
            default: return false
            }
        }
        return true
    }
}

extension String {
    /// Whether `needle` occurs in the text, byte for byte (UTF-8; an empty needle never does): Foundation's `contains(_:)` without bridging to
    /// NSString. Both sides as given: lower-case them first for a case-blind test.
    public func includes(_ needle: String) -> Bool {
        let found = utf8.withContiguousStorageIfAvailable { hay in
            needle.utf8.withContiguousStorageIfAvailable { pin -> Bool in
                guard !pin.isEmpty else { return false }
                guard pin.count <= hay.count else { return false }
                let first = pin[0]
                var index = 0
                let end = hay.count - pin.count
                while index <= end {
                    if hay[index] == first {
                        var match = true
                        for offset in 1..<pin.count where hay[index + offset] != pin[offset] {
                            match = false
                            break
                        }
                        if match { return true }
                    }
                    index += 1
                }
                return false
            }
        }
        if let found = found ?? nil { return found }
        return contains(needle)
    }
}

extension String {
    /// The text without thousands separators (`1,200` → `1200`); itself when it has none.
    public var withoutCommas: String {
        utf8.contains(UInt8(ascii: ",")) ? String(String.UnicodeScalarView(unicodeScalars.filter { $0 != "," })) : self
    }

    /// Equal but for case, as `caseInsensitiveCompare(_:) == .orderedSame` says; ASCII text is compared without Foundation.
    public func equalsIgnoringCase(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.allSatisfy({ $0 < 0x80 }), b.allSatisfy({ $0 < 0x80 }) else { return caseInsensitiveCompare(other) == .orderedSame }
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A) }
    }
}
