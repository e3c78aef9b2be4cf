import Foundation
import LeadRelayCore
import LeadRelayHTTP

/// One try of a channel: it took the message, or it may take it on a later try (why, and the wait the channel asked).
enum ChannelAttempt {
    case delivered(DeliveryReceipt)
    case again(String, serverAsked: TimeInterval?)
}

extension RetryPolicy {
    /// Tries `attempt` up to `maxAttempts` times, waiting with backoff (never less than the channel asked) in between;
    /// a `NotifierError` it throws ends the tries at once. When every try asked for another, the last reason is handed
    /// back as transient, with the channel's last asked wait.
    func deliver(unavailable: String, sleep: @Sendable (Duration) async throws -> Void,
                 _ attempt: () async throws -> ChannelAttempt) async throws(NotifierError) -> DeliveryReceipt {
        var last = ""
        var asked: TimeInterval?
        for number in 1...maxAttempts {
            asked = nil
            do {
                switch try await attempt() {
                case .delivered(let receipt): return receipt
                case .again(let why, let wait):
                    last = why
                    asked = wait
                }
            } catch let error as NotifierError {
                throw error
            } catch {
                last = "\(error)"
            }
            if number < maxAttempts {
                try? await sleep(.clamped(seconds: delay(afterAttempt: number, serverAsked: asked, unit: Double.random(in: 0...1))))
            }
        }
        throw NotifierError(message: "\(unavailable): \(last)", transient: true, retryAfter: asked)
    }
}
