/// A record the connector could not read; reported and skipped, never fatal to the cycle.
public struct RejectedRecord: Sendable, Hashable, Codable {
    public var system: CRMSystem
    public var object: String
    /// The id, when the record had one.
    public var id: String?
    public var reason: String

    public init(system: CRMSystem, object: String, id: String?, reason: String) {
        self.system = system
        self.object = object
        self.id = id
        self.reason = reason
    }
}
