import IDE
import LanguageServerProtocol

// The only place LSP positions meet UTF-8 offsets. Policy (ARCHITECTURE.md, "Positions"):
// a character past the line end is clamped to the line end, a character inside a multi-unit character rounds down
// to its start, and a line past the last line (or a negative number) is an error: -32602 for requests.

extension DocumentSnapshot {
    /// UTF-8 offset of an LSP position; throws -32602 naming the position when it is outside the document.
    public func utf8Offset(of position: Position) throws -> Int {
        do {
            return try document.utf8Offset(of: TextPosition(position), encoding: encoding)
        } catch let error as DocumentError {
            throw ResponseError.invalidParams("\(error)")
        }
    }

    /// UTF-8 offsets of an LSP range; throws -32602 when either end is outside the document or the range is inverted.
    public func utf8Range(of range: LSPRange) throws -> Swift.Range<Int> {
        do {
            return try document.utf8Range(from: TextPosition(range.start), to: TextPosition(range.end),
                                          encoding: encoding)
        } catch let error as DocumentError {
            throw ResponseError.invalidParams("\(error)")
        }
    }

    /// LSP position of a UTF-8 offset.
    public func position(ofUTF8Offset offset: Int) -> Position {
        Position(document.position(ofUTF8Offset: offset, encoding: encoding))
    }

    /// LSP range of UTF-8 offsets.
    public func range(ofUTF8Range range: Swift.Range<Int>) -> LSPRange {
        LSPRange(start: position(ofUTF8Offset: range.lowerBound), end: position(ofUTF8Offset: range.upperBound))
    }
}

extension TextPosition {
    /// The IDE position of an LSP position (same numbers; the encoding travels separately).
    public init(_ position: Position) {
        self.init(line: position.line, column: position.character)
    }
}

extension Position {
    /// The LSP position of an IDE position.
    public init(_ position: TextPosition) {
        self.init(line: position.line, character: position.column)
    }
}

extension PositionEncoding {
    /// The encoding's wire name.
    public var kind: PositionEncodingKind { PositionEncodingKind(rawValue: rawValue) }

    /// The first of the client's preferred encodings the server supports; UTF-16 when the client lists none.
    public static func negotiate(clientPreferences: [PositionEncodingKind]?) -> PositionEncoding {
        for kind in clientPreferences ?? [] {
            if let encoding = PositionEncoding(rawValue: kind.rawValue) { return encoding }
        }
        return .utf16
    }
}
