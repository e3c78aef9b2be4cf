import Foundation

/// Email normalisation and classification.
public enum EmailAddress {
    /// Lower-cases and trims an address, strips `mailto:` and angle brackets.
    ///
    /// Returns `nil` when what is left is not shaped like `local@domain.tld`.
    public static func normalise(_ raw: String) -> String? {
        for byte in raw.utf8 where byte >= 0x80 { return normaliseUnicode(raw) }
        return normaliseASCII(Array(raw.utf8))
    }

    /// `normalise` for ASCII input, on bytes (the same steps in the same order; a test holds the two paths equal).
    static func normaliseASCII(_ input: [UInt8]) -> String? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        var bytes = input[...]
        while let first = bytes.first, isSpace(first) { bytes.removeFirst() }
        while let last = bytes.last, isSpace(last) { bytes.removeLast() }
        var text = bytes.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }[...]
        if text.starts(with: Array("mailto:".utf8)) { text.removeFirst(7) }
        if text.first == UInt8(ascii: "<"), text.last == UInt8(ascii: ">"), text.count >= 2 { text = text.dropFirst().dropLast() }
        let clean = text.filter { !isSpace($0) }
        guard let at = clean.firstIndex(of: UInt8(ascii: "@")), at > 0,
              !clean[(at + 1)...].contains(UInt8(ascii: "@")) else { return nil }
        var domain = clean[(at + 1)...]
        while domain.first == UInt8(ascii: ".") { domain.removeFirst() }
        while domain.last == UInt8(ascii: ".") { domain.removeLast() }
        var dot = false, previousDot = false
        for byte in domain {
            let isDot = byte == UInt8(ascii: ".")
            guard isDot || byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte) else { return nil }
            if isDot && previousDot { return nil }
            dot = dot || isDot
            previousDot = isDot
        }
        guard dot else { return nil }
        return String(decoding: clean[..<at], as: UTF8.self) + "@" + String(decoding: domain, as: UTF8.self)
    }

    static func normaliseUnicode(_ raw: String) -> String? {
        var text = raw.fastTrimmed().lowercased()
        if text.hasPrefix("mailto:") { text.removeFirst("mailto:".count) }
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        text = text.filter { !$0.isWhitespace }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        let domain = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "."))
        guard domain.contains("."), !domain.contains(".."), domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else {
            return nil
        }
        return "\(parts[0])@\(domain)"
    }

    /// The domain of a normalised address.
    public static func domain(of email: String) -> String? {
        guard let at = email.utf8.lastIndex(of: UInt8(ascii: "@")) else { return nil }
        let domain = email.utf8[email.utf8.index(after: at)...]
        return domain.isEmpty ? nil : String(Substring(domain))
    }

    /// Consumer mailbox providers: a lead on one of these says nothing about a company.
    public static let freeMailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "hotmail.com", "hotmail.co.uk",
        "outlook.com", "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me",
        "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "yandex.ru", "yandex.com",
        "qq.com", "163.com", "zoho.com", "fastmail.com", "hey.com", "tutanota.com",
    ]
}
