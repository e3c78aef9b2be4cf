import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// HTTP over Foundation's URLSession (libcurl on Linux: system CA store, standard proxy variables).
public struct URLSessionTransport: HTTPTransport {
    let session: URLSession
    /// Responses larger than this are refused, so a broken server cannot exhaust memory.
    public let maxBodyBytes: Int

    public init(maxBodyBytes: Int = 64 << 20) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 8
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        self.session = URLSession(configuration: configuration)
        self.maxBodyBytes = maxBodyBytes
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: request.timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await perform(urlRequest, deadline: request.timeout)
        } catch let error as URLError where error.code == .timedOut {
            throw TransportError.timedOut
        } catch let error as URLError {
            throw TransportError.connectionFailed("\(error.code.rawValue): \(error.localizedDescription)")
        }
        guard data.count <= maxBodyBytes else { throw TransportError.bodyTooLarge(limit: maxBodyBytes) }
        guard let http = response as? HTTPURLResponse else {
            throw TransportError.connectionFailed("not an HTTP response")
        }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return TransportResponse(status: http.statusCode, headers: headers, body: data)
    }

    private enum Outcome: Sendable {
        case finished(Data, URLResponse)
        case deadline
    }

    /// Runs one request with a deadline, without ever cancelling URLSession through Swift task cancellation.
    ///
    /// On Linux, `URLSession.data(for:)` cancels its task from inside the concurrency runtime's
    /// cancellation handler; if the transfer completes at that moment the two deadlock (seen here:
    /// a `reconcile` hung for good when a sibling poll failed). So the request uses the completion
    /// handler API, and a deadline task cancels the `URLSessionTask` from ordinary code: on time-out,
    /// or when the caller is cancelled.
    func perform(_ request: URLRequest, deadline: TimeInterval) async throws -> (Data, URLResponse) {
        let handle = TaskHandle()
        let outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask { [session] in
                let (data, response) = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, URLResponse), any Error>) in
                    let task = session.dataTask(with: request) { data, response, error in
                        if let error { continuation.resume(throwing: error); return }
                        guard let response else { continuation.resume(throwing: TransportError.connectionFailed("no response")); return }
                        continuation.resume(returning: (data ?? Data(), response))
                    }
                    handle.set(task)
                    task.resume()
                }
                return .finished(data, response)
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int64(deadline * 1000)))
                // Reached on time-out, on the caller's cancellation, and after completion (then a no-op).
                handle.cancel()
                return .deadline
            }
            defer { group.cancelAll() }
            let first = try await group.next()
            if case .finished(let data, let response)? = first { return Outcome.finished(data, response) }
            // The deadline came first: the request now ends with URLError.cancelled; wait for it so nothing dangles.
            _ = try? await group.next()
            return .deadline
        }
        switch outcome {
        case .finished(let data, let response):
            return (data, response)
        case .deadline:
            if Task.isCancelled { throw CancellationError() }
            throw TransportError.timedOut
        }
    }
}

/// The in-flight `URLSessionTask`, shared between the request and its deadline.
private final class TaskHandle: Sendable {
    private struct State {
        var task: URLSessionTask?
        var cancelled = false
    }

    private let state = Mutex(State())

    func set(_ task: URLSessionTask) {
        let cancelNow = state.withLock { current -> Bool in
            current.task = task
            return current.cancelled
        }
        if cancelNow { task.cancel() }
    }

    func cancel() {
        let task = state.withLock { current -> URLSessionTask? in
            current.cancelled = true
            return current.task
        }
        task?.cancel()
    }
}
