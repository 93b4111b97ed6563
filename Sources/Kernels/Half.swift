import CKernels

/// f16 ⟷ f32 conversion of rows (the KV cache stores halves as their bit patterns, `UInt16`).
/// Every implementation rounds to nearest even and gives the same bits; `.best` uses F16C when the CPU has it.
public enum Half {
    /// y[i] = Float(x[i]) for `count` values.
    public static func toFloat(_ x: UnsafePointer<UInt16>, into y: UnsafeMutablePointer<Float>, count: Int,
                               implementation: KernelImplementation = .best) {
        let status = qk_f16_to_f32(x, y, Int64(count), implementation.code)
        precondition(status == 0, "no \(implementation) f16 conversion on this CPU; use .best")
    }

    /// y[i] = x[i] rounded to the nearest half, for `count` values.
    public static func fromFloat(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<UInt16>, count: Int,
                                 implementation: KernelImplementation = .best) {
        let status = qk_f32_to_f16(x, y, Int64(count), implementation.code)
        precondition(status == 0, "no \(implementation) f16 conversion on this CPU; use .best")
    }

    /// `rows` rows of `count` halves, `sourceStride` halves apart, into rows `destinationStride` floats apart.
    public static func toFloat(rows: Int, count: Int, from x: UnsafePointer<UInt16>, sourceStride: Int,
                               into y: UnsafeMutablePointer<Float>, destinationStride: Int) {
        qk_f16_to_f32_rows(x, Int64(sourceStride), y, Int64(destinationStride), Int64(rows), Int64(count))
    }
}
