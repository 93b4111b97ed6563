import Base

/// One tensor's entry in the GGUF header: what it is and where its bytes are.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// GGML order: `dimensions[0]` is the row length (contiguous values), then rows, then higher dimensions.
    /// A `[n_embd, n_ff]` weight has `n_ff` rows of `n_embd` values.
    public let dimensions: [Int]
    /// The element type.
    public let type: GGMLType
    /// Byte offset of the data from the start of the data section (a multiple of the file's alignment).
    public let offset: Int
    /// Bytes of data.
    public let byteCount: Int

    /// Number of values (the product of the dimensions).
    public var elementCount: Int { dimensions.reduce(1, *) }
    /// Values per row (`dimensions[0]`, or 1 for a zero-dimensional tensor).
    public var rowLength: Int { dimensions.first ?? 1 }
    /// Number of rows: every dimension after the first, multiplied.
    public var rowCount: Int { dimensions.dropFirst().reduce(1, *) }
    /// Bytes from one row to the next (rows are whole blocks, checked at open), e.g. to find token t's
    /// embedding at `tensorData(info).baseAddress! + t * rowByteCount`.
    public var rowByteCount: Int { type.byteCount(for: rowLength) ?? 0 }
}
