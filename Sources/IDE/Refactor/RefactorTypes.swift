import Foundation
import Syntax
import Workspace

/// One replacement in one file, in UTF-8 bytes of the file's current text (the open buffer when the
/// editor has it open, else the disk). The server turns it into an LSP `TextEdit` at its edge.
public struct FileTextEdit: Hashable, Sendable {
    public var path: String
    public var startByte: Int
    public var endByte: Int
    public var newText: String

    public init(path: String, startByte: Int, endByte: Int, newText: String) {
        self.path = path
        self.startByte = startByte
        self.endByte = endByte
        self.newText = newText
    }

    public init(path: String, range: TextRange, newText: String) {
        self.init(path: path, startByte: range.startByte, endByte: range.endByte, newText: newText)
    }

    /// Whether `outer` replaces text that includes all of `inner`'s (an insertion at its edge is not inside).
    static func covers(_ outer: FileTextEdit, _ inner: FileTextEdit) -> Bool {
        guard outer.startByte < outer.endByte, outer.startByte <= inner.startByte, inner.endByte <= outer.endByte else { return false }
        return inner.startByte < inner.endByte || (inner.startByte != outer.startByte && inner.startByte != outer.endByte)
    }
}

/// A file moved or renamed by a refactor (absolute paths).
public struct FileMove: Hashable, Sendable {
    public var from: String
    public var to: String
    public init(from: String, to: String) { self.from = from; self.to = to }
}

/// What a refactor changes: text edits grouped per file, then files to move. Editor-neutral: the server
/// converts it into a `WorkspaceEdit` with `documentChanges`.
public struct RefactorEdit: Hashable, Sendable {
    /// Edits of each file, sorted by start and never overlapping.
    public var edits: [String: [FileTextEdit]]
    /// Moves applied after the text edits (the edits name files by their old path).
    public var moves: [FileMove]
    /// Files created (empty) before the text edits, which then fill them.
    public var creates: [String] = []

    public init(edits: [FileTextEdit] = [], moves: [FileMove] = []) {
        self.edits = [:]
        self.moves = moves
        for e in edits { add(e) }
    }

    /// Adds an edit; an exact duplicate (two queries finding one name) is kept once.
    /// An edit inside another one of the same file (a name within a rewritten import path) is dropped, and
    /// one around earlier edits replaces them: the outer edit already says what the text becomes.
    public mutating func add(_ edit: FileTextEdit) {
        var list = edits[edit.path, default: []]
        guard !list.contains(where: { $0 == edit || FileTextEdit.covers($0, edit) }) else { return }
        list.removeAll { FileTextEdit.covers(edit, $0) }
        list.append(edit)
        list.sort { ($0.startByte, $0.endByte) < ($1.startByte, $1.endByte) }
        edits[edit.path] = list
    }

    public var isEmpty: Bool { edits.values.allSatisfy(\.isEmpty) && moves.isEmpty && creates.isEmpty }

    /// Every edit, files in path order.
    public var allEdits: [FileTextEdit] { edits.keys.sorted().flatMap { edits[$0] ?? [] } }

    /// `bytes` with this edit's changes of `path` applied (edits are non-overlapping, applied back to front).
    public func applied(to bytes: [UInt8], path: String) -> [UInt8] {
        var out = bytes
        for e in (edits[path] ?? []).reversed() {
            let lo = max(0, min(e.startByte, out.count)), hi = max(lo, min(e.endByte, out.count))
            out.replaceSubrange(lo..<hi, with: Array(e.newText.utf8))
        }
        return out
    }
}

/// Why a refactor cannot be done. Each message names the thing and what to do instead.
public enum RefactorError: Error, Equatable, CustomStringConvertible, Sendable {
    case noSymbol(path: String, line: Int)
    case notDefinedInWorkspace(name: String)
    case invalidIdentifier(name: String, language: String, reason: String)
    case collision(name: String, path: String, line: Int)
    case outsideWorkspace(path: String)
    case unsupportedLanguage(path: String)
    case noSelection(what: String)
    case invalid(String)

    public var description: String {
        switch self {
        case let .noSymbol(path, line):
            return "there is no symbol to rename at line \(line) of \(path); put the cursor on a name"
        case let .notDefinedInWorkspace(name):
            return "`\(name)` is not defined in this workspace (a builtin or a library name); rename its definition instead"
        case let .invalidIdentifier(name, language, reason):
            return "`\(name)` is not a valid \(language) identifier: \(reason); choose another name"
        case let .collision(name, path, line):
            return "`\(name)` is already defined in \(path) at line \(line); choose another name or rename that one first"
        case let .outsideWorkspace(path):
            return "\(path) is outside the workspace folders; move files within the workspace only"
        case let .unsupportedLanguage(path):
            return "Quorum has no refactoring rules for \(path); only Python, JavaScript, TypeScript, Go, Rust, C, C++ and Java files are supported"
        case let .noSelection(what):
            return what
        case let .invalid(text):
            return text
        }
    }
}
