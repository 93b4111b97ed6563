import Base
import LanguageServerProtocol

extension LanguageServer {
    func status(_ request: StatusRequest, _ context: RequestContext) async throws -> StatusResponse {
        let state = context.state
        var response = StatusResponse(
            serverName: LanguageServer.serverName,
            serverVersion: quorumVersion,
            state: state.lifecycle.rawValue,
            positionEncoding: state.encoding.kind,
            trace: state.trace,
            workspaceFolders: state.roots.map { .init(uri: $0.uri, name: $0.name, path: $0.path) },
            documents: state.documents.all.map {
                .init(uri: $0.uri, languageId: $0.languageId, version: $0.version, lineCount: $0.lineCount,
                      utf8Length: $0.bytes.count)
            },
            settings: (try? LSPAny(encoding: state.settings)) ?? .null,
            requestsInFlight: state.requestsInFlight,
            watchedFileEvents: state.watchedFileEvents,
            registrations: state.registrations)
        response.indexing = indexHost.isIndexing
        response.indexedFiles = indexHost.lastReport?.total
        response.completionBackend = assistant.current?.backend.label
        response.modelLoading = assistant.isLoading
        return response
    }

    func positionInfo(_ request: PositionInfoRequest, _ document: DocumentSnapshot,
                      _ context: RequestContext) async throws -> PositionInfoResponse {
        let offset = try document.utf8Offset(of: request.position)
        let position = document.position(ofUTF8Offset: offset)
        let line = document.document.lineIndex.contentRange(ofLine: position.line, in: document.document.bytes)
        return PositionInfoResponse(
            utf8Offset: offset, position: position, version: document.document.version,
            lineText: String(decoding: document.document.bytes[line], as: UTF8.self),
            lineLength: document.document.lineIndex.length(ofLine: position.line, encoding: document.encoding,
                                                           in: document.document.bytes))
    }
}
