import Foundation
import HTTPTypes
import Hummingbird
import LeadRelayCore

/// `GET /enrichment/v1/companies/{domain}`: the enrichment provider.
struct EnrichmentRoutes {
    let state: SimulatorState

    func register(on router: Hummingbird.Router<BasicRequestContext>) {
        router.get("/enrichment/v1/companies/:domain") { request, context in
            let domain = context.parameters.get("domain") ?? ""
            switch await state.enrichmentLookup(domain: domain, token: SimulatorHTTP.bearer(request)) {
            case .found(let body):
                return SimulatorHTTP.json(body)
            case .unknown:
                return SimulatorHTTP.json(["error": "not_found", "message": .string("no company for \(domain)")], status: 404)
            case .unauthorized:
                return SimulatorHTTP.json(["error": "unauthorized", "message": "missing or invalid API key"], status: 401)
            case .rateLimited(let retryAfter):
                var headers = HTTPFields()
                headers[HTTPField.Name("Retry-After")!] = String(retryAfter)
                return SimulatorHTTP.json(["error": "rate_limited", "message": "too many requests"], status: 429, headers: headers)
            case .fault(.delay(let seconds)):
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                return SimulatorHTTP.json(["error": "not_found"], status: 404)
            case .fault:
                return SimulatorHTTP.json(["error": "unavailable", "message": "try again"], status: 503)
            }
        }
    }
}
