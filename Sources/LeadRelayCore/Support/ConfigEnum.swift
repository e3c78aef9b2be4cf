/// A closed set of words in a configuration file; a wrong word is reported with every accepted one.
public protocol ConfigEnum: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension ConfigEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let word = try container.decode(String.self)
        guard let value = Self(rawValue: word) else {
            let accepted = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown value '\(word)'; expected one of \(accepted)")
        }
        self = value
    }
}
