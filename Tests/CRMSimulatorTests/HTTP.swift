import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A bare HTTP client for poking the simulator exactly as a connector would.
struct Reply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data
    var json: SimJSON { (try? SimJSON.decode(body)) ?? .null }
}

func call(_ method: String, _ url: URL, token: String? = nil, json: SimJSON? = nil, form: String? = nil,
          headers: [String: String] = [:]) async throws -> Reply {
    var request = URLRequest(url: url)
    request.httpMethod = method
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    if let json {
        request.httpBody = try json.encoded()
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    if let form {
        request.httpBody = Data(form.utf8)
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
    }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    var fields: [String: String] = [:]
    for (key, value) in http.allHeaderFields { fields[(key as! String).lowercased()] = value as? String }
    return Reply(status: http.statusCode, headers: fields, body: data)
}

extension CRMSimulator.Endpoints {
    func url(_ path: String, query: String? = nil) -> URL {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)!
        components.path = path
        components.percentEncodedQuery = query
        return components.url!
    }
}

/// Runs `body` against a fresh simulator seeded with `people`.
func withSimulator<T: Sendable>(people: Int = 0, seed: UInt64 = 7,
                                _ body: @escaping @Sendable (CRMSimulator, CRMSimulator.Endpoints) async throws -> T) async throws -> T {
    let simulator = CRMSimulator()
    if people > 0 { _ = try await SeedGenerator(options: .init(seed: seed, people: people)).populate(simulator.state) }
    return try await simulator.withRunningInSlot { endpoints in try await body(simulator, endpoints) }
}

func salesforceToken(_ simulator: CRMSimulator, _ endpoints: CRMSimulator.Endpoints) async throws -> String {
    let credentials = simulator.state.credentials
    let reply = try await call("POST", endpoints.url("/services/oauth2/token"),
                               form: "grant_type=client_credentials&client_id=\(credentials.salesforceClientID)&client_secret=\(credentials.salesforceClientSecret)")
    return reply.json["access_token"]?.stringValue ?? ""
}

func soql(_ query: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return "q=" + query.addingPercentEncoding(withAllowedCharacters: allowed)!
}
