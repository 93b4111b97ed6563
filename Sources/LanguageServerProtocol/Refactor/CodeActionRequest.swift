/// `textDocument/codeAction`: the refactors available at a range, listed without their edits.
public struct CodeActionRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/codeAction"
    public typealias Response = [CodeAction]
    public struct Context: Codable, Hashable, Sendable {
        public var diagnostics: [LSPAny]?
        /// Kinds the client wants (prefix match: `refactor` selects `refactor.extract`).
        public var only: [String]?
    }
    public var textDocument: TextDocumentIdentifier
    public var range: LSPRange
    public var context: Context?
}

/// A code action; its `edit` is filled in by `codeAction/resolve`.
public struct CodeAction: ResponseType, Hashable {
    public struct Disabled: Codable, Hashable, Sendable {
        public var reason: String
        public init(reason: String) { self.reason = reason }
    }
    public var title: String
    public var kind: String?
    public var edit: WorkspaceEdit?
    public var disabled: Disabled?
    public var data: LSPAny?
    public init(title: String, kind: String?, edit: WorkspaceEdit? = nil, disabled: Disabled? = nil, data: LSPAny? = nil) {
        self.title = title
        self.kind = kind
        self.edit = edit
        self.disabled = disabled
        self.data = data
    }
}

/// `codeAction/resolve`: the action with its edit computed.
public struct CodeActionResolveRequest: RequestType, Hashable {
    public static let method = "codeAction/resolve"
    public typealias Response = CodeAction
    public var title: String
    public var kind: String?
    public var data: LSPAny?
}

/// `workspace/executeCommand`: a server-side command (`quorum.showDependents`, …).
public struct ExecuteCommandRequest: RequestType, Hashable {
    public static let method = "workspace/executeCommand"
    public typealias Response = LSPAny
    public var command: String
    public var arguments: [LSPAny]?
}
