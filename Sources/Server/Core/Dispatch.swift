import LanguageServerProtocol

extension LanguageServer {
    /// The one table of every message the server handles, with its concurrency class (the factory used) and handler.
    ///
    /// Adding a request: a message type file in LanguageServerProtocol, one case here, one handler function.
    /// A method missing here is answered -32601 (requests) or ignored (notifications).
    func route(for method: String) -> Route? {
        switch method {
        // Lifecycle.
        case InitializeRequest.method: return .serial(InitializeRequest.self, LanguageServer.initialize)
        case InitializedNotification.method: return .update(InitializedNotification.self, LanguageServer.initialized)
        case ShutdownRequest.method: return .barrier(ShutdownRequest.self, LanguageServer.shutdown)
        case ExitNotification.method: return .update(ExitNotification.self, LanguageServer.exit)
        case CancelRequestNotification.method: return .update(CancelRequestNotification.self, LanguageServer.cancelRequest)
        case SetTraceNotification.method: return .update(SetTraceNotification.self, LanguageServer.setTrace)

        // Document sync.
        case DidOpenTextDocumentNotification.method:
            return .update(DidOpenTextDocumentNotification.self, LanguageServer.didOpen)
        case DidChangeTextDocumentNotification.method:
            return .update(DidChangeTextDocumentNotification.self, LanguageServer.didChange)
        case DidCloseTextDocumentNotification.method:
            return .update(DidCloseTextDocumentNotification.self, LanguageServer.didClose)
        case DidSaveTextDocumentNotification.method:
            return .update(DidSaveTextDocumentNotification.self, LanguageServer.didSave)

        // Workspace.
        case DidChangeWorkspaceFoldersNotification.method:
            return .update(DidChangeWorkspaceFoldersNotification.self, LanguageServer.didChangeWorkspaceFolders)
        case DidChangeConfigurationNotification.method:
            return .update(DidChangeConfigurationNotification.self, LanguageServer.didChangeConfiguration)
        case DidChangeWatchedFilesNotification.method:
            return .update(DidChangeWatchedFilesNotification.self, LanguageServer.didChangeWatchedFiles)

        // Requests.
        case StatusRequest.method: return .workspace(StatusRequest.self, LanguageServer.status)
        case PositionInfoRequest.method: return .document(PositionInfoRequest.self, LanguageServer.positionInfo)
        // Navigation (the index).
        case DocumentSymbolRequest.method: return .document(DocumentSymbolRequest.self, LanguageServer.documentSymbol)
        case WorkspaceSymbolRequest.method: return .workspace(WorkspaceSymbolRequest.self, LanguageServer.workspaceSymbol)
        case DefinitionRequest.method: return .document(DefinitionRequest.self, LanguageServer.definition)
        case DeclarationRequest.method: return .document(DeclarationRequest.self, LanguageServer.declaration)
        case ReferencesRequest.method: return .document(ReferencesRequest.self, LanguageServer.references)
        case DocumentHighlightRequest.method: return .document(DocumentHighlightRequest.self, LanguageServer.documentHighlight)
        case DocumentLinkRequest.method: return .document(DocumentLinkRequest.self, LanguageServer.documentLink)
        case PrepareCallHierarchyRequest.method:
            return .document(PrepareCallHierarchyRequest.self, LanguageServer.prepareCallHierarchy)
        case CallHierarchyIncomingCallsRequest.method:
            return .workspace(CallHierarchyIncomingCallsRequest.self, LanguageServer.incomingCalls)
        case CallHierarchyOutgoingCallsRequest.method:
            return .workspace(CallHierarchyOutgoingCallsRequest.self, LanguageServer.outgoingCalls)

        // The dependency graph.
        case DependenciesRequest.method: return .workspace(DependenciesRequest.self, LanguageServer.dependencies)
        case DependentsRequest.method: return .workspace(DependentsRequest.self, LanguageServer.dependents)
        case CyclesRequest.method: return .workspace(CyclesRequest.self, LanguageServer.cycles)
        case PathRequest.method: return .workspace(PathRequest.self, LanguageServer.importPath)
        case GraphRequest.method: return .workspace(GraphRequest.self, LanguageServer.graph)
        case RankRequest.method: return .workspace(RankRequest.self, LanguageServer.rank)

        // Refactors.
        case PrepareRenameRequest.method: return .document(PrepareRenameRequest.self, LanguageServer.prepareRename)
        case RenameRequest.method: return .document(RenameRequest.self, LanguageServer.rename)
        case WillRenameFilesRequest.method: return .workspace(WillRenameFilesRequest.self, LanguageServer.willRenameFiles)
        case CodeActionRequest.method: return .document(CodeActionRequest.self, LanguageServer.codeAction)
        case CodeActionResolveRequest.method: return .workspace(CodeActionResolveRequest.self, LanguageServer.resolveCodeAction)
        case ExecuteCommandRequest.method: return .workspace(ExecuteCommandRequest.self, LanguageServer.executeCommand)

        // Completion.
        case InlineCompletionRequest.method: return .document(InlineCompletionRequest.self, LanguageServer.inlineCompletion)
        case CompletionRequest.method: return .document(CompletionRequest.self, LanguageServer.completion)
        case ExplainRequest.method: return .document(ExplainRequest.self, LanguageServer.explain)
        case StatsRequest.method: return .freestanding(StatsRequest.self, LanguageServer.stats)

        case DebugSleepRequest.method where options.debugRequests:
            return .freestanding(DebugSleepRequest.self, LanguageServer.debugSleep)

        default: return nil
        }
    }
}
