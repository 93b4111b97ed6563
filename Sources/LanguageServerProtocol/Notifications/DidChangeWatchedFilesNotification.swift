/// `workspace/didChangeWatchedFiles`: files changed on disk (sent once the server registered a watcher).
public struct DidChangeWatchedFilesNotification: NotificationType, Hashable {
    public static let method = "workspace/didChangeWatchedFiles"
    public var changes: [FileEvent]
    public init(changes: [FileEvent]) { self.changes = changes }
}
