/// One kind of damage the generator does to a record, as the ground truth names it.
///
/// Each record in the truth file lists the mess applied to it, so a dedupe or
/// routing benchmark can report which kinds it copes with and which it misses.
public enum SeedMess: String, Sendable, Hashable, CaseIterable, Codable {
    /// Email in odd case (`Ana.Silva@Acme.IO`).
    case emailCase = "email-case"
    /// Email with leading or trailing spaces.
    case emailSpaces = "email-spaces"
    /// Gmail address with dots moved (`anasilva@` for `ana.silva@`): the same mailbox to Google.
    case gmailDots = "gmail-dots"
    /// `+tag` added to the local part (`ana.silva+webinar@`).
    case plusTag = "plus-tag"
    /// This copy carries the person's personal address; the other system has the work one.
    case personalEmail = "personal-email"
    /// A letter dropped or two swapped in the last name.
    case nameTypo = "name-typo"
    /// Nickname instead of the given name (`Bill` for `William`).
    case nickname
    /// First and last name in each other's field.
    case swappedNames = "swapped-names"
    /// Accents dropped (`Jose Gomez` for `José Gómez`).
    case accentsDropped = "accents-dropped"
    /// Company name with a legal suffix or in other case than its other copies.
    case companyVariant = "company-variant"
    /// Phone written in another format than E.164.
    case phoneFormat = "phone-format"
    /// Title, phone, state or industry left blank.
    case missingFields = "missing-fields"
    /// A second record of the same person in the same system (signed up again with another address).
    case duplicateInSystem = "duplicate-in-system"
}

/// Pure text helpers the generator applies; deterministic given the random source.
enum SeedText {
    /// Accented letters the name lists use, and what people type instead.
    static let plainLetters: [Character: String] = [
        "á": "a", "à": "a", "ã": "a", "å": "a", "ä": "a", "é": "e", "è": "e", "ë": "e", "í": "i", "ï": "i",
        "ó": "o", "ö": "o", "ø": "o", "ú": "u", "ü": "u", "ñ": "n", "ç": "c", "ł": "l", "ř": "r", "š": "s",
        "Á": "A", "É": "E", "Ö": "O", "Ø": "O", "Ł": "L", "Š": "S", "Ü": "U", "Ç": "C",
    ]

    static func plain(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if let plain = plainLetters[character] { out += plain } else { out.append(character) }
        }
        return out
    }

    static func hasAccents(_ text: String) -> Bool { text.contains { plainLetters[$0] != nil } }

    /// An email local part from a name: plain letters, no apostrophes or spaces.
    static func local(_ name: String) -> String {
        plain(name).lowercased().filter { $0.isLetter || $0 == "-" }
    }

    /// One letter dropped or two neighbours swapped (names of four letters or more).
    static func typo(_ name: String, rng: inout SeededRandom) -> String {
        var letters = Array(name)
        guard letters.count >= 4 else { return name + String(letters.last ?? "e") }
        let at = Int.random(in: 1..<(letters.count - 1), using: &rng)
        if rng.chance(0.5) {
            letters.remove(at: at)
        } else {
            letters.swapAt(at, at + 1)
            if letters == Array(name) { letters.remove(at: at) }
        }
        return String(letters)
    }

    /// A gmail local part with its dots moved: removed when present, else one added.
    static func movedDots(_ local: String) -> String {
        if local.contains(".") { return local.replacingOccurrences(of: ".", with: "") }
        guard local.count > 2 else { return local }
        var letters = Array(local)
        letters.insert(".", at: letters.count / 2)
        return String(letters)
    }

    /// Odd-cased email: capitalised words or all upper case.
    static func oddCase(_ email: String, rng: inout SeededRandom) -> String {
        rng.chance(0.5) ? email.uppercased() : email.capitalized
    }

    /// A North American number in one of the ways people type them; `canonical` is E.164.
    static func phone(area: Int, line: Int, format: Int) -> String {
        let a = String(area), exchange = "555", digits = String(line)
        let last = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        switch format {
        case 0: return "+1\(a)\(exchange)\(last)"
        case 1: return "(\(a)) \(exchange)-\(last)"
        case 2: return "\(a).\(exchange).\(last)"
        case 3: return "+1 \(a)-\(exchange)-\(last)"
        default: return "\(a)\(exchange)\(last)"
        }
    }
    static let phoneFormats = 5
}
