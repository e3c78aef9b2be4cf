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

    @Test("non-ASCII text, CRLF inside quotes, a final quoted empty field, and error lines")
    func details() throws {
        #expect(try CSV.parse("name,city\r\nZoë,Zürich\r\n\"José, Jr.\",São Paulo\r\n") == [["name", "city"], ["Zoë", "Zürich"], ["José, Jr.", "São Paulo"]])
        #expect(try CSV.parse("a,\"x\r\ny\"\n") == [["a", "x\r\ny"]])
        #expect(try CSV.parse("a,\"\"") == [["a", ""]])
        #expect(try CSV.parse("🙂,b\n") == [["🙂", "b"]])
        do {
            _ = try CSV.parse("a,b\nc,\"d\ne\"\nf,g\"h\n")
            Issue.record("a quote inside an unquoted field must fail")
        } catch {
            #expect(error.line == 4, "the quoted field spanning a line break counts that line")
            #expect(error.message == "a quote inside an unquoted field")
        }
    }
}
