/// A GGML tensor element type, with the ids GGUF files store.
///
/// It lives in Base because both the file reader (GGUF, which needs byte sizes to bound-check tensor data)
/// and the kernels (Kernels, which compute on the blocks) need it, and those two modules never import each other.
/// The table lists every type gguf-py 0.19.0 knows, so a file holding a type we cannot compute on still opens;
/// `Kernels.supports(_:)` says which ones the kernels handle.
public enum GGMLType: UInt32, CaseIterable, Sendable, CustomStringConvertible {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_xxs = 16, iq2_xs = 17, iq3_xxs = 18, iq1_s = 19, iq4_nl = 20, iq3_s = 21, iq2_s = 22, iq4_xs = 23
    case i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1_m = 29, bf16 = 30
    case tq1_0 = 34, tq2_0 = 35, mxfp4 = 39, nvfp4 = 40, q1_0 = 41

    /// Values per block: 1 for plain types, 32 for the legacy quants, 256 for K-quants.
    public var blockSize: Int { Self.layout[self]?.block ?? 1 }

    /// Bytes per block (for plain types, bytes per value).
    public var typeSize: Int { Self.layout[self]?.bytes ?? 0 }

    /// The name llama.cpp and gguf-py print, e.g. `Q4_K`.
    public var name: String { Self.layout[self]?.name ?? "type\(rawValue)" }

    public var description: String { name }

    /// Bytes taken by `count` values, or nil when `count` is not a whole number of blocks or the size overflows.
    public func byteCount(for count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: typeSize)
        return overflow ? nil : bytes
    }

    /// Looks a type up by its `name` (case-insensitive), for command lines and tests.
    public init?(name: String) {
        guard let hit = Self.layout.first(where: { $0.value.name.lowercased() == name.lowercased() }) else { return nil }
        self = hit.key
    }

    // Block size and bytes per block as in ggml-common.h (checked against gguf-py's GGML_QUANT_SIZES).
    private static let layout: [GGMLType: (name: String, block: Int, bytes: Int)] = [
        .f32: ("F32", 1, 4), .f16: ("F16", 1, 2), .q4_0: ("Q4_0", 32, 18), .q4_1: ("Q4_1", 32, 20),
        .q5_0: ("Q5_0", 32, 22), .q5_1: ("Q5_1", 32, 24), .q8_0: ("Q8_0", 32, 34), .q8_1: ("Q8_1", 32, 40),
        .q2_K: ("Q2_K", 256, 84), .q3_K: ("Q3_K", 256, 110), .q4_K: ("Q4_K", 256, 144),
        .q5_K: ("Q5_K", 256, 176), .q6_K: ("Q6_K", 256, 210), .q8_K: ("Q8_K", 256, 292),
        .iq2_xxs: ("IQ2_XXS", 256, 66), .iq2_xs: ("IQ2_XS", 256, 74), .iq3_xxs: ("IQ3_XXS", 256, 98),
        .iq1_s: ("IQ1_S", 256, 50), .iq4_nl: ("IQ4_NL", 32, 18), .iq3_s: ("IQ3_S", 256, 110),
        .iq2_s: ("IQ2_S", 256, 82), .iq4_xs: ("IQ4_XS", 256, 136), .i8: ("I8", 1, 1), .i16: ("I16", 1, 2),
        .i32: ("I32", 1, 4), .i64: ("I64", 1, 8), .f64: ("F64", 1, 8), .iq1_m: ("IQ1_M", 256, 56),
        .bf16: ("BF16", 1, 2), .tq1_0: ("TQ1_0", 256, 54), .tq2_0: ("TQ2_0", 256, 66),
        .mxfp4: ("MXFP4", 32, 17), .nvfp4: ("NVFP4", 64, 36), .q1_0: ("Q1_0", 128, 18),
    ]
}
