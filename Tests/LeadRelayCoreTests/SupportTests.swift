import Foundation
import Testing
@testable import LeadRelayCore

@Suite("Support types")
struct SupportTests {
    @Test("durations parse with units", arguments: [
        ("500ms", 0.5), ("30s", 30), ("10m", 600), ("2h", 7200), ("30d", 2_592_000), ("1w", 604_800), ("1.5h", 5400),
    ])
    func durations(text: String, seconds: Double) throws {
        #expect(try ConfigDuration(parsing: text).seconds == seconds)
    }

    @Test("bad durations say what is accepted", arguments: ["10", "10x", "-5s", "s", ""])
    func badDurations(text: String) {
        #expect(throws: ConfigIssue.self) { try ConfigDuration(parsing: text) }
    }

    @Test("durations print back in their largest whole unit")
    func durationDescription() throws {
        #expect(try ConfigDuration(parsing: "120s").description == "2m")
        #expect(try ConfigDuration(parsing: "30d").description == "30d")
        #expect(ConfigDuration(seconds: 0.25).description == "250ms")
    }

    @Test("globs match whole text with * wildcards", arguments: [
        ("*/pricing*", "https://x.com/pricing/enterprise", true),
        ("*/pricing*", "https://x.com/blog/about-pricing", false),
        ("*/careers*", "https://x.com/careers", true),
        ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false),
        ("*", "", true),
        ("exact", "EXACT", true),
    ])
    func glob(pattern: String, text: String, expected: Bool) {
        #expect(Glob.matches(pattern, text) == expected)
    }

    @Test("ISO timestamps parse every format the APIs send", arguments: [
        "2024-06-10T17:01:44.908Z", "2024-06-10T17:01:44.908+0000", "2024-06-10T19:01:44.908+02:00",
        "2024-06-10T17:01:44.908", "1718038904908",
    ])
    func timestamps(text: String) throws {
        let date = try #require(ISOTimestamp.parse(text))
        #expect(date.epochMillis == 1_718_038_904_908)
    }

    @Test("formatting agrees with the calendar and parses back, across leap years and before 1970")
    func formatRoundTrip() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var rng = SystemRandomNumberGenerator()
        let fixed: [Int64] = [0, -1, 951_782_400_000, 4_107_542_399_999, -2_208_988_800_000, 1_709_164_800_123]
        for millis in fixed + (0..<500).map({ _ in Int64.random(in: -3_000_000_000_000...5_000_000_000_000, using: &rng) }) {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let text = ISOTimestamp.format(date)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            #expect(text.hasPrefix(expected), "\(millis)")
            #expect(try #require(ISOTimestamp.parse(text)).epochMillis == millis)
        }
    }

    @Test("garbage is not a timestamp", arguments: ["", "yesterday", "2024-13-45", "2024-06-10T17:01:44+2", "2023-02-29T00:00:00Z", "2024-04-31"])
    func badTimestamps(text: String) {
        #expect(ISOTimestamp.parse(text) == nil)
    }

    @Test("watermarks order by time, then by id numerically for digit ids")
    func watermarkOrder() {
        let t = Date(timeIntervalSince1970: 1000)
        #expect(Watermark(modifiedAt: t, id: "9") < Watermark(modifiedAt: t, id: "10"))
        #expect(Watermark(modifiedAt: t, id: "99") < Watermark(modifiedAt: t.addingTimeInterval(0.001), id: "1"))
        #expect(!(Watermark(modifiedAt: t, id: "5") < Watermark(modifiedAt: t, id: "5")))
    }

    @Test("secrets never print")
    func secretDescription() {
        let secret = Secret("pat-na1-abc")
        #expect("\(secret)" == "***")
        #expect(String(reflecting: secret) == "Secret(***)")
        #expect(secret.value == "pat-na1-abc")
    }

    @Test("conditions compare text case-insensitively and numbers numerically")
    func conditions() {
        #expect(Condition.oneOf(["Technology"]).matches("technology"))
        #expect(!Condition.oneOf(["Technology"]).matches(nil))
        #expect(Condition.noneOf(["Student"]).matches(nil))
        #expect(Condition.between(200, 5000).matches("200"))
        #expect(!Condition.between(200, 5000).matches("5001"))
        #expect(!Condition.between(200, 5000).matches("lots"))
        #expect(Condition.exists(false).matches(nil))
        #expect(Condition.equals("free").matches("FREE"))
    }
}

@Suite("Stream identities")
struct StreamIDTests {
    @Test("streams read back from the keys they are stored under; other keys are not streams",
          arguments: [StreamID(.hubspot, "contacts"), StreamID(.hubspot, "contacts", .deletions), StreamID(.salesforce, "Lead"),
                      StreamID(.salesforce, "accounts"), StreamID(.hubspot, "activities")])
    func roundTrip(_ stream: StreamID) {
        #expect(StreamID(rawValue: stream.rawValue) == stream)
    }

    @Test("keys that name no stream", arguments: ["mapping.fingerprint", "hubspot", "hubspot.contacts.deleted-sweep", "pipedrive.people", "hubspot..deleted"])
    func notStreams(_ key: String) {
        #expect(StreamID(rawValue: key) == nil)
    }

    @Test("the deletion sweep of a stream is keyed as before")
    func keys() {
        #expect(StreamID(.hubspot, "contacts").deletions.rawValue == "hubspot.contacts.deleted")
        #expect(StreamID(.salesforce, "Lead").rawValue == "salesforce.Lead")
    }
}
