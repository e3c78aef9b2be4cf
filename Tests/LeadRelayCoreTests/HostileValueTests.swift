import Foundation
import Testing
@testable import LeadRelayCore

/// Values anyone can type into a CRM property, through every conversion that once trapped on them.
@Suite("Values no integer holds")
struct HostileValueTests {
    @Test("an integer field keeps a number it cannot hold as written, and never traps", arguments: [
        "1e30", "-1e30", "inf", "-inf", "nan", "1e400", "9223372036854775808", "123456789012345678901234567890",
    ])
    func integerOverflow(raw: String) {
        #expect(FieldType.integer.normalise(raw) == raw)
    }

    @Test("integers still normalise: separators, decimals and Salesforce's .0")
    func integers() {
        #expect(FieldType.integer.normalise("1,200") == "1200")
        #expect(FieldType.integer.normalise("40.0") == "40")
        #expect(FieldType.integer.normalise("9.6") == "10")
        #expect(FieldType.integer.normalise("-0") == "0")
    }

    @Test("size bands: counts only; huge, infinite, negative and junk counts have none", arguments: [
        ("40", "11-50"), ("1,200", "1001-5000"), ("5001", "5001+"), ("1e30", nil), ("inf", nil), ("nan", nil), ("-3", nil), ("forty", nil),
    ] as [(String, String?)])
    func sizeBands(raw: String, band: String?) {
        #expect(LeadAttributes.sizeBand(employees: raw) == band)
        let lead = Lead(personKey: .email("a@b.io"), sources: [], fields: ["employees": raw], lifecycle: .lead, modifiedAt: Date())
        #expect(LeadAttributes.value("sizeBand", of: lead) == band)
    }

    @Test("numbers print without trapping, whole ones without .0")
    func formats() {
        #expect(Condition.format(40) == "40")
        #expect(Condition.format(2.5) == "2.5")
        #expect(Condition.format(.infinity) == "inf")
        #expect(Condition.format(-.infinity) == "-inf")
        #expect(Condition.format(1e30) == "1e+30")
        #expect(Condition.format(.nan) == "nan")
    }

    @Test("dates and instants outside years 1–9999 are not parsed, and printing any instant never traps", arguments: [
        "253402300800000", "99999999999999999999", "9223372036854775807", "0000-00-00", "99999-01-01", "2024-13-45", "2024-1-5",
        "922337203685477-01-01",
    ])
    func outOfRangeDates(raw: String) {
        #expect(ISOTimestamp.parse(raw) == nil)
        #expect(FieldType.date.normalise(raw) == raw)
        #expect(FieldType.datetime.normalise(raw) == raw)
    }

    @Test("the ends of the range still parse, and extreme instants print as the nearest end")
    func rangeEnds() {
        #expect(ISOTimestamp.parse("253402300799999").map(ISOTimestamp.format) == "9999-12-31T23:59:59.999Z")
        #expect(ISOTimestamp.parse("0001-01-01").map(ISOTimestamp.format) == "0001-01-01T00:00:00.000Z")
        #expect(ISOTimestamp.format(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59.999Z")
        #expect(ISOTimestamp.format(Date(timeIntervalSince1970: -.infinity)) == "0001-01-01T00:00:00.000Z")
        #expect(ISOTimestamp.format(Date(timeIntervalSince1970: .nan)) == "1970-01-01T00:00:00.000Z")
        #expect(Date(timeIntervalSince1970: .infinity).epochMillis > 0)
    }

    @Test("durations: an infinite or centuries-long one in a file is refused, and no duration traps when used")
    func durations() throws {
        #expect(throws: ConfigIssue.self) { try ConfigDuration(parsing: "1e300w") }
        #expect(throws: ConfigIssue.self) { try ConfigDuration(parsing: "infs") }
        #expect(try ConfigDuration(parsing: "2h").duration == .seconds(7200))
        #expect(ConfigDuration(seconds: .infinity).duration == .seconds(100 * 365 * 86_400))
        #expect(Duration.clamped(seconds: .nan) == .zero)
        #expect(Duration.clamped(seconds: -5) == .zero)
        #expect(Duration.clamped(seconds: 1e300) == .seconds(86_400))
        #expect(Duration.clamped(seconds: 1.5) == .milliseconds(1500))
    }
}
