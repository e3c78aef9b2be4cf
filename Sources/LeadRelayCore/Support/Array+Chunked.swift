extension Array {
    /// Consecutive slices of at most `size` elements, in order (API batch limits, SQL parameter limits).
    public func chunked(_ size: Int) -> [ArraySlice<Element>] {
        precondition(size > 0, "chunk size must be positive")
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
