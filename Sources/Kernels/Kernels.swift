import Base
import CKernels
import Foundation

/// Which implementation of a kernel to use. `.best` is what the engine wants; the others exist for tests and
/// benchmarks that compare a SIMD kernel with the portable reference.
public enum KernelImplementation: Sendable, CaseIterable {
    case portable, avx2, avx512, neon, neonDotprod, best

    var code: UInt32 {
        switch self {
        case .portable: UInt32(QK_IMPL_PORTABLE)
        case .avx2: UInt32(QK_IMPL_AVX2)
        case .avx512: UInt32(QK_IMPL_AVX512)
        case .neon: UInt32(QK_IMPL_NEON)
        case .neonDotprod: UInt32(QK_IMPL_NEON_DOTPROD)
        case .best: UInt32(QK_IMPL_BEST)
        }
    }

    /// The SIMD implementations this CPU runs, best first: AVX-512 VNNI (int8 dots; the AVX2 kernels for the
    /// rest) and AVX2 (with FMA and F16C) on x86-64, NEON with SDOT int8 dots and base NEON on arm64; empty
    /// when only the portable kernels run
    /// (a CPU without them, or QUORUM_KERNELS=portable).
    public static let available: [KernelImplementation] = {
        let cpu = CPUFeatures.current
        var found: [KernelImplementation] = []
        if cpu.isSuperset(of: [.avx2, .fma, .f16c]) {
            if cpu.isSuperset(of: [.avx512f, .avx512bw, .avx512vl, .avx512vnni]) { found.append(.avx512) }
            found.append(.avx2)
        }
        if cpu.contains(.neon) {
            if cpu.contains(.neonDotprod) { found.append(.neonDotprod) }
            found.append(.neon)
        }
        return found
    }()

    /// The best SIMD implementation this CPU runs, or nil.
    public static var simd: KernelImplementation? { available.first }

    /// One line saying which kernels run here and, when it is the portable fallback, why: the engine logs it
    /// once when a model loads.
    public static var selectionSummary: String {
        switch simd {
        case .avx512?: return "kernels: AVX-512 VNNI int8 dots, AVX2+FMA+F16C for the rest (CPU features: \(CPUFeatures.current))"
        case .avx2?: return "kernels: AVX2+FMA+F16C (CPU features: \(CPUFeatures.current))"
        case .neonDotprod?: return "kernels: NEON with SDOT int8 dots"
        case .neon?: return "kernels: NEON"
        default:
            let forced = ProcessInfo.processInfo.environment["QUORUM_KERNELS"] == "portable"
            return forced ? "kernels: portable C, as QUORUM_KERNELS=portable asks (several times slower)"
                : "kernels: portable C: this CPU has neither AVX2+FMA+F16C nor NEON (features: \(CPUFeatures.current)); several times slower"
        }
    }
}

/// A dot product of one quantized row with f32 activations, resolved once so hot loops skip the lookup.
public struct DotKernel: @unchecked Sendable {
    @usableFromInline let function: qk_dot_fn

    /// Σ row[i]·x[i] over `count` values; `count` must be a whole number of the type's blocks.
    @inlinable public func callAsFunction(row: UnsafeRawPointer, x: UnsafePointer<Float>, count: Int) -> Float {
        function(row, x, Int64(count))
    }
}

/// The Swift face of CKernels: dequantization, dot products and the matrix-vector product.
///
/// Two paths compute W·x for quantized weights:
/// - f32 activations (`dot`, `matvec(…x:…)`): exact up to f32 summation order; every supported type.
/// - int8 activations (`quantizeActivations` then `matvec(…xq:…)`): x is rounded to Q8_0/Q8_K first, as
///   llama.cpp's CPU backend does; 2-4x faster on K-quants; Q4_0, Q5_0, Q8_0, Q4_K, Q5_K, Q6_K.
///
/// Preconditions (not throws) guard counts and types: these sit in the hot loop, and callers are expected to
/// check `supports(_:)` once when a model is loaded, not per call.
public enum Kernels {
    /// The types that have dequantization and dot kernels.
    public static let supportedTypes: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0,
                                                    .q4_K, .q5_K, .q6_K, .q8_K]

    /// Whether `type` can be dequantized and dotted here; check this when loading a model.
    public static func supports(_ type: GGMLType) -> Bool { qk_dequant_kernel_impl(type.rawValue, UInt32(QK_IMPL_PORTABLE)) != nil }

    /// The dot kernel for `type`, or nil when that implementation does not exist for it or the CPU lacks it.
    public static func dotKernel(_ type: GGMLType, implementation: KernelImplementation = .best) -> DotKernel? {
        if implementation == .best, let cached = bestDot[Int(type.rawValue)] { return DotKernel(function: cached) }
        return qk_dot_kernel(type.rawValue, implementation.code).map { DotKernel(function: $0) }
    }

    /// Dequantizes `count` values of `type` from `src` into `into`. All implementations give identical bits;
    /// `implementation` exists for tests and benchmarks.
    public static func dequantize(type: GGMLType, src: UnsafeRawPointer, count: Int,
                                  into: UnsafeMutablePointer<Float>, implementation: KernelImplementation = .best) {
        let best = implementation == .best ? bestDequant[Int(type.rawValue)] : nil
        guard let kernel = best ?? qk_dequant_kernel_impl(type.rawValue, implementation.code) else {
            preconditionFailure("Kernels.dequantize: no kernel for \(type); check Kernels.supports first")
        }
        precondition(count % type.blockSize == 0, "Kernels.dequantize: \(count) is not a multiple of \(type)'s block")
        kernel(src, into, Int64(count))
    }

    /// Σ row[i]·x[i] over `count` values of a `type` row, with the fastest kernel this CPU has.
    public static func dot(type: GGMLType, row: UnsafeRawPointer, x: UnsafePointer<Float>, count: Int) -> Float {
        guard let kernel = dotKernel(type) else {
            preconditionFailure("Kernels.dot: no kernel for \(type); check Kernels.supports first")
        }
        precondition(count % type.blockSize == 0, "Kernels.dot: \(count) is not a multiple of \(type)'s block")
        return kernel(row: row, x: x, count: count)
    }

    /// Best kernels per type id, resolved once (the CPU does not change under us).
    nonisolated(unsafe) static let bestDot: [qk_dot_fn?] = (0..<64).map { qk_dot_kernel(UInt32($0), UInt32(QK_IMPL_BEST)) }
    nonisolated(unsafe) static let bestDequant: [qk_dequant_fn?] = (0..<64).map { qk_dequant_kernel(UInt32($0)) }
}
