import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayEngine
import LeadRelayHTTP
import LeadRelayTestSupport
import Synchronization
import Testing

/// A proxy between the connectors and the simulator that mangles what the CRMs answer, as a broken middlebox, a
/// buggy portal app or a person typing `1e30` into a text property would: values of the wrong type, numbers no
/// integer holds (and `1e400`, which JSON parsers read as infinity), nulls, nesting past any sane depth, bodies
/// cut short, junk bytes, nonsense rate-limit headers. Seeded, so a failure replays.
///
/// It parses and writes JSON with Foundation and its own writer, never with the product's codec.
final class MutatingTransport: HTTPTransport {
    let inner: any HTTPTransport
    /// Share of JSON leaf values replaced, and of whole bodies broken.
    let valueRate: Double
    let bodyRate: Double
    private let state: Mutex<(random: SplitMix, enabled: Bool, mangled: Int)>

    init(inner: any HTTPTransport, seed: UInt64, valueRate: Double = 0.03, bodyRate: Double = 0.04) {
        self.inner = inner
        self.valueRate = valueRate
        self.bodyRate = bodyRate
        self.state = Mutex((SplitMix(seed: seed), true, 0))
    }

    var enabled: Bool {
        get { state.withLock { $0.enabled } }
        set { state.withLock { $0.enabled = newValue } }
    }

    var mangled: Int { state.withLock { $0.mangled } }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        var response = try await inner.send(request)
        let path = request.url.path
        // Tokens and the Slack sink stay intact: the point is what the CRMs' data can do to a cycle.
        guard !path.contains("oauth"), !path.contains("token"), !path.contains("slack"), (200..<300).contains(response.status) else {
            return response
        }
        state.withLock { state in
            guard state.enabled else { return }
            var random = state.random
            defer { state.random = random }
            if random.chance(0.05) {
                state.mangled += 1
                response.headers["x-hubspot-ratelimit-max"] = ["0", "-5", "abc"][random.below(3)]
                response.headers["x-hubspot-ratelimit-interval-milliseconds"] = ["inf", "nan", "-10", "1e400"][random.below(4)]
                response.headers["retry-after"] = ["1e300", "inf", "-1"][random.below(3)]
                response.headers["sforce-limit-info"] = ["api-usage=5/0", "api-usage=-1/-1", "api-usage=9999999999999999999999/1"][random.below(3)]
            }
            if random.chance(bodyRate) {
                state.mangled += 1
                response.body = Self.breakBody(response.body, &random)
                return
            }
            guard let json = try? JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed]) else { return }
            var text = ""
            var count = 0
            Self.write(json, into: &text, random: &random, rate: valueRate, mutated: &count)
            if count > 0 {
                state.mangled += count
                response.body = Data(text.utf8)
            }
        }
        return response
    }

    static func breakBody(_ body: Data, _ random: inout SplitMix) -> Data {
        switch random.below(4) {
        case 0: return body.prefix(random.below(max(body.count, 1)))
        case 1: return Data((0..<64).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        case 2: return Data((String(repeating: "[", count: 5_000) + "1" + String(repeating: "]", count: 5_000)).utf8)
        default: return Data("{\"results\": \"none\", \"records\": 7, \"paging\": {\"next\": {\"after\": {}}}, \"done\": \"yes\"}".utf8)
        }
    }

    /// Replacements for one leaf value: each written as raw JSON text.
    static let junk: [String] = [
        "1e30", "-1e30", "1e400", "-1e400", "\"1e30\"", "\"inf\"", "\"-inf\"", "\"NaN\"", "\"9223372036854775808\"", "null", "true", "false",
        "[]", "{}", "[1, \"two\", null]", "{\"value\": {\"deeper\": [1]}}", "\"\"", "\"   \"", "\"\\u0000\\u001f\"", "\"💥🧨\"",
        "\"" + String(repeating: "x", count: 20_000) + "\"", String(repeating: "[", count: 40) + "1" + String(repeating: "]", count: 40),
        "\"253402300800000\"", "\"99999999999999999999\"", "\"0000-00-00\"", "\"2024-13-45T25:61:61Z\"", "\"99999-01-01\"",
        "-0", "0.000000000000000000001", "123456789012345678901234567890",
    ]

    /// Foundation's parse tree back to JSON text, a share of the leaves swapped for junk.
    static func write(_ value: Any, into text: inout String, random: inout SplitMix, rate: Double, mutated: inout Int) {
        switch value {
        case let object as [String: Any]:
            text += "{"
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                text += quoted(key) + ":"
                write(object[key]!, into: &text, random: &random, rate: rate, mutated: &mutated)
            }
            text += "}"
        case let array as [Any]:
            text += "["
            for (index, item) in array.enumerated() {
                if index > 0 { text += "," }
                write(item, into: &text, random: &random, rate: rate, mutated: &mutated)
            }
            text += "]"
        default:
            if random.chance(rate) {
                mutated += 1
                text += junk[random.below(junk.count)]
                return
            }
            switch value {
            case let string as String: text += quoted(string)
            case let number as NSNumber:
                // Foundation reads JSON booleans as its boolean NSNumber subclass; write them back as booleans.
                if type(of: number) == type(of: NSNumber(value: true)) { text += number.boolValue ? "true" : "false" } else { text += number.stringValue }
            default: text += "null"
            }
        }
    }

    static func quoted(_ string: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [string], options: [.fragmentsAllowed])
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}

/// Picking mutations.
extension SplitMix {
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}

@Suite("What a CRM sends cannot crash or stall the daemon")
struct PayloadFuzzTests {
    @Test("mangled responses over many cycles: no crash, bad records reported with their reasons, the rest applied", arguments: [UInt64(7), 1234])
    func mangledResponses(seed: UInt64) async throws {
        let simulator = CRMSimulator()
        _ = try await SeedGenerator(options: .init(seed: 19, people: 120)).populate(simulator.state)
        try await simulator.withRunningInSlot { endpoints in
            let workspace = try TestWorkspace()
            try workspace.configure(endpoints, credentials: simulator.state.credentials, writes: true)
            let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
            try await provision(configuration)
            let transport = MutatingTransport(inner: AsyncHTTPClientTransport(), seed: seed)
            let connectors = try ConnectorFactory.connectors(configuration, transport: transport)
            // Built without the preflight: a mangled describe would make the schema check itself the thing under fuzz.
            let daemon = try Daemon.build(configuration, connectors: connectors)
            var committed = 0, failed = 0
            var rejected: [RejectedRecord] = []
            for cycle in 0..<24 {
                // New behaviour and edits between cycles, so later cycles read fresh (and freshly mangled) pages.
                if cycle % 4 == 3 {
                    let contacts = await simulator.state.hubspotRecords("contacts")
                    for (index, contact) in contacts.enumerated() where index % 9 == cycle % 9 {
                        _ = try await simulator.state.updateHubSpotRecord("contacts", id: contact.id, properties: ["jobtitle": "VP Operations \(cycle)"])
                        await simulator.state.recordHubSpotEvent(contactID: contact.id, eventType: "e_visited_page",
                                                                 properties: ["hs_url": "https://www.example-vendor.com/pricing"])
                    }
                }
                do {
                    let result = try await daemon.engine.runCycle()
                    committed += 1
                    rejected += result.rejected
                } catch {
                    // A cycle may fail as a whole (a page that cannot be read at all): it is reported and retried, the
                    // state unchanged; what it must never do is trap.
                    failed += 1
                    #expect(!"\(error)".isEmpty)
                }
                _ = try? await daemon.dispatcher.drain()
            }
            #expect(transport.mangled > 50, "the proxy really mangled things (\(transport.mangled))")
            #expect(committed > 0, "some cycles committed (\(committed) committed, \(failed) failed)")
            #expect(!rejected.isEmpty, "bad records are reported")
            #expect(rejected.allSatisfy { !$0.reason.isEmpty }, "each with its reason")
            // The rest was applied: people linked and MQLs owned despite the noise.
            #expect(try await daemon.store.counts()["identity_links", default: 0] > 100)
            #expect(try await !daemon.store.allAssignments().isEmpty)
            // And nothing the noise left behind poisons a clean cycle.
            transport.enabled = false
            _ = try await daemon.engine.runCycle()
            _ = try await daemon.dispatcher.drain()
            let clean = try await daemon.engine.runCycle()
            #expect(clean.rejected.isEmpty)
        }
    }
}
