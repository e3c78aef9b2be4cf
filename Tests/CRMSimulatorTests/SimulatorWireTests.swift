import CRMSimulator
import Foundation
import Testing

/// The simulator's own JSON and timestamps (Foundation's, never the product's codec), pinned to the vendors' forms.
@Suite("Simulator wire formats")
struct SimulatorWireTests {
    @Test("HubSpot writes milliseconds and Z; Salesforce whole seconds and +0000 (as their docs show)")
    func formats() {
        let instant = Date(timeIntervalSince1970: 1_704_110_400.123)
        #expect(SimTime.hubspot(instant) == "2024-01-01T12:00:00.123Z")
        #expect(SimTime.salesforce(instant) == "2024-01-01T12:00:00.000+0000")
        #expect(SimTime.hubspot(Date(timeIntervalSince1970: 1_704_110_400)) == "2024-01-01T12:00:00.000Z")
        #expect(SimTime.hubspot(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }

    @Test("a time of whole milliseconds prints and parses back as itself, whatever the double's rounding")
    func wholeMilliseconds() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let millis = Int64.random(in: 1_600_000_000_000...1_900_000_000_000, using: &rng)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let text = SimTime.hubspot(date)
            #expect(text.dropLast().hasSuffix(String(format: "%03d", Int(millis % 1000))), "\(millis) → \(text)")
            let parsed = try #require(SimTime.parse(text))
            #expect(SimTime.hubspot(parsed) == text)
        }
    }

    @Test("timestamps parse in every form the APIs take; impossible days do not")
    func parsing() {
        let noon = Date(timeIntervalSince1970: 1_704_110_400)
        for text in ["2024-01-01T12:00:00.000+0000", "2024-01-01T12:00:00Z", "2024-01-01T12:00:00.000Z", "2024-01-01T13:00:00+01:00",
                     "2024-01-01T07:00:00.000-0500", "1704110400000"] {
            #expect(SimTime.parse(text) == noon, "\(text)")
        }
        #expect(SimTime.parse("2024-01-01") == Date(timeIntervalSince1970: 1_704_067_200))
        #expect(SimTime.parse("2024-02-30") == nil)
        #expect(SimTime.parseDate("2024-02-29") != nil && SimTime.parseDate("2023-02-29") == nil)
        #expect(SimTime.parse("yesterday") == nil && SimTime.parse("") == nil)
    }

    @Test("JSON bodies decode with Foundation: numbers, booleans and nulls stay apart; whole numbers encode as integers")
    func json() throws {
        let value = try SimJSON.decode(Data(#"{"a": 1, "b": true, "c": null, "d": [1.5, "x"], "e": {"f": "0"}}"#.utf8))
        #expect(value == ["a": 1, "b": true, "c": nil, "d": [1.5, "x"], "e": ["f": "0"]])
        #expect(value["b"]?.doubleValue == nil && value["a"]?.boolValue == nil)
        #expect(String(decoding: try SimJSON.number(5).encoded(), as: UTF8.self) == "5")
        #expect(String(decoding: try SimJSON.number(2.5).encoded(), as: UTF8.self) == "2.5")
        #expect(throws: (any Error).self) { try SimJSON.decode(Data("{\"a\": ".utf8)) }
        #expect(SimJSON.quoted("say \"hi\"\n") == #""say \"hi\"\n""#)
    }
}
