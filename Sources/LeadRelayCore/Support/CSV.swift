import Foundation

/// RFC 4180 CSV: fields separated by commas, quoted with `"` when they hold commas, quotes or line breaks.
public enum CSV {
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// Rows of fields; a quoted field may span lines. `\r\n` and `\n` both end a row; a final empty line is ignored.
    ///
    /// Works on the UTF-8 bytes (every delimiter is ASCII, so no multi-byte character can be split): a million-row
    /// export is read without first widening it to Unicode scalars.
    public static func parse(_ text: String) throws(ParseError) -> [[String]] {
        var text = text
        var failure: ParseError?
        let rows = text.withUTF8 { bytes -> [[String]] in
            do throws(ParseError) { return try parse(bytes: bytes) } catch { failure = error; return [] }
        }
        if let failure { throw failure }
        return rows
    }

    static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> [[String]] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var quoted = false, wasQuoted = false
        var line = 1
        var index = 0
        func take() -> String {
            defer { field.removeAll(keepingCapacity: true) }
            return String(decoding: field, as: UTF8.self)
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == quote {
                    if index < bytes.count, bytes[index] == quote { index += 1; field.append(quote) } else { quoted = false }
                } else {
                    if byte == lf { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case quote:
                guard field.isEmpty, !wasQuoted else { throw ParseError(line: line, message: "a quote inside an unquoted field") }
                quoted = true
                wasQuoted = true
            case comma:
                row.append(take()); wasQuoted = false
            case cr:
                continue
            case lf:
                row.append(take()); rows.append(row)
                row = []; wasQuoted = false
                line += 1
            default:
                guard !wasQuoted else { throw ParseError(line: line, message: "text after a closing quote") }
                field.append(byte)
            }
        }
        if quoted { throw ParseError(line: line, message: "a quoted field is never closed") }
        if !field.isEmpty || !row.isEmpty || wasQuoted { row.append(take()); rows.append(row) }
        return rows
    }

    /// One row, quoted where needed.
    public static func row(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
    }
}
