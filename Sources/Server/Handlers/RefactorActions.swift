import Foundation
import IDE
import LanguageServerProtocol
import Workspace

extension LanguageServer {
    /// `textDocument/codeAction`: titles, kinds and `data` only; the edits are computed on resolve.
    func codeAction(_ request: CodeActionRequest, _ document: DocumentSnapshot,
                    _ context: RequestContext) async throws -> [CodeAction] {
        let index = try await readyIndex()
        let path = try documentPath(document)
        let selection = try document.utf8Range(of: request.range)
        var offers = CodeActions.offers(index: index, path: path, selection: selection)
        // Model actions need a backend; one still loading counts (resolve waits for it), so listing never waits.
        if assistant.current != nil || assistant.isLoading {
            offers += ModelActions.offers(index: index, path: path, selection: selection)
        }
        let only = request.context?.only ?? []
        return offers.filter { offer in only.isEmpty || only.contains { offer.kind == $0 || offer.kind.hasPrefix($0 + ".") } }
            .map { offer in
                CodeAction(title: offer.title, kind: offer.kind, data: .object([
                    "uri": .string(document.uri), "id": .string(offer.id), "version": .int(document.document.version),
                    "start": .int(selection.lowerBound), "end": .int(selection.upperBound),
                ]))
            }
    }

    /// `codeAction/resolve`: computes the edit of an action listed by `textDocument/codeAction`.
    func resolveCodeAction(_ request: CodeActionResolveRequest, _ context: RequestContext) async throws -> CodeAction {
        guard case .string(let uri)? = request.data?["uri"], case .string(let id)? = request.data?["id"],
              case .int(let start)? = request.data?["start"], case .int(let end)? = request.data?["end"], start <= end else {
            throw ResponseError.invalidParams("`params.data` must be what textDocument/codeAction returned")
        }
        if case .int(let version)? = request.data?["version"], let doc = try? context.state.documents.document(uri),
           doc.version != version {
            throw ResponseError(code: ResponseError.contentModifiedCode,
                                message: "\(uri) changed since the action was listed; ask for code actions again")
        }
        guard let path = LanguageServer.path(ofURI: uri) else {
            throw ResponseError.invalidParams("\(uri) is not a file: URI")
        }
        let index = try await settledIndex()
        let edit: RefactorEdit
        do {
            if id.hasPrefix(ModelActions.prefix) {
                edit = try await modelEdit(index: index, path: path, selection: start..<end, id: id, state: context.state)
            } else {
                edit = try CodeActions.resolve(index: index, path: path, selection: start..<end, id: id)
            }
        } catch let error as RefactorError {
            throw LanguageServer.refactorError(error)
        }
        try Task.checkCancellation()
        return CodeAction(title: request.title, kind: request.kind, edit: workspaceEdit(edit, state: context.state),
                          data: request.data)
    }

    static let commands = ["quorum.showDependents", "quorum.showDependencies", "quorum.showCycles"]

    /// `workspace/executeCommand`: the graph commands answer what `quorum/dependents`, `quorum/dependencies`
    /// and `quorum/cycles` answer; their arguments are those requests' params (or a bare URI).
    func executeCommand(_ request: ExecuteCommandRequest, _ context: RequestContext) async throws -> LSPAny {
        var params: LSPAny = .object([:])
        if let first = request.arguments?.first {
            if case .string(let uri) = first { params = .object(["uri": .string(uri)]) } else { params = first }
        }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            do { return try params.decode(T.self) } catch {
                throw ResponseError.invalidParams("`\(request.command)` takes a file URI or {uri, transitive?, depth?} as its argument")
            }
        }
        switch request.command {
        case "quorum.showDependents": return try LSPAny(encoding: try await dependents(try decode(DependentsRequest.self), context))
        case "quorum.showDependencies":
            return try LSPAny(encoding: try await dependencies(try decode(DependenciesRequest.self), context))
        case "quorum.showCycles": return try LSPAny(encoding: try await cycles(try LSPAny.object([:]).decode(CyclesRequest.self), context))
        default:
            throw ResponseError.invalidParams("unknown command `\(request.command)`; the server runs \(LanguageServer.commands.joined(separator: ", "))")
        }
    }
}
