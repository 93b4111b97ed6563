import Base
import Foundation
import IDE
import LanguageServerProtocol

extension LanguageServer {
    /// The server's name in `serverInfo` and status.
    public static let serverName = "quorum"

    func initialize(_ request: InitializeRequest) throws -> InitializeResult {
        let capabilities = request.capabilities ?? ClientCapabilities()
        let encoding = PositionEncoding.negotiate(clientPreferences: capabilities.general?.positionEncodings)
        let roots = WorkspaceRoots.from(folders: request.workspaceFolders, rootUri: request.rootUri,
                                        rootPath: request.rootPath)
        lock.withLock {
            state.lifecycle = .running
            state.clientCapabilities = capabilities
            state.encoding = encoding
            state.roots = roots
            state.trace = request.trace ?? .off
            state.initializationOptions = request.initializationOptions
            _ = recomputeSettings()
        }
        logger.info("initialize from \(request.clientInfo?.name ?? "unknown client"): encoding \(encoding.rawValue), roots \(roots.map { $0.path ?? $0.uri })")
        if let pid = request.processId, pid > 0 {
            let watcher = ParentProcessWatcher(pid: pid_t(pid), interval: options.parentPollInterval) { [self] in
                logger.warning("client process \(pid) is gone; exiting")
                terminate(code: 1)
            }
            lock.withLock { parentWatcher = watcher }
            watcher.start()
        }
        var advertised = ServerCapabilities(
            positionEncoding: encoding.kind,
            textDocumentSync: TextDocumentSyncOptions(openClose: true, change: .incremental,
                                                      save: SaveOptions(includeText: false)),
            workspace: WorkspaceServerCapabilities(
                workspaceFolders: WorkspaceFoldersServerCapabilities(supported: true, changeNotifications: true),
                fileOperations: FileOperationsServerCapabilities(willRename: .init(filters: [.init(scheme: "file", pattern: .init(glob: "**"))]))),
            experimental: .object(["quorum": .object([
                "status": true, "positionInfo": true, "debugSleep": .bool(options.debugRequests),
                "stats": true, "explain": true,
                "requests": .array(["quorum/status", "quorum/positionInfo", "quorum/stats", "quorum/explain",
                                    "quorum/dependencies", "quorum/dependents", "quorum/cycles", "quorum/path",
                                    "quorum/graph", "quorum/rank"]),
            ])]))
        advertised.inlineCompletionProvider = true
        advertised.documentSymbolProvider = true
        advertised.workspaceSymbolProvider = true
        advertised.definitionProvider = true
        advertised.declarationProvider = true
        advertised.referencesProvider = true
        advertised.documentHighlightProvider = true
        advertised.callHierarchyProvider = true
        advertised.documentLinkProvider = DocumentLinkOptions(resolveProvider: false)
        advertised.renameProvider = RenameOptions(prepareProvider: true)
        advertised.codeActionProvider = CodeActionOptions(
            codeActionKinds: ["refactor.extract", "refactor.inline", "refactor.rewrite", "source.organizeImports"], resolveProvider: true)
        advertised.executeCommandProvider = ExecuteCommandOptions(commands: LanguageServer.commands)
        advertised.completionProvider = CompletionOptions(triggerCharacters: [".", "(", " "], resolveProvider: false)
        return InitializeResult(
            capabilities: advertised,
            serverInfo: InitializeResult.ServerInfo(name: LanguageServer.serverName, version: quorumVersion))
    }

    func initialized(_ notification: InitializedNotification) throws {
        let capabilities = lock.withLock { state.clientCapabilities }
        reportNewSettingProblems()
        settingsDidChange()
        openIndex()
        if capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration == true {
            registerFileWatchers()
        }
        if capabilities.workspace?.configuration == true {
            pullConfiguration()
        }
    }

    func shutdown(_ request: ShutdownRequest) throws -> VoidResponse {
        let running = lock.withLock { () -> [Task<Void, Never>] in
            state.lifecycle = .shutDown
            state.shutdownReceived = true
            return Array(inFlight.values)
        }
        // Running requests are told to stop; the answer to shutdown waits until they have (see `Route.barrier`),
        // so every request sent before shutdown is answered, with its result or -32800.
        for task in running { task.cancel() }
        logger.info("shutdown")
        return VoidResponse()
    }

    func exit(_ notification: ExitNotification) throws {
        let code: Int32 = lock.withLock { state.shutdownReceived ? 0 : 1 }
        logger.info("exit notification; status \(code)")
        terminate(code: code)
    }

    func cancelRequest(_ notification: CancelRequestNotification) throws {
        cancel(notification.id)
    }

    func setTrace(_ notification: SetTraceNotification) throws {
        lock.withLock { state.trace = notification.value }
    }

    /// Stops handling messages and ends the process through `options.terminate`.
    func terminate(code: Int32) {
        let tasks = lock.withLock { () -> [Task<Void, Never>] in
            exited = true
            return Array(inFlight.values)
        }
        for task in tasks { task.cancel() }
        lock.withLock { parentWatcher }?.stop()
        options.terminate(code)
    }
}
