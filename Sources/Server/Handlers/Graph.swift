import Foundation
import IDE
import LanguageServerProtocol
import Workspace

extension LanguageServer {
    /// A graph node as the client names it: a `file:` URI, a path, or an external module name.
    private func nodeText(_ text: String) -> String {
        LanguageServer.path(ofURI: text) ?? text
    }

    private func neighbours(_ found: [GraphFeatures.Neighbour], _ index: Index) -> GraphNeighbours {
        GraphNeighbours(files: found.map {
            .init(id: $0.id, uri: $0.isExternal ? nil : LanguageServer.uri(ofPath: $0.nodeID),
                  external: $0.isExternal, depth: $0.depth)
        })
    }

    private func depth(transitive: Bool?, depth: Int?) throws -> Int? {
        if let depth, depth < 1 { throw ResponseError.invalidParams("`params.depth` must be at least 1, got \(depth)") }
        if let depth { return depth }
        return transitive == true ? nil : 1
    }

    func dependencies(_ request: DependenciesRequest, _ context: RequestContext) async throws -> GraphNeighbours {
        let index = try await readyIndex()
        let found = try GraphFeatures.dependencies(index: index, path: nodeText(request.uri),
                                                   depth: depth(transitive: request.transitive, depth: request.depth))
        return neighbours(found, index)
    }

    func dependents(_ request: DependentsRequest, _ context: RequestContext) async throws -> GraphNeighbours {
        let index = try await readyIndex()
        let found = try GraphFeatures.dependents(index: index, path: nodeText(request.uri),
                                                 depth: depth(transitive: request.transitive, depth: request.depth))
        return neighbours(found, index)
    }

    func cycles(_ request: CyclesRequest, _ context: RequestContext) async throws -> CyclesResponse {
        let index = try await readyIndex()
        return CyclesResponse(cycles: try GraphFeatures.cycles(index: index).map { ids in
            .init(ids: ids, files: ids.map { LanguageServer.uri(ofPath: index.absolutePath($0)) })
        })
    }

    func importPath(_ request: PathRequest, _ context: RequestContext) async throws -> PathResponse {
        let index = try await readyIndex()
        let ids = try GraphFeatures.path(index: index, from: nodeText(request.from), to: nodeText(request.to)) ?? []
        return PathResponse(path: ids, uris: ids.map { id in
            let abs = index.absolutePath(id)
            return FileManager.default.fileExists(atPath: abs) ? LanguageServer.uri(ofPath: abs) : nil
        })
    }

    func graph(_ request: GraphRequest, _ context: RequestContext) async throws -> LSPAny {
        let index = try await readyIndex()
        let g = try index.graph()
        return .object([
            "nodes": .array(g.nodes.map { n in .object([
                "id": .string(index.displayID(n.id)), "kind": .string(n.isExternal ? "external" : "file"),
                "language": .string(n.language),
            ]) }),
            "edges": .array(g.edges.map { e in .object([
                "from": .string(index.displayID(e.from)), "to": .string(index.displayID(e.to)), "kind": "import",
            ]) }),
        ])
    }

    func rank(_ request: RankRequest, _ context: RequestContext) async throws -> LSPAny {
        let index = try await readyIndex()
        let ranked = try GraphFeatures.related(index: index, path: nodeText(request.uri), limit: request.limit ?? 20)
        let data = try JSONEncoder().encode(ranked)
        return try JSONDecoder().decode(LSPAny.self, from: data)
    }
}
