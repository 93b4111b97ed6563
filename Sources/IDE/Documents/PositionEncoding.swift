/// The unit in which a client counts the `character` of a position.
///
/// LSP lets client and server agree on one of these during `initialize`.
/// IDE features always work on UTF-8 byte offsets; conversion happens only at the protocol edge.
public enum PositionEncoding: String, Sendable, CaseIterable, Codable {
    /// Bytes of UTF-8.
    case utf8 = "utf-8"
    /// UTF-16 code units: the LSP default, what JavaScript strings count.
    case utf16 = "utf-16"
    /// Unicode scalars (code points).
    case utf32 = "utf-32"

    /// How many units of this encoding a scalar takes, given how many UTF-8 bytes it has.
    @inlinable
    func width(ofScalarWithUTF8Length length: Int) -> Int {
        switch self {
        case .utf8: return length
        case .utf16: return length == 4 ? 2 : 1
        case .utf32: return 1
        }
    }
}

/// An editor-neutral position: a zero-based line and a zero-based column counted in some `PositionEncoding`.
public struct TextPosition: Hashable, Sendable, Codable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}
