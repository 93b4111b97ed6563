import Foundation
import IDE
import LanguageServerProtocol
import Syntax
import Workspace

extension LanguageServer {
    /// The index once its initial scan is over: a rename computed on half an index would miss files.
    func settledIndex() async throws -> Index {
        await indexHost.waitForScan()
        return try await readyIndex()
    }

    func prepareRename(_ request: PrepareRenameRequest, _ document: DocumentSnapshot,
                       _ context: RequestContext) async throws -> PrepareRenameResult {
        let index = try await settledIndex()
        let path = try documentPath(document)
        let at = try point(request.position, in: document)
        do {
            let target = try Rename.prepare(index: index, path: path, at: at)
            return PrepareRenameResult(range: RangeMapper(state: context.state).range(target.range, in: path),
                                       placeholder: target.name)
        } catch let error as RefactorError {
            throw LanguageServer.refactorError(error)
        }
    }

    func rename(_ request: RenameRequest, _ document: DocumentSnapshot,
                _ context: RequestContext) async throws -> WorkspaceEdit {
        let index = try await settledIndex()
        let path = try documentPath(document)
        let at = try point(request.position, in: document)
        do {
            let edit = try Rename.rename(index: index, path: path, at: at, to: request.newName)
            try Task.checkCancellation()
            return workspaceEdit(edit, state: context.state)
        } catch let error as RefactorError {
            throw LanguageServer.refactorError(error)
        }
    }

    /// The LSP error for a refactor that cannot be done: the client's input (position, name, target) is wrong
    /// (-32602), or the request cannot be served here (-32803).
    static func refactorError(_ error: RefactorError) -> ResponseError {
        switch error {
        case .noSymbol, .invalidIdentifier, .collision, .outsideWorkspace, .noSelection:
            return ResponseError.invalidParams(error.description)
        case .notDefinedInWorkspace, .unsupportedLanguage, .invalid:
            return ResponseError.requestFailed(error.description)
        }
    }

    /// An editor-neutral refactor as an LSP workspace edit: one `TextDocumentEdit` per file (with the open
    /// document's version, `null` for files not open), then the file moves.
    func workspaceEdit(_ edit: RefactorEdit, state: ServerState) -> WorkspaceEdit {
        let mapper = RangeMapper(state: state)
        var versions: [String: Int] = [:]
        for doc in state.documents.all { if let p = LanguageServer.path(ofURI: doc.uri) { versions[p] = doc.version } }
        var changes: [DocumentChangeOperation] = edit.creates.map {
            .create(CreateFile(uri: LanguageServer.uri(ofPath: $0), options: .init(ignoreIfExists: true)))
        }
        for path in edit.edits.keys.sorted() {
            let edits = (edit.edits[path] ?? []).map { e in
                TextEdit(range: LSPRange(start: mapper.position(e.startByte, in: path), end: mapper.position(e.endByte, in: path)),
                         newText: e.newText)
            }
            guard !edits.isEmpty else { continue }
            changes.append(.edit(TextDocumentEdit(
                textDocument: OptionalVersionedTextDocumentIdentifier(uri: LanguageServer.uri(ofPath: path), version: versions[path]),
                edits: edits)))
        }
        for move in edit.moves {
            changes.append(.rename(RenameFile(oldUri: LanguageServer.uri(ofPath: move.from), newUri: LanguageServer.uri(ofPath: move.to))))
        }
        return WorkspaceEdit(documentChanges: changes)
    }
}
