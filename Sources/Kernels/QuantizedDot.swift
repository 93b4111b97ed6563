import Base
import CKernels

/// A dot product of one quantized weight row with int8-quantized activations, resolved once.
public struct QuantizedDotKernel: @unchecked Sendable {
    @usableFromInline let function: qk_qdot_fn

    /// Σ row[i]·x[i] over `count` values; `xq` holds the activations in `Kernels.activationType(for:)`.
    @inlinable public func callAsFunction(row: UnsafeRawPointer, xq: UnsafeRawPointer, count: Int) -> Float {
        function(row, xq, Int64(count))
    }
}

/// The int8 activation path, as llama.cpp's CPU backend computes: quantize the activation vector once
/// (Q8_0 for the 32-value types, Q8_K for the K-quants), then run integer dots against every row.
/// Several times faster than the f32 path on K-quants; the activation rounding moves results by roughly
/// 0.5% of a block's largest product, the same rounding llama.cpp applies.
extension Kernels {
    /// The activation type the int8 dot of `type` takes (`.q8_0` or `.q8_K`), or nil when `type` has no int8 dot.
    public static func activationType(for type: GGMLType) -> GGMLType? {
        GGMLType(rawValue: qk_qdot_activation_type(type.rawValue)).flatMap { $0 == .f32 ? nil : $0 }
    }

    /// Bytes the quantized form of `count` activations takes for dots with `type`'s rows (nil if unsupported).
    public static func activationByteCount(for type: GGMLType, count: Int) -> Int? {
        activationType(for: type)?.byteCount(for: count)
    }

    /// Quantizes `count` activations into `into` (`activationByteCount(for:count:)` bytes, 4-byte aligned)
    /// in the activation type `type` needs. Do it once per vector and reuse it for every matrix it multiplies.
    /// Every implementation gives the same bytes; `implementation` exists for the tests that check it.
    public static func quantizeActivations(_ x: UnsafePointer<Float>, count: Int, for type: GGMLType,
                                           into: UnsafeMutableRawPointer,
                                           implementation: KernelImplementation = .best) {
        let impl = implementation.code
        switch activationType(for: type) {
        case .q8_0?:
            precondition(count % 32 == 0, "Kernels.quantizeActivations: \(count) is not a multiple of 32")
            qk_quantize_row_q8_0_impl(x, into, Int64(count), impl)
        case .q8_K?:
            precondition(count % 256 == 0, "Kernels.quantizeActivations: \(count) is not a multiple of 256")
            qk_quantize_row_q8_K_impl(x, into, Int64(count), impl)
        default:
            preconditionFailure("Kernels.quantizeActivations: \(type) has no int8 dot; use the f32 path")
        }
    }

    /// The int8 dot kernel for `type`, or nil when there is none for that implementation on this CPU.
    public static func quantizedDotKernel(_ type: GGMLType,
                                          implementation: KernelImplementation = .best) -> QuantizedDotKernel? {
        qk_qdot_kernel(type.rawValue, implementation.code).map { QuantizedDotKernel(function: $0) }
    }

    /// out[r] = Σ_c W[r, c] · x[c] with `xq` the activations quantized by `quantizeActivations(_:count:for:into:)`.
    /// Same layout and threading as `matvec(type:weights:rows:cols:x:out:pool:)`.
    public static func matvec(type: GGMLType, weights: UnsafeRawPointer, rows: Int, cols: Int,
                              xq: UnsafeRawPointer, out: UnsafeMutablePointer<Float>, pool: ThreadPool? = nil) {
        guard let kernel = qdotKernel(type) else {
            preconditionFailure("Kernels.matvec(xq:): \(type) has no int8 dot; use the f32 path")
        }
        guard let rowBytes = type.byteCount(for: cols) else {
            preconditionFailure("Kernels.matvec(xq:): \(cols) columns is not a multiple of \(type)'s block")
        }
        let chunks = rowChunks(rows: rows, pool: pool)
        guard let pool, chunks > 1 else {
            qk_matvec_rows_q(kernel, weights, rowBytes, xq, Int64(cols), out, 0, Int64(rows))
            return
        }
        withUnsafePointer(to: RowRanges(dot: nil, qdot: kernel, weights: weights, rowBytes: rowBytes, x: xq, cols: cols,
                                        out: out, rows: rows, chunks: chunks)) {
            pool.run(tasks: chunks, context: $0) { context, chunk in
                context.assumingMemoryBound(to: RowRanges.self).pointee.run(chunk: chunk)
            }
        }
    }
}
