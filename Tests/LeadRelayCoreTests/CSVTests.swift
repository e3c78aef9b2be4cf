import Foundation
import Testing
@testable import LeadRelayCore

@Suite("CSV")
struct CSVTests {
    @Test("quoted fields hold commas, quotes and line breaks; CRLF and LF both end rows")
    func parse() throws {
        let text = "id,name,note\r\n1,\"Silva, Ana\",\"said \"\"hi\"\"\"\n2,Ben,\"two\nlines\"\n3,,\n"
        let rows = try CSV.parse(text)
        #expect(rows == [["id", "name", "note"], ["1", "Silva, Ana", "said \"hi\""], ["2", "Ben", "two\nlines"], ["3", "", ""]])
        #expect(try CSV.parse("a,b") == [["a", "b"]])
        #expect(try CSV.parse("") == [])
    }

    @Test("bad quoting is refused with its line", arguments: ["a,\"open\nb", "a,b\"c\n", "\"x\"y,1\n"])
    func refuses(_ text: String) {
        #expect(throws: CSV.ParseError.self) { try CSV.parse(text) }
    }

    @Test("rows written and read back are the same")
    func roundTrip() throws {
        let fields = ["plain", "with, comma", "with \"quote\"", "line\nbreak", ""]
        #expect(try CSV.parse(CSV.row(fields) + "\n") == [fields])
    }
}
