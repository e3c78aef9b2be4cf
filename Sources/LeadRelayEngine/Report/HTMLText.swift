/// Text as it goes into the self-contained HTML reports (dry run, replay).
enum HTMLText {
    /// Escapes what HTML gives a meaning to in text and in quoted attributes.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
