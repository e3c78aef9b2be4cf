import Foundation

/// Turns the many ways people write a website into one comparable domain.
public enum WebDomain {
    /// `https://www.Acme.io/about` → `acme.io`; `nil` for blank or unparseable text.
    public static func normalise(_ raw: String?) -> String? {
        guard var text = raw?.fastTrimmed().lowercased(), !text.isEmpty else { return nil }
        if text.utf8.contains(UInt8(ascii: ":")), let scheme = text.range(of: "://") { text = String(text[scheme.upperBound...]) }
        if let at = text.lastIndex(of: "@") { text = String(text[text.index(after: at)...]) }
        if let end = text.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == ":" }) {
            text = String(text[..<end])
        }
        while text.hasPrefix("www.") { text.removeFirst(4) }
        if text.utf8.first == UInt8(ascii: ".") || text.utf8.last == UInt8(ascii: ".") { text = text.trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
        guard text.utf8.contains(UInt8(ascii: ".")), text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else { return nil }
        return text
    }

    /// The domain a company is known by: its website's, else a work (or role) address's; `nil` for free mail alone.
    public static func company(website: String?, email: String?) -> String? {
        normalise(website) ?? email.flatMap(EmailAddress.companyDomain)
    }
}
