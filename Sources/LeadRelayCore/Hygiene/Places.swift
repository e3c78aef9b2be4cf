import Foundation

/// Countries and US/Canadian states and provinces, to ISO 3166 codes.
public enum Places {
    /// ISO 3166-1 alpha-2 code for a country name, code or common alias; `nil` when unknown.
    public static func country(_ raw: String?) -> String? {
        guard let key = raw.map(MatchText.fold), !key.isEmpty else { return nil }
        if key.count == 2, countryNames.values.contains(key.uppercased()) { return key.uppercased() }
        return countryNames[key]
    }

    /// ISO 3166-2 subdivision (`US-MA`, `CA-ON`) for a state or province name or code; `country` narrows codes.
    public static func subdivision(_ raw: String?, country: String? = nil) -> String? {
        guard let key = raw.map(MatchText.fold), !key.isEmpty else { return nil }
        let countries = country.map { [$0.uppercased()] } ?? ["US", "CA"]
        for code in countries {
            guard let table = subdivisions[code] else { continue }
            if key.count == 2, table.values.contains(key.uppercased()) { return "\(code)-\(key.uppercased())" }
            if let found = table[key] { return "\(code)-\(found)" }
        }
        return nil
    }

    static let countryNames: [String: String] = [
        "united states": "US", "united states of america": "US", "usa": "US", "u s a": "US", "us": "US", "america": "US",
        "canada": "CA", "mexico": "MX", "brazil": "BR", "brasil": "BR", "argentina": "AR", "chile": "CL", "colombia": "CO",
        "united kingdom": "GB", "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
        "wales": "GB", "northern ireland": "GB", "ireland": "IE", "germany": "DE", "deutschland": "DE", "france": "FR",
        "spain": "ES", "espana": "ES", "italy": "IT", "italia": "IT", "netherlands": "NL", "the netherlands": "NL", "holland": "NL",
        "belgium": "BE", "switzerland": "CH", "schweiz": "CH", "austria": "AT", "osterreich": "AT", "sweden": "SE", "sverige": "SE",
        "norway": "NO", "norge": "NO", "denmark": "DK", "danmark": "DK", "finland": "FI", "suomi": "FI", "poland": "PL", "polska": "PL",
        "portugal": "PT", "greece": "GR", "czech republic": "CZ", "czechia": "CZ", "hungary": "HU", "romania": "RO", "turkey": "TR",
        "turkiye": "TR", "israel": "IL", "united arab emirates": "AE", "uae": "AE", "saudi arabia": "SA", "south africa": "ZA",
        "nigeria": "NG", "kenya": "KE", "egypt": "EG", "india": "IN", "china": "CN", "japan": "JP", "south korea": "KR",
        "korea": "KR", "singapore": "SG", "australia": "AU", "new zealand": "NZ", "indonesia": "ID", "philippines": "PH",
        "vietnam": "VN", "thailand": "TH", "malaysia": "MY", "hong kong": "HK", "taiwan": "TW", "russia": "RU", "ukraine": "UA",
    ]

    static let subdivisions: [String: [String: String]] = [
        "US": [
            "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO",
            "connecticut": "CT", "delaware": "DE", "district of columbia": "DC", "washington dc": "DC", "florida": "FL",
            "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS",
            "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI",
            "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
            "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY", "north carolina": "NC",
            "north dakota": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI",
            "south carolina": "SC", "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
            "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "puerto rico": "PR",
            "mass": "MA", "calif": "CA", "penn": "PA",
        ],
        "CA": [
            "alberta": "AB", "british columbia": "BC", "manitoba": "MB", "new brunswick": "NB", "newfoundland and labrador": "NL",
            "newfoundland": "NL", "nova scotia": "NS", "ontario": "ON", "prince edward island": "PE", "quebec": "QC",
            "saskatchewan": "SK", "northwest territories": "NT", "nunavut": "NU", "yukon": "YT",
        ],
    ]
}

/// Text folded for matching only: accents dropped, lower case, punctuation as spaces, spaces collapsed.
/// Display values are never replaced by it.
public enum MatchText {
    /// Lower-case letters and digits, accents dropped, every run of other characters one space, apostrophes
    /// removed: `"O'Brien-Smith, Zoë"` → `"obrien smith zoe"`. ASCII text takes a byte-level path (the common
    /// case, and a third of a CSV dedupe's time before it had one); anything else goes through Unicode folding.
    public static func fold(_ text: String) -> String {
        var ascii = true
        for byte in text.utf8 where byte >= 0x80 { ascii = false; break }
        return ascii ? foldASCII(text) : foldUnicode(text)
    }

    static func foldASCII(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var space = false
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39:
                if space, !out.isEmpty { out.append(0x20) }
                out.append(byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte)
                space = false
            case 0x27:
                continue
            default:
                space = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func foldUnicode(_ text: String) -> String {
        let plain = text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
            .replacingOccurrences(of: "ø", with: "o").replacingOccurrences(of: "ł", with: "l").replacingOccurrences(of: "æ", with: "ae")
            .replacingOccurrences(of: "ß", with: "ss").replacingOccurrences(of: "œ", with: "oe").lowercased()
        var out = ""
        var space = false
        for character in plain {
            if character.isLetter || character.isNumber {
                if space, !out.isEmpty { out.append(" ") }
                out.append(character)
                space = false
            } else if character == "'" || character == "’" {
                continue
            } else {
                space = true
            }
        }
        return out
    }
}
