/// FNV-1a, 64 bits: a stable, dependency-free fingerprint for configuration (not for security).
public struct FNV1a: Sendable {
    public private(set) var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
    }

    /// The hash in lowercase hexadecimal.
    public var hex: String { String(hash, radix: 16) }

    public static func hex(_ text: String) -> String {
        var fnv = FNV1a()
        fnv.combine(text.utf8)
        return fnv.hex
    }
}
