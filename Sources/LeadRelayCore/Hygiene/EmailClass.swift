/// What kind of mailbox an address is, for scoring and for linking people.
public enum EmailClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// A person at a company.
    case work
    /// A consumer provider (gmail.com, outlook.com): says nothing about a company.
    case free
    /// A shared inbox (info@, sales@): never links two people by itself.
    case role
    /// A throw-away provider: not a lead.
    case disposable

    /// The class of a normalised address; `nil` when it has no domain.
    public static func of(_ email: String) -> EmailClass? {
        guard let domain = EmailAddress.domain(of: email), let at = email.utf8.lastIndex(of: UInt8(ascii: "@")) else { return nil }
        if EmailLists.disposable.contains(domain) { return .disposable }
        let whole = String(Substring(email.utf8[..<at]))
        let local = whole.utf8.contains(UInt8(ascii: "+")) ? whole.split(separator: "+").first.map(String.init) ?? "" : whole
        if EmailLists.roles.contains(local) { return .role }
        return EmailAddress.freeMailDomains.contains(domain) ? .free : .work
    }
}

extension EmailAddress {
    /// Providers that deliver `name+tag@` to `name@`.
    static let plusTagProviders: Set<String> = [
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com", "mac.com",
        "fastmail.com", "proton.me", "protonmail.com",
    ]
    /// Providers that ignore dots in the local part.
    static let dotBlindProviders: Set<String> = ["gmail.com", "googlemail.com"]

    /// The mailbox an address reaches, for matching only: `+tags` folded where the provider ignores them,
    /// dots folded for Gmail, `googlemail.com` read as `gmail.com`. The address itself is kept for display and writes.
    public static func matchKey(_ raw: String) -> String? {
        guard let email = normalise(raw), let at = email.lastIndex(of: "@") else { return nil }
        var local = String(email[..<at])
        var domain = String(email[email.index(after: at)...])
        if plusTagProviders.contains(domain), let plus = local.firstIndex(of: "+") { local = String(local[..<plus]) }
        if dotBlindProviders.contains(domain) { local = local.replacingOccurrences(of: ".", with: "") }
        if domain == "googlemail.com" { domain = "gmail.com" }
        guard !local.isEmpty else { return nil }
        return local + "@" + domain
    }

    /// The company domain an address gives away: none for free, role-less disposable providers.
    public static func companyDomain(_ email: String) -> String? {
        guard let domain = domain(of: email), let kind = EmailClass.of(email), kind == .work || kind == .role else { return nil }
        return domain.lowercased()
    }
}

/// The maintained lists behind `EmailClass` (extend them here; tests pin the behaviour).
enum EmailLists {
    /// Local parts of shared inboxes.
    static let roles: Set<String> = [
        "info", "sales", "support", "admin", "contact", "hello", "office", "team", "marketing", "billing", "accounts",
        "accounting", "finance", "hr", "jobs", "careers", "press", "media", "help", "service", "enquiries", "inquiries",
        "noreply", "no-reply", "webmaster", "postmaster", "abuse", "security", "legal", "privacy", "orders", "shop",
        "reception", "frontdesk", "it", "ops", "operations", "partners", "events", "newsletter", "feedback", "mail",
    ]
    /// Throw-away mailbox providers.
    static let disposable: Set<String> = [
        "mailinator.com", "guerrillamail.com", "guerrillamail.net", "10minutemail.com", "tempmail.com", "temp-mail.org",
        "yopmail.com", "trashmail.com", "getnada.com", "dispostable.com", "sharklasers.com", "maildrop.cc",
        "throwawaymail.com", "fakeinbox.com", "mintemail.com", "mailnesia.com", "spamgourmet.com", "emailondeck.com",
        "moakt.com", "tempr.email", "discard.email", "mohmal.com", "burnermail.io", "33mail.com",
    ]
}
