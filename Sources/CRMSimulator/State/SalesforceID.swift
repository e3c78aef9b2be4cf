/// Builds 18-character Salesforce ids: 15 case-sensitive characters plus the case-checksum suffix.
enum SalesforceID {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")
    static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// `prefix` (3 chars) + org pod `5g` + a base-62 counter to 15 chars, then the checksum.
    static func make(prefix: String, number: Int) -> String {
        var digits: [Character] = []
        var value = number
        repeat {
            digits.append(base62[value % 62])
            value /= 62
        } while value > 0
        let body = String(repeating: "0", count: max(0, 10 - digits.count)) + String(digits.reversed())
        return withChecksum(prefix + "5g" + body)
    }

    /// Appends the 3-character suffix that encodes which of the 15 characters are upper-case.
    static func withChecksum(_ id15: String) -> String {
        let chars = Array(id15)
        var suffix = ""
        for chunk in 0..<3 {
            var bits = 0
            for index in 0..<5 where chars[chunk * 5 + index].isUppercase {
                bits |= 1 << index
            }
            suffix.append(alphabet[bits])
        }
        return id15 + suffix
    }
}
