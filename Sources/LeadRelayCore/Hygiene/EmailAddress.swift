import Foundation

/// Email normalisation and classification.
public enum EmailAddress {
    /// Lower-cases and trims an address, strips `mailto:` and angle brackets.
    ///
    /// Returns `nil` when what is left is not shaped like `local@domain.tld`.
    public static func normalise(_ raw: String) -> String? {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
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
        guard let at = email.lastIndex(of: "@") else { return nil }
        let domain = email[email.index(after: at)...]
        return domain.isEmpty ? nil : String(domain)
    }

    /// Consumer mailbox providers: a lead on one of these says nothing about a company.
    public static let freeMailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "hotmail.com", "hotmail.co.uk",
        "outlook.com", "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me",
        "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "yandex.ru", "yandex.com",
        "qq.com", "163.com", "zoho.com", "fastmail.com", "hey.com", "tutanota.com",
    ]
}
