import Foundation
import IDE
import LanguageServerProtocol
import Workspace

extension LanguageServer {
    /// `workspace/willRenameFiles`: the import edits for files or folders about to move. The editor moves the
    /// files itself, so the answer holds text edits only (on the files' old URIs, applied before the move).
    func willRenameFiles(_ request: WillRenameFilesRequest, _ context: RequestContext) async throws -> WorkspaceEdit {
        let index = try await settledIndex()
        var moves: [FileMove] = []
        for (i, entry) in request.files.enumerated() {
            guard let from = LanguageServer.path(ofURI: entry.oldUri), let to = LanguageServer.path(ofURI: entry.newUri) else {
                throw ResponseError.invalidParams("`params.files[\(i)]` must name file: URIs (got \(entry.oldUri) → \(entry.newUri))")
            }
            moves.append(FileMove(from: from, to: to))
        }
        do {
            return workspaceEdit(try FileMoves.edits(index: index, moves: moves), state: context.state)
        } catch let error as RefactorError {
            throw LanguageServer.refactorError(error)
        }
    }
}
