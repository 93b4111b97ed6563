import Foundation
import IDE
import LanguageServerProtocol
import Syntax
import Workspace

// Conversions between the index's world (absolute paths, UTF-8 byte ranges and points) and LSP's
// (URIs, positions in the negotiated encoding). Files that are not open are read from disk once per request.

/// Converts index ranges of any file into LSP ranges, reading each file at most once.
final class RangeMapper {
    private let state: ServerState
    private var lines: [String: (bytes: [UInt8], index: LineIndex)] = [:]

    init(state: ServerState) { self.state = state }

    func range(_ r: TextRange, in path: String) -> LSPRange {
        LSPRange(start: position(r.startByte, in: path), end: position(r.endByte, in: path))
    }

    func position(_ byte: Int, in path: String) -> Position {
        let file = load(path)
        return Position(file.index.position(ofUTF8Offset: min(byte, file.bytes.count), encoding: state.encoding, in: file.bytes))
    }

    private func load(_ path: String) -> (bytes: [UInt8], index: LineIndex) {
        if let cached = lines[path] { return cached }
        let entry: (bytes: [UInt8], index: LineIndex)
        if let doc = state.documents.all.first(where: { LanguageServer.path(ofURI: $0.uri) == path }) {
            entry = (doc.bytes, doc.lineIndex)  // kept up to date by every edit
        } else {
            let bytes = (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
            entry = (bytes, LineIndex(bytes))
        }
        lines[path] = entry
        return entry
    }
}

extension LanguageServer {
    /// The absolute, symlink-resolved path of a `file:` URI (the form the index keys files by).
    static func path(ofURI uri: String) -> String? {
        guard let url = URL(string: uri), url.isFileURL else { return nil }
        return url.resolvingSymlinksInPath().path
    }

    static func uri(ofPath path: String) -> String { URL(fileURLWithPath: path).absoluteString }

    /// The index's point for an LSP position in an open document.
    func point(_ position: Position, in document: DocumentSnapshot) throws -> SyntaxPoint {
        let offset = try document.utf8Offset(of: position)
        let p = document.document.position(ofUTF8Offset: offset, encoding: .utf8)
        return SyntaxPoint(row: p.line, column: p.column)
    }

    static func lspKind(_ kind: SymbolKind) -> Int {
        switch kind {
        case .function: return LSPSymbolKind.function
        case .method: return LSPSymbolKind.method
        case .class: return LSPSymbolKind.class
        case .struct: return LSPSymbolKind.struct
        case .enum: return LSPSymbolKind.enum
        case .interface, .protocol, .trait: return LSPSymbolKind.interface
        case .variable: return LSPSymbolKind.variable
        case .constant: return LSPSymbolKind.constant
        case .field: return LSPSymbolKind.field
        case .module: return LSPSymbolKind.module
        case .type: return LSPSymbolKind.typeParameter
        case .macro: return LSPSymbolKind.function
        }
    }

    /// The index edits a didChange makes: one `InputEdit` per content change, with the text after it, so
    /// the kept syntax tree is edited (`ts_tree_edit`) and reparsed incrementally.
    static func inputEdits(from old: TextDocument, changes: [DocumentChange],
                           encoding: PositionEncoding) -> [(InputEdit?, [UInt8])] {
        var doc = old
        var result: [(InputEdit?, [UInt8])] = []
        for change in changes {
            guard let range = change.range,
                  let r = try? doc.utf8Range(from: range.start, to: range.end, encoding: encoding) else {
                doc.replaceAll(with: change.text)
                result.append((nil, doc.bytes))
                continue
            }
            let startP = doc.position(ofUTF8Offset: r.lowerBound, encoding: .utf8)
            let oldEndP = doc.position(ofUTF8Offset: r.upperBound, encoding: .utf8)
            doc.replace(utf8Range: r, with: change.text)
            let newEnd = r.lowerBound + change.text.utf8.count
            let newEndP = doc.position(ofUTF8Offset: newEnd, encoding: .utf8)
            let edit = InputEdit(startByte: r.lowerBound, oldEndByte: r.upperBound, newEndByte: newEnd,
                                 startPoint: SyntaxPoint(row: startP.line, column: startP.column),
                                 oldEndPoint: SyntaxPoint(row: oldEndP.line, column: oldEndP.column),
                                 newEndPoint: SyntaxPoint(row: newEndP.line, column: newEndP.column))
            result.append((edit, doc.bytes))
        }
        return result
    }
}
