import Foundation
import IDE
import LanguageServerProtocol
import Syntax
import Workspace

extension LanguageServer {
    /// Opens (or reopens, when the folders changed) the index of the workspace roots and starts its scan.
    func openIndex() {
        let state = currentState
        let roots = state.roots.compactMap(\.path)
        let off = Set(state.settings.languages.filter { !$0.value }.map(\.key))
        indexHost.open(roots: roots, cacheDir: state.settings.cacheDir, exclude: state.settings.exclude,
                       languagesOff: off, progress: { [weak self] title in await self?.beginProgress(title: title) },
                       report: { [weak self] text in self?.showMessage(.error, text) })
    }

    /// The index, with every edit received so far applied; throws a clear error when there is none.
    func readyIndex() async throws -> Index {
        await indexHost.drain()
        guard let index = indexHost.current else {
            throw ResponseError(code: -32803, message: indexHost.openError.map { "the index is unavailable: \($0)" }
                ?? "no workspace folder is open, so there is no index; open a folder")
        }
        return index
    }

    func documentPath(_ document: DocumentSnapshot) throws -> String {
        guard let path = LanguageServer.path(ofURI: document.uri) else {
            throw ResponseError.invalidParams("\(document.uri) is not a file: URI; the index only knows files")
        }
        return path
    }

    func documentSymbol(_ request: DocumentSymbolRequest, _ document: DocumentSnapshot,
                        _ context: RequestContext) async throws -> [DocumentSymbol] {
        let index = try await readyIndex()
        let path = try documentPath(document)
        let mapper = RangeMapper(state: context.state)
        func convert(_ node: DocumentSymbolNode) -> DocumentSymbol {
            DocumentSymbol(name: node.name, detail: node.detail, kind: LanguageServer.lspKind(node.kind),
                           range: mapper.range(node.range, in: path), selectionRange: mapper.range(node.selectionRange, in: path),
                           children: node.children.isEmpty ? nil : node.children.map(convert))
        }
        return DocumentSymbols.outline(index: index, path: path).map(convert)
    }

    func workspaceSymbol(_ request: WorkspaceSymbolRequest, _ context: RequestContext) async throws -> [SymbolInformation] {
        let index = try await readyIndex()
        let mapper = RangeMapper(state: context.state)
        return WorkspaceSymbols.search(index: index, query: request.query, limit: 100).map { match in
            let s = match.symbol
            return SymbolInformation(name: s.name, kind: LanguageServer.lspKind(s.kind),
                                     location: LanguageServerProtocol.Location(uri: LanguageServer.uri(ofPath: s.path),
                                                                               range: mapper.range(s.selectionRange, in: s.path)),
                                     containerName: s.container)
        }
    }

    func definition(_ request: DefinitionRequest, _ document: DocumentSnapshot,
                    _ context: RequestContext) async throws -> [LanguageServerProtocol.Location] {
        try await definitions(document, request.position, context)
    }

    func declaration(_ request: DeclarationRequest, _ document: DocumentSnapshot,
                     _ context: RequestContext) async throws -> [LanguageServerProtocol.Location] {
        try await definitions(document, request.position, context)
    }

    private func definitions(_ document: DocumentSnapshot, _ position: Position,
                             _ context: RequestContext) async throws -> [LanguageServerProtocol.Location] {
        let index = try await readyIndex()
        let path = try documentPath(document)
        let at = try point(position, in: document)
        let mapper = RangeMapper(state: context.state)
        return Navigation.definition(index: index, path: path, at: at).map {
            LanguageServerProtocol.Location(uri: LanguageServer.uri(ofPath: $0.path), range: mapper.range($0.selectionRange, in: $0.path))
        }
    }

    func references(_ request: ReferencesRequest, _ document: DocumentSnapshot,
                    _ context: RequestContext) async throws -> [LanguageServerProtocol.Location] {
        let index = try await readyIndex()
        let path = try documentPath(document)
        let at = try point(request.position, in: document)
        let mapper = RangeMapper(state: context.state)
        let found = Navigation.references(index: index, path: path, at: at,
                                          includeDeclaration: request.context?.includeDeclaration ?? true)
        var result: [LanguageServerProtocol.Location] = []
        for (i, location) in found.enumerated() {
            if i % 256 == 0 { try Task.checkCancellation() }
            result.append(.init(uri: LanguageServer.uri(ofPath: location.path), range: mapper.range(location.range, in: location.path)))
        }
        return result
    }

    func documentHighlight(_ request: DocumentHighlightRequest, _ document: DocumentSnapshot,
                           _ context: RequestContext) async throws -> [DocumentHighlight] {
        let index = try await readyIndex()
        let path = try documentPath(document)
        let at = try point(request.position, in: document)
        let mapper = RangeMapper(state: context.state)
        return Navigation.highlights(index: index, path: path, at: at).map {
            DocumentHighlight(range: mapper.range($0.range, in: path), kind: $0.kind == .write ? 3 : $0.kind == .read ? 2 : 1)
        }
    }

    func documentLink(_ request: DocumentLinkRequest, _ document: DocumentSnapshot,
                      _ context: RequestContext) async throws -> [LanguageServerProtocol.DocumentLink] {
        let index = try await readyIndex()
        let path = try documentPath(document)
        let mapper = RangeMapper(state: context.state)
        return DocumentLinks.links(index: index, path: path).map {
            LanguageServerProtocol.DocumentLink(range: mapper.range($0.range, in: path), target: LanguageServer.uri(ofPath: $0.target),
                                                tooltip: index.relativePath($0.target))
        }
    }

    // MARK: Call hierarchy

    private func item(_ s: SymbolInfo, _ mapper: RangeMapper) -> CallHierarchyItem {
        CallHierarchyItem(name: s.name, kind: LanguageServer.lspKind(s.kind), detail: s.container,
                          uri: LanguageServer.uri(ofPath: s.path), range: mapper.range(s.range, in: s.path),
                          selectionRange: mapper.range(s.selectionRange, in: s.path),
                          data: .object(["path": .string(s.path), "index": .int(s.index)]))
    }

    /// Finds the symbol a call-hierarchy item stands for, by the identity kept in its `data`.
    private func symbol(for item: CallHierarchyItem, _ index: Index) throws -> SymbolInfo {
        guard case .object(let data)? = item.data, case .string(let path)? = data["path"],
              case .int(let row)? = data["index"] else {
            throw ResponseError.invalidParams("`item.data` must be what textDocument/prepareCallHierarchy returned")
        }
        guard let symbol = Navigation.symbol(index: index, path: path, row: row, name: item.name) else {
            throw ResponseError(code: -32801, message: "the symbol \(item.name) is no longer in \(path); prepare the call hierarchy again")
        }
        return symbol
    }

    func prepareCallHierarchy(_ request: PrepareCallHierarchyRequest, _ document: DocumentSnapshot,
                              _ context: RequestContext) async throws -> [CallHierarchyItem] {
        let index = try await readyIndex()
        let path = try documentPath(document)
        let at = try point(request.position, in: document)
        let mapper = RangeMapper(state: context.state)
        return CallHierarchy.prepare(index: index, path: path, at: at).map { item($0, mapper) }
    }

    func incomingCalls(_ request: CallHierarchyIncomingCallsRequest,
                       _ context: RequestContext) async throws -> [CallHierarchyIncomingCall] {
        let index = try await readyIndex()
        let target = try symbol(for: request.item, index)
        let mapper = RangeMapper(state: context.state)
        return CallHierarchy.incomingCalls(index: index, item: target).map { call in
            CallHierarchyIncomingCall(from: item(call.symbol, mapper),
                                      fromRanges: call.fromRanges.map { mapper.range($0, in: call.symbol.path) })
        }
    }

    func outgoingCalls(_ request: CallHierarchyOutgoingCallsRequest,
                       _ context: RequestContext) async throws -> [CallHierarchyOutgoingCall] {
        let index = try await readyIndex()
        let source = try symbol(for: request.item, index)
        let mapper = RangeMapper(state: context.state)
        return CallHierarchy.outgoingCalls(index: index, item: source).map { call in
            CallHierarchyOutgoingCall(to: item(call.symbol, mapper),
                                      fromRanges: call.fromRanges.map { mapper.range($0, in: source.path) })
        }
    }
}
