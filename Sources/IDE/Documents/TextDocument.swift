/// One open document as the editor sees it: its text (UTF-8 bytes), version and language.
///
/// A value type: copying it is cheap (copy-on-write) and gives an immutable snapshot that a request can
/// read while later edits are applied to the store.
public struct TextDocument: Sendable, Equatable {
    /// The URI exactly as the client sent it; it is the document's identity.
    public let uri: String
    /// The client's language identifier (`swift`, `python`, …), possibly empty.
    public let languageId: String
    /// The client's version number; it grows with each change.
    public private(set) var version: Int
    /// The text as UTF-8. Always valid UTF-8: it only ever comes from Swift strings spliced at scalar boundaries.
    public private(set) var bytes: [UInt8]
    /// Line starts of `bytes`, rebuilt after each edit.
    public private(set) var lineIndex: LineIndex

    public init(uri: String, languageId: String, version: Int, text: String) {
        self.uri = uri
        self.languageId = languageId
        self.version = version
        self.bytes = Array(text.utf8)
        self.lineIndex = LineIndex(self.bytes)
    }

    /// The whole text as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Number of lines (a trailing terminator starts one more, empty line).
    public var lineCount: Int { lineIndex.lineCount }

    /// UTF-8 offset of a position counted in `encoding`; see `LineIndex` for clamping and rejection.
    public func utf8Offset(of position: TextPosition, encoding: PositionEncoding) throws -> Int {
        try lineIndex.utf8Offset(of: position, encoding: encoding, in: bytes)
    }

    /// UTF-8 offsets of a range given as two positions in `encoding`; an inverted range is rejected.
    public func utf8Range(from start: TextPosition, to end: TextPosition,
                          encoding: PositionEncoding) throws -> Range<Int> {
        let lower = try utf8Offset(of: start, encoding: encoding)
        let upper = try utf8Offset(of: end, encoding: encoding)
        guard lower <= upper else { throw DocumentError.invertedRange(start: start, end: end) }
        return lower..<upper
    }

    /// Position of a UTF-8 offset, counted in `encoding`.
    public func position(ofUTF8Offset offset: Int, encoding: PositionEncoding) -> TextPosition {
        lineIndex.position(ofUTF8Offset: offset, encoding: encoding, in: bytes)
    }

    /// Replaces the whole text (a full-document change).
    public mutating func replaceAll(with text: String) {
        bytes = Array(text.utf8)
        lineIndex = LineIndex(bytes)
    }

    /// Replaces the bytes in `range` with `text`. The range must lie on character boundaries,
    /// which `utf8Offset(of:encoding:)` guarantees.
    public mutating func replace(utf8Range range: Range<Int>, with text: String) {
        let lower = max(0, min(range.lowerBound, bytes.count))
        let upper = max(lower, min(range.upperBound, bytes.count))
        bytes.replaceSubrange(lower..<upper, with: text.utf8)
        // Rebuilding the whole index is linear in the document; fine for editor-sized files, and simple to trust.
        lineIndex = LineIndex(bytes)
    }

    /// Records the version the client gave with a change.
    public mutating func setVersion(_ newVersion: Int) {
        version = newVersion
    }
}
