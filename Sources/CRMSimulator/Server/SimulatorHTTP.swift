import Foundation
import HTTPTypes
import Hummingbird
import LeadRelayCore

/// Small helpers the route files share: JSON responses and the two systems' error bodies.
enum SimulatorHTTP {
    static func json(_ value: SimJSON, status: Int = 200, headers: HTTPFields = [:]) -> Response {
        let data = (try? value.encoded()) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/json;charset=UTF-8"
        return Response(status: HTTPResponse.Status(code: status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Serves `response` as the fault plan drew: delayed, broken before the body, or cut half-way.
    static func applying(_ draw: FaultPlan.Draw, to response: Response) async throws -> Response {
        switch draw {
        case .serve(let latency):
            if latency > 0 { try await Task.sleep(for: .milliseconds(Int64(latency * 1000))) }
            return response
        case .serverError:
            return response
        case .reset:
            var broken = response
            broken.body = ResponseBody { _ in throw SimulatedFault.connectionReset }
            return broken
        case .truncate(let latency):
            if latency > 0 { try await Task.sleep(for: .milliseconds(Int64(latency * 1000))) }
            let original = response
            let collector = BodyCollector()
            try await original.body.write(collector)
            let bytes = collector.buffer
            var cut = response
            cut.headers[.contentLength] = nil
            cut.body = ResponseBody { writer in
                var half = bytes
                if let slice = half.readSlice(length: max(1, bytes.readableBytes / 2)) { try await writer.write(slice) }
                throw SimulatedFault.truncated
            }
            return cut
        }
    }

    static func empty(status: Int, headers: HTTPFields = [:]) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: headers)
    }

    static func hubspotError(_ error: HubSpotError) -> Response {
        var body: [String: SimJSON] = [
            "status": "error", "message": .string(error.message), "correlationId": .string(UUID().uuidString.lowercased()),
            "category": .string(error.category),
        ]
        if let code = error.code {
            var detail: [String: SimJSON] = ["message": .string(error.message), "code": .string(code)]
            if !error.context.isEmpty { detail["context"] = .object(error.context.mapValues { .array($0.map(SimJSON.string)) }) }
            body["errors"] = [.object(detail)]
        }
        if !error.context.isEmpty { body["context"] = .object(error.context.mapValues { .array($0.map(SimJSON.string)) }) }
        return json(.object(body), status: error.status)
    }

    static func salesforceError(_ error: SalesforceError) -> Response {
        json([["message": .string(error.message), "errorCode": .string(error.errorCode),
               "fields": .array(error.fields.map(SimJSON.string))]], status: error.status)
    }

    static func body(_ request: Request) async throws -> SimJSON {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 << 20)
        let data = Data(buffer.readableBytesView)
        return data.isEmpty ? .null : try SimJSON.decode(data)
    }

    static func rawBody(_ request: Request) async throws -> Data {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 << 20)
        return Data(buffer.readableBytesView)
    }

    /// An `application/x-www-form-urlencoded` body (both systems' token endpoints take one).
    static func form(_ data: Data) -> [String: String] {
        var result: [String: String] = [:]
        for pair in String(decoding: data, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }

    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        return String(header.dropFirst("Bearer ".count))
    }

    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters[name[...]].map(String.init)
    }

    /// A list parameter as HubSpot reads it: repeated (`properties=a&properties=b`, as the SDKs send it), comma-separated
    /// (`properties=a,b`), or both. `nil` when absent.
    static func queryList(_ request: Request, _ name: String) -> [String]? {
        let values = request.uri.queryParameters[values: name[...]]
        guard !values.isEmpty else { return nil }
        return values.flatMap { $0.split(separator: ",").map(String.init) }
    }

    /// A boolean parameter: `true` in any case (`True` is what Python clients send).
    static func queryFlag(_ request: Request, _ name: String) -> Bool {
        query(request, name)?.lowercased() == "true"
    }

    /// A query parameter decoded as a form field: a raw `+` is a space and `%2B` a plus, in that order (Salesforce reads
    /// `q` this way, so `+00:00` offsets survive when a client encodes them).
    static func formQuery(_ request: Request, _ name: String) -> String? {
        form(Data((request.uri.query ?? "").utf8))[name]
    }
}

enum SimulatedFault: Error {
    case connectionReset
    case truncated
}

/// Gathers a response body in memory (to serve only part of it).
final class BodyCollector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var copy = buffer
        self.buffer.writeBuffer(&copy)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
