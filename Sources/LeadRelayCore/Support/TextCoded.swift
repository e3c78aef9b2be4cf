/// A value configuration and JSON write as one string (`2026-12-25`, `bounded(2)`): decoding refuses any other string
/// with what was expected.
public protocol TextCoded: Codable {
    init?(text: String)
    var text: String { get }
    /// What a valid string looks like, for the error (`write YYYY-MM-DD`).
    static var expectedText: String { get }
}

extension TextCoded {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(text: raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(raw)' is not \(Self.expectedText)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
