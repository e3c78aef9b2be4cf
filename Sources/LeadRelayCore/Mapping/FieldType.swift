import Foundation

/// The canonical type of a mapped field, which decides how values are normalised and compared.
public enum FieldType: String, Sendable, Hashable, Codable, CaseIterable {
    case string
    case email
    case phone
    case integer
    case decimal
    case picklist
    case date
    case datetime
    case boolean
    case owner
    case url

    /// Brings a raw CRM value to canonical form; returns `nil` for blank values.
    ///
    /// Numbers lose Salesforce's `.0` and HubSpot's string quoting alike, so
    /// `"1200000"` and `1200000.0` compare equal.
    public func normalise(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        // Most values are already tidy ASCII: they skip Foundation's trimming and the whitespace split (the same answer).
        let tidy = Self.isTidyASCII(raw)
        let trimmed = tidy ? raw : raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        switch self {
        case .email:
            return EmailAddress.normalise(trimmed)
        case .integer:
            // A number no integer holds (1e30, inf) stays as written: the write's type check refuses it, nothing traps.
            if let value = Double(trimmed.withoutCommas),
               let integer = Int(exactly: value.rounded()) {
                return String(integer)
            }
            return trimmed
        case .decimal:
            if let plain = Self.plainDecimal(trimmed) { return plain }
            if let value = Decimal(string: trimmed.replacingOccurrences(of: ",", with: ""), locale: Locale(identifier: "en_US_POSIX")) {
                return NSDecimalNumber(decimal: value).stringValue
            }
            return trimmed
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "1", "yes": return "true"
            case "false", "0", "no": return "false"
            default: return trimmed
            }
        case .url:
            return trimmed.lowercased()
        case .date:
            // HubSpot writes dates as midnight epoch milliseconds or YYYY-MM-DD; Salesforce as YYYY-MM-DD.
            if let millis = Int64(trimmed), let instant = ISOTimestamp.instant(epochMillis: millis) { return String(ISOTimestamp.format(instant).prefix(10)) }
            if let instant = ISOTimestamp.parse(trimmed) { return String(ISOTimestamp.format(instant).prefix(10)) }
            return trimmed
        case .datetime:
            // One canonical instant (UTC, milliseconds) however each system writes it.
            if let millis = Int64(trimmed), let instant = ISOTimestamp.instant(epochMillis: millis) { return ISOTimestamp.format(instant) }
            if let instant = ISOTimestamp.parse(trimmed) { return ISOTimestamp.format(instant) }
            return trimmed
        case .string, .phone, .picklist, .owner:
            return tidy ? trimmed : trimmed.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
    }

    /// A plain decimal (`-1,200.50`, `.5`, `0012`) written as `NSDecimalNumber` writes it (`-1200.5`, `0.5`, `12`),
    /// without Foundation; `nil` for anything else (exponents, spaces, more digits than a `Decimal` keeps exactly),
    /// which takes the `Decimal` path.
    static func plainDecimal(_ text: String) -> String? {
        var negative = false
        var integer: [UInt8] = []
        var fraction: [UInt8] = []
        var inFraction = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where index == 0: negative = true
            case UInt8(ascii: ","): if inFraction { return nil }
            case UInt8(ascii: "."): if inFraction { return nil } else { inFraction = true }
            case UInt8(ascii: "0")...UInt8(ascii: "9"): if inFraction { fraction.append(byte) } else { integer.append(byte) }
            default: return nil
            }
        }
        guard !integer.isEmpty || !fraction.isEmpty, integer.count + fraction.count <= 30 else { return nil }
        while integer.count > 1, integer.first == UInt8(ascii: "0") { integer.removeFirst() }
        if integer.isEmpty { integer = [UInt8(ascii: "0")] }
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        let zero = integer == [UInt8(ascii: "0")] && fraction.isEmpty
        var result = String(decoding: integer, as: UTF8.self)
        if !fraction.isEmpty { result += "." + String(decoding: fraction, as: UTF8.self) }
        return negative && !zero ? "-" + result : result
    }

    /// ASCII with no control characters, no space at either end and never two spaces in a row: trimming and collapsing
    /// whitespace would leave it as it is.
    static func isTidyASCII(_ text: String) -> Bool {
        var previousSpace = true
        for byte in text.utf8 {
            guard byte >= 0x20, byte < 0x7F else { return false }
            let space = byte == 0x20
            if space && previousSpace { return false }
            previousSpace = space
        }
        return !previousSpace
    }
}

/// How a text field's case is made canonical (`case:` in the mapping file).
public enum TextCase: String, Sendable, Hashable, Codable, CaseIterable {
    case lower, upper, title

    public func apply(_ text: String) -> String {
        switch self {
        case .lower: text.lowercased()
        case .upper: text.uppercased()
        case .title: text.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined(separator: " ")
        }
    }
}

/// What happens to a value longer than a field's `maxLength` (`overflow:` in the mapping file).
public enum Overflow: String, Sendable, Hashable, Codable, CaseIterable {
    /// Cut to `maxLength` characters before writing.
    case truncate
    /// Not written; reported instead.
    case reject
}
