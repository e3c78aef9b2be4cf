import Foundation

extension Duration {
    /// `seconds` as a `Duration`, never trapping on what a server or a file said: NaN and negatives are zero,
    /// anything past `limit` (a day unless told) is `limit`.
    public static func clamped(seconds: Double, limit: Double = 86_400) -> Duration {
        guard seconds > 0 else { return .zero }
        return .milliseconds(Int64((Swift.min(seconds, limit) * 1000).rounded(.up)))
    }
}
