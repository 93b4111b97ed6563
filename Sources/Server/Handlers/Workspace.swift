import Foundation
import LanguageServerProtocol

extension LanguageServer {
    func didChangeWorkspaceFolders(_ notification: DidChangeWorkspaceFoldersNotification) throws {
        let removed = WorkspaceRoots.from(folders: notification.event.removed, rootUri: nil, rootPath: nil)
        let added = WorkspaceRoots.from(folders: notification.event.added, rootUri: nil, rootPath: nil)
        lock.withLock {
            state.roots.removeAll { root in removed.contains { WorkspaceRoots.same(root, $0) } }
            for root in added where !state.roots.contains(where: { WorkspaceRoots.same(root, $0) }) {
                state.roots.append(root)
            }
        }
        openIndex()
    }

    func didChangeWatchedFiles(_ notification: DidChangeWatchedFilesNotification) throws {
        let openPaths = lock.withLock { () -> Set<String> in
            state.watchedFileEvents += notification.changes.count
            return Set(state.documents.all.compactMap { LanguageServer.path(ofURI: $0.uri) })
        }
        logger.debug("\(notification.changes.count) watched file event(s)")
        for change in notification.changes {
            guard let path = LanguageServer.path(ofURI: change.uri) ?? URL(string: change.uri).map({ $0.path }),
                  !openPaths.contains(path) else { continue }
            indexHost.enqueue { index in
                if change.type == 3 || !FileManager.default.fileExists(atPath: path) { try index.removeFile(path: path) }
                else { try index.updateFile(path: path) }
            }
        }
    }

    func didChangeConfiguration(_ notification: DidChangeConfigurationNotification) throws {
        let pull = lock.withLock { state.clientCapabilities.workspace?.configuration == true }
        if let settings = notification.settings, settings != .null {
            applyWorkspaceConfiguration(settings)
        } else if pull {
            // LSP's recommended style: the push only says "something changed", the server pulls the values.
            pullConfiguration()
        } else {
            applyWorkspaceConfiguration(nil)
        }
    }

    /// Asks the client for the `quorum` section and applies the answer when it comes.
    func pullConfiguration() {
        Task { [self] in
            do {
                let values = try await connection.send(
                    WorkspaceConfigurationRequest(items: [ConfigurationItem(section: "quorum")]))
                applyWorkspaceConfiguration(values.first ?? nil)
            } catch {
                logger.warning("workspace/configuration failed: \(describeError(error))")
            }
        }
    }

    /// Registers a watcher for every file under the roots; later the index decides what matters.
    func registerFileWatchers() {
        let options = LSPAny.object(["watchers": .array([.object(["globPattern": "**/*"])])])
        let registration = Registration(id: "quorum-watched-files", method: DidChangeWatchedFilesNotification.method,
                                        registerOptions: options)
        Task { [self] in
            do {
                _ = try await connection.send(RegisterCapabilityRequest(registrations: [registration]))
                lock.withLock { state.registrations.append(DidChangeWatchedFilesNotification.method) }
            } catch {
                logger.warning("client/registerCapability failed: \(describeError(error))")
            }
        }
    }
}

/// Turning the many ways a client names its roots into one list.
enum WorkspaceRoots {
    /// `workspaceFolders` when given and non-empty, else `rootUri`, else `rootPath`, else no root.
    /// Duplicates (the same folder with and without a trailing slash) are dropped.
    static func from(folders: [WorkspaceFolder]?, rootUri: String?, rootPath: String?) -> [WorkspaceRoot] {
        var roots: [WorkspaceRoot] = []
        if let folders, !folders.isEmpty {
            roots = folders.map { root(uri: $0.uri, name: $0.name) }
        } else if let rootUri, !rootUri.isEmpty {
            roots = [root(uri: rootUri, name: nil)]
        } else if let rootPath, !rootPath.isEmpty {
            let path = normalize(path: rootPath)
            roots = [WorkspaceRoot(uri: URL(fileURLWithPath: path, isDirectory: true).absoluteString,
                                   name: lastComponent(path), path: path)]
        }
        var unique: [WorkspaceRoot] = []
        for root in roots where !unique.contains(where: { same($0, root) }) { unique.append(root) }
        return unique
    }

    static func same(_ a: WorkspaceRoot, _ b: WorkspaceRoot) -> Bool {
        if let pa = a.path, let pb = b.path { return pa == pb }
        return a.uri.trimmingSlashSuffix() == b.uri.trimmingSlashSuffix()
    }

    private static func root(uri: String, name: String?) -> WorkspaceRoot {
        var path: String?
        if let components = URLComponents(string: uri), components.scheme == "file" {
            path = normalize(path: components.percentEncodedPath.removingPercentEncoding ?? components.path)
        }
        return WorkspaceRoot(uri: uri, name: name ?? path.map(lastComponent) ?? uri, path: path)
    }

    private static func normalize(path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path.isEmpty ? "/" : path
    }

    private static func lastComponent(_ path: String) -> String {
        path == "/" ? "/" : String(path.split(separator: "/").last ?? Substring(path))
    }
}

extension String {
    fileprivate func trimmingSlashSuffix() -> String {
        var result = self
        while result.hasSuffix("/") { result.removeLast() }
        return result
    }
}
