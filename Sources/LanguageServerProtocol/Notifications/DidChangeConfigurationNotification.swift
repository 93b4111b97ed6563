/// `workspace/didChangeConfiguration`: new settings pushed by the client (`null` means "pull them").
public struct DidChangeConfigurationNotification: NotificationType, Hashable {
    public static let method = "workspace/didChangeConfiguration"
    public var settings: LSPAny?
    public init(settings: LSPAny?) { self.settings = settings }
}
