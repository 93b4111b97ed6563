/// A fixed-size f32 buffer owned by a model's scratch space, reused for every token.
///
/// A class holding a raw pointer rather than `[Float]`: the forward pass hands several of these to one
/// kernel call at once, which Swift's exclusivity rules make awkward with arrays.
final class Buffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(_ count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    /// self[..<n] += other[..<n], elementwise (a residual connection over the batch's rows).
    func add(_ other: Buffer, count n: Int) {
        for i in 0..<n { pointer[i] += other.pointer[i] }
    }
}
