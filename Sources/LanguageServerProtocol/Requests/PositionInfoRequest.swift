/// `quorum/positionInfo`: how the server reads a position in an open document — the UTF-8 offset it maps to,
/// the position after clamping, and the text of its line. For checking position encodings from an editor or a test.
public struct PositionInfoRequest: TextDocumentRequest, Hashable {
    public static let method = "quorum/positionInfo"
    public typealias Response = PositionInfoResponse

    public var textDocument: TextDocumentIdentifier
    public var position: Position

    public init(textDocument: TextDocumentIdentifier, position: Position) {
        self.textDocument = textDocument
        self.position = position
    }
}

/// The answer to `quorum/positionInfo`.
public struct PositionInfoResponse: ResponseType, Hashable {
    /// Offset in the document's UTF-8 bytes.
    public var utf8Offset: Int
    /// The position the offset maps back to: equal to the request's unless it was clamped or rounded down.
    public var position: Position
    /// The document version the answer is about.
    public var version: Int
    /// The whole line, terminator excluded.
    public var lineText: String
    /// Length of the line in the negotiated encoding.
    public var lineLength: Int

    public init(utf8Offset: Int, position: Position, version: Int, lineText: String, lineLength: Int) {
        self.utf8Offset = utf8Offset
        self.position = position
        self.version = version
        self.lineText = lineText
        self.lineLength = lineLength
    }
}
