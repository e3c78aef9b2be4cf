/// A credential: usable by code, invisible to logs, reports and `print`.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret text; read it only where it is sent to the server that needs it.
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "***" }
    public var debugDescription: String { "Secret(***)" }
}
