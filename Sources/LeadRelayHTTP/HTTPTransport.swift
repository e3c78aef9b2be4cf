import Foundation

/// One HTTP request as the connectors describe it.
public struct TransportRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data?
    /// Seconds before the call is abandoned and counted as a timeout.
    public var timeout: TimeInterval

    public init(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil, timeout: TimeInterval = 30) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// One HTTP response; header names are lower-cased.
public struct TransportResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Failures below HTTP: nothing came back that could be classified by status.
public enum TransportError: Error, Sendable, Equatable {
    /// No answer in time: the request may or may not have been carried out.
    case timedOut
    /// The connection broke: the request may or may not have been carried out.
    case connectionFailed(String)
    /// No connection was made: the server never saw the request (safe to send again, whatever it does).
    case notSent(String)
    case bodyTooLarge(limit: Int)
}

/// The seam every HTTP call goes through; production uses AsyncHTTPClient (`AsyncHTTPClientTransport`), tests may
/// inject faults.
public protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest) async throws -> TransportResponse
}
