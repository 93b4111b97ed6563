/// Row-range access for the prompt cache: copy the keys and values of some positions out, or write
/// positions back in, without copying the whole prefix as `snapshot` does.
extension KVCache {
    /// Copies positions `range` of `layer` into `keys` and `values` ([range.count, width] f32 each).
    public func copyRows(layer: Int, range: Range<Int>, keys outKeys: UnsafeMutableRawBufferPointer,
                         values outValues: UnsafeMutableRawBufferPointer) {
        precondition(range.upperBound <= count && layer < layers, "rows outside the filled cache")
        let n = range.count * width * MemoryLayout<Float>.size
        precondition(outKeys.count >= n && outValues.count >= n, "destination too small")
        outKeys.baseAddress!.copyMemory(from: keys[layer].pointer + range.lowerBound * width, byteCount: n)
        outValues.baseAddress!.copyMemory(from: values[layer].pointer + range.lowerBound * width, byteCount: n)
    }

    /// Writes positions starting at `count` for every layer from `fill` and records their tokens.
    /// `fill(layer, keys, values)` must fill [tokens.count, width] f32 rows of each.
    public func appendRows(tokens newTokens: [TokenID],
                           fill: (Int, UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer) throws -> Void) throws {
        guard count + newTokens.count <= capacity else {
            throw KVCacheError.tooLong(count + newTokens.count, capacity: capacity)
        }
        let bytes = newTokens.count * width * MemoryLayout<Float>.size
        for layer in 0..<layers {
            let k = UnsafeMutableRawBufferPointer(start: keys[layer].pointer + count * width, count: bytes)
            let v = UnsafeMutableRawBufferPointer(start: values[layer].pointer + count * width, count: bytes)
            try fill(layer, k, v)
        }
        for t in newTokens { commit(t) }
    }
}
