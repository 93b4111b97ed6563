/// Row-range access for the prompt cache: copy the keys and values of some positions out, or write
/// positions back in, without copying the whole prefix as `snapshot` does.
/// Rows are raw bytes in the cache's `elementType` (2 bytes a value for f16, 4 for f32): a prompt cache
/// keeps blocks in the same type as the cache they came from (`KVLayout.dtype`), so nothing is converted.
extension KVCache {
    /// Bytes of `positions` rows of one layer's keys (or values).
    public func rowBytes(positions: Int) -> Int { positions * width * elementType.byteWidth }

    /// Copies positions `range` of `layer` into `keys` and `values` ([range.count, width] values of
    /// `elementType` each).
    public func copyRows(layer: Int, range: Range<Int>, keys outKeys: UnsafeMutableRawBufferPointer,
                         values outValues: UnsafeMutableRawBufferPointer) {
        precondition(range.upperBound <= count && layer < layers, "rows outside the filled cache")
        let n = rowBytes(positions: range.count)
        precondition(outKeys.count >= n && outValues.count >= n, "destination too small")
        let (k, v) = rawRows(layer: layer, range: range)
        outKeys.baseAddress!.copyMemory(from: k, byteCount: n)
        outValues.baseAddress!.copyMemory(from: v, byteCount: n)
    }

    /// Writes positions starting at `count` for every layer from `fill` and records their tokens.
    /// `fill(layer, keys, values)` must fill [tokens.count, width] values of `elementType` in each.
    public func appendRows(tokens newTokens: [TokenID],
                           fill: (Int, UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer) throws -> Void) throws {
        guard count + newTokens.count <= capacity else {
            throw KVCacheError.tooLong(count + newTokens.count, capacity: capacity)
        }
        let bytes = rowBytes(positions: newTokens.count)
        for layer in 0..<layers {
            let (k, v) = rawRows(layer: layer, range: count..<(count + newTokens.count))
            try fill(layer, UnsafeMutableRawBufferPointer(start: k, count: bytes),
                     UnsafeMutableRawBufferPointer(start: v, count: bytes))
        }
        for t in newTokens { commit(t) }
    }
}
