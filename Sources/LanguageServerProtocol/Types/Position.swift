/// A zero-based line and character; `character` counts units of the negotiated position encoding.
public struct Position: Codable, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var character: Int

    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    public var description: String { "\(line):\(character)" }
}

/// A half-open range between two positions (LSP `Range`; renamed so it never shadows `Swift.Range`).
public struct LSPRange: Codable, Hashable, Sendable {
    public var start: Position
    public var end: Position

    public init(start: Position, end: Position) {
        self.start = start
        self.end = end
    }
}

/// A range in a document.
public struct Location: Codable, Hashable, Sendable, ResponseType {
    public var uri: DocumentURI
    public var range: LSPRange

    public init(uri: DocumentURI, range: LSPRange) {
        self.uri = uri
        self.range = range
    }
}

/// A document URI exactly as the client wrote it. The server never rewrites it, so answers echo the client's spelling.
public typealias DocumentURI = String
