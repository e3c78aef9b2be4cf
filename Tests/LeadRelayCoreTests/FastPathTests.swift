import Foundation
import Testing
@testable import LeadRelayCore

/// The hot paths that skip Foundation give Foundation's answers: each is checked against it on awkward inputs.
@Suite("Fast text paths agree with Foundation")
struct FastPathTests {
    static let texts = ["", " ", "  a b  ", "abc", "\tVP Sales\n", "José ", " Ünïcode", "\u{00A0}nbsp\u{00A0}", "a\u{2003}", "x", "\n", "1,200", "Info "]

    @Test("fastTrimmed is trimmingCharacters(in:), for both whitespace sets", arguments: texts)
    func trimmed(text: String) {
        #expect(text.fastTrimmed() == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(text.fastTrimmed(.whitespaces) == text.trimmingCharacters(in: .whitespaces))
        #expect(text.isBlank == text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    @Test("includes is contains(_:) for a substring")
    func includes() {
        let cases: [(String, String)] = [("closed - not converted", "not converted"), ("recycled", "recycl"), ("a", ""), ("", "a"),
                                         ("working - contacted", "not contacted"), ("ééa", "éa"), ("abcabd", "abd"), ("ab", "abc")]
        for (hay, needle) in cases { #expect(hay.includes(needle) == hay.contains(needle), "\(hay) ⊃ \(needle)") }
    }

    @Test("equalsIgnoringCase is caseInsensitiveCompare == .orderedSame")
    func caseBlind() {
        let pairs: [(String, String)] = [("Healthcare", "HEALTHCARE"), ("vp", "VP"), ("a[", "A{"), ("@x", "`X"), ("Zürich", "ZÜRICH"),
                                         ("abc", "abd"), ("", ""), ("a", "ab"), ("demo-request", "Demo-Request"), ("1-10", "1-10")]
        for (a, b) in pairs { #expect(a.equalsIgnoringCase(b) == (a.caseInsensitiveCompare(b) == .orderedSame), "\(a) ~ \(b)") }
    }

    @Test("a plain decimal is written as NSDecimalNumber writes it; anything else goes to Decimal")
    func decimals() {
        for text in ["1200000.0", "1,200,000.50", "-0", "-0.00", "0012", ".5", "5.", "-12.340", "0", "000.000", "123456789012345678901234.5",
                     "99.999", "-1,000"] {
            let expected = Decimal(string: text.replacingOccurrences(of: ",", with: ""), locale: Locale(identifier: "en_US_POSIX"))
                .map { NSDecimalNumber(decimal: $0).stringValue }
            #expect(FieldType.plainDecimal(text) == expected, "\(text)")
        }
        for text in ["1e5", "-", ".", "1.2.3", "12 000", "1,2.3,4", "--1"] { #expect(FieldType.plainDecimal(text) == nil, "\(text)") }
        #expect("1,200".withoutCommas == "1200" && "1200".withoutCommas == "1200")
    }

    @Test("seniority from titles, words and pairs of words as before")
    func seniority() {
        let table: [(String?, Seniority?)] = [("CEO", .cLevel), ("Co-Founder", .cLevel), ("Vice President, Sales", .vp), ("Sr. VP", .vp),
                                              ("Head of IT", .director), ("Director of IT", .director), ("Team Lead", .manager),
                                              ("Engineer", .individual), ("  ", nil), (nil, nil), ("---", .individual), ("President", .cLevel),
                                              ("Vice President", .vp), ("CTO & co founder", .cLevel), ("Leadership coach", .individual)]
        for (title, expected) in table { #expect(Seniority.of(title: title) == expected, "\(title ?? "nil")") }
    }
}
