/// Why a document operation was refused. Each case carries what is needed to say what went wrong and how to fix it.
public enum DocumentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A request or change named a document that was never opened (or was already closed).
    case notOpen(uri: String)
    /// `didOpen` for a document that is already open: the client lost track of its own state.
    case alreadyOpen(uri: String)
    /// A line or column was negative.
    case negativePosition(TextPosition)
    /// A position names a line past the last line of the document.
    case lineOutOfRange(TextPosition, lineCount: Int)
    /// A range whose end comes before its start.
    case invertedRange(start: TextPosition, end: TextPosition)

    public var description: String {
        switch self {
        case .notOpen(let uri):
            return "document \(uri) is not open; send textDocument/didOpen first"
        case .alreadyOpen(let uri):
            return "document \(uri) is already open; send textDocument/didClose before opening it again"
        case .negativePosition(let position):
            return "position \(position) has a negative line or character"
        case .lineOutOfRange(let position, let lineCount):
            return "position \(position) is past the end of the document, which has \(lineCount) line(s) (last line \(lineCount - 1))"
        case .invertedRange(let start, let end):
            return "range end \(end) comes before its start \(start)"
        }
    }
}
