import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// HTTP over AsyncHTTPClient: a pooled connection per host, a deadline per request, real cancellation, and no
/// request ever re-sent behind the caller's back (a retry is the caller's decision, with its body).
public struct AsyncHTTPClientTransport: HTTPTransport {
    let client: HTTPClient
    /// Responses larger than this are refused, so a broken server cannot exhaust memory.
    public let maxBodyBytes: Int

    /// - Parameter client: LeadRelay's process-wide client by default (it lives as long as the process).
    public init(client: HTTPClient = AsyncHTTPClientTransport.sharedClient, maxBodyBytes: Int = 64 << 20) {
        self.client = client
        self.maxBodyBytes = maxBodyBytes
    }

    /// One client for the process: no retried connection attempts (a refused connection fails at once and the
    /// caller's retry policy decides, with its backoff), no redirects followed (a CRM API that redirects is
    /// misconfigured, and a followed redirect would re-send a write), a bounded connect time.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(data: body)) }
        // A timeout is configuration; a nonsensical one (negative, NaN, centuries) is bounded rather than trapped on.
        let timeout = request.timeout.isNaN ? 30 : min(max(request.timeout, 0.001), 86_400)
        let deadline = NIODeadline.now() + .milliseconds(Int64(timeout * 1000))
        do {
            let response = try await client.execute(outgoing, deadline: deadline)
            let buffer = try await response.body.collect(upTo: maxBodyBytes)
            var headers: [String: String] = [:]
            for (name, value) in response.headers {
                let key = name.lowercased()
                headers[key] = headers[key].map { "\($0), \(value)" } ?? value
            }
            return TransportResponse(status: Int(response.status.code), headers: headers, body: Data(buffer: buffer))
        } catch is CancellationError {
            throw CancellationError()
        } catch is NIOTooManyBytesError {
            throw TransportError.bodyTooLarge(limit: maxBodyBytes)
        } catch let error as HTTPClientError {
            switch error {
            case .connectTimeout:
                throw TransportError.notSent("connect timeout")
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                throw TransportError.timedOut
            case .cancelled:
                throw CancellationError()
            default:
                throw TransportError.connectionFailed("\(error)")
            }
        } catch {
            throw TransportError.connectionFailed("\(error)")
        }
    }
}
