import Foundation
import Testing
import LeadRelayHTTP

@Suite("JSON reader and writer")
struct JSONCodecTests {
    @Test("parses every JSON shape as JSONDecoder would", arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-12.5e2,"g":0,"h":1.0E-3}"#,
        #"  [ 1 , 2.5 , -0 , 123456789012345678 , "x" ]  "#,
        #""caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t""#,
        #"{"emoji":"😀","accents":"José Gómez","nested":[[[[]]]],"empty":{}}"#,
        #"{"Id":"00Q5g00000ABCDeEAF","AnnualRevenue":1200000.0,"NumberOfEmployees":40,"IsConverted":false,"Phone":null}"#,
    ])
    func parses(_ text: String) throws {
        let data = Data(text.utf8)
        let fast = try JSONValue.decode(data)
        let reference = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(fast == reference)
    }

    @Test("refuses what is not JSON, naming the byte", arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "{'a':1}", "01", "1.", "-", "1e", "tru", "nul", "\"open",
        "\"bad \\x escape\"", "\"\\ud800 lone\"", "\"tab\tinside\"", "[1] 2", "{\"a\":1,}",
    ])
    func refuses(_ text: String) {
        #expect(throws: DecodingError.self) { try JSONValue.decode(Data(text.utf8)) }
    }

    @Test("refuses nesting deep enough to exhaust the stack")
    func depth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: DecodingError.self) { try JSONValue.decode(Data(deep.utf8)) }
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: Never.self) { try JSONValue.decode(Data(fine.utf8)) }
    }

    @Test("writes sorted keys, escapes control characters, integers without .0, and reads back the same value")
    func writes() throws {
        let value: JSONValue = ["b": 2, "a": ["x\"y\\z\n\u{01}", 1.5, 1_200_000, .null, true], "c": ["é": "😀/"]]
        let text = String(decoding: try value.encoded(), as: UTF8.self)
        #expect(text == #"{"a":["x\"y\\z\n\u0001",1.5,1200000,null,true],"b":2,"c":{"é":"😀/"}}"#)
        #expect(try JSONValue.decode(Data(text.utf8)) == value)
        #expect(throws: EncodingError.self) { try JSONValue.number(.nan).encoded() }
    }

    @Test("random documents round-trip")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        func random(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &generator) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &generator))
            case 2: return .number(Bool.random() ? Double(Int.random(in: -1_000_000...1_000_000)) : Double.random(in: -1e9...1e9))
            case 3: return .string(String((0..<Int.random(in: 0...12)).map { _ in "aZ é\"\\\n😀/\u{7}".randomElement()! }))
            case 4: return .array((0..<Int.random(in: 0...4)).map { _ in random(depth + 1) })
            default: return .object(Dictionary((0..<Int.random(in: 0...4)).map { ("k\($0)\(Int.random(in: 0...9))", random(depth + 1)) }) { a, _ in a })
            }
        }
        for _ in 0..<300 {
            let value = random(0)
            #expect(try JSONValue.decode(value.encoded()) == value)
        }
    }

    @Test("JSON values keep their types and flatten to text")
    func jsonValue() throws {
        let value = try JSONValue.decode(Data(#"{"a":1.0,"b":"x","c":null,"d":true,"e":[1,2],"f":1.5}"#.utf8))
        #expect(value["a"]?.flatText == "1")
        #expect(value["b"]?.flatText == "x")
        #expect(value["c"]?.isNull == true)
        #expect(value["d"]?.flatText == "true")
        #expect(value["e"]?.flatText == nil)
        #expect(value["f"]?.flatText == "1.5")
        #expect(String(decoding: try value.encoded(), as: UTF8.self) == #"{"a":1,"b":"x","c":null,"d":true,"e":[1,2],"f":1.5}"#)
    }
}
