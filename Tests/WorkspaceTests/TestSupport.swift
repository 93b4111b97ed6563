import Foundation
import Syntax
import Workspace
import XCTest

/// The repository root, found from this file.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let grammarsDirectory = packageRoot.appendingPathComponent("grammars")

/// A throw-away project on disk: files written from a dictionary, removed at the end of the test.
final class TestProject {
    let root: String
    let store: URL

    init(_ files: [String: String]) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        // Real path: /tmp may be a symlink, and the index stores real paths.
        root = FileScanner.realPath(base.appendingPathComponent("project").path)
        store = base.appendingPathComponent("store")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (path, text) in files { try write(path, text) }
    }

    deinit { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }

    func path(_ relative: String) -> String { root + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path(relative))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Sets a file's modification time, so a change is visible even within the file system's time resolution.
    func touch(_ relative: String, secondsFromNow: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(secondsFromNow)],
                                              ofItemAtPath: path(relative))
    }

    static let registry: LanguageRegistry? = try? LanguageRegistry(definitions: grammarsDirectory)

    func index(options: IndexOptions = IndexOptions()) throws -> Index {
        guard let registry = TestProject.registry else { throw XCTSkip("grammars/ manifests are unreadable") }
        for name in ["python", "go", "rust", "c", "cpp", "java", "swift", "javascript", "typescript", "tsx"] {
            do { _ = try registry.language(named: name) } catch {
                throw XCTSkip("grammar \(name) is not built (\(error)); run `make grammars`")
            }
        }
        return try Index(roots: [root], store: store, registry: registry, options: options)
    }
}

extension Index {
    /// `line kind name [in container]` for each definition of a workspace-relative file.
    func definitionLines(_ relative: String) throws -> [String] {
        try symbols(in: relative).map { "\($0.line) \($0.kind.rawValue) \($0.name)" + ($0.container.map { " in \($0)" } ?? "") }
    }

    /// Every import edge as `from -> to` with display ids.
    func edgeSet() throws -> Set<String> {
        Set(try graph().edges.map { "\(displayID($0.from)) -> \(displayID($0.to))" })
    }

    /// External module names in the graph.
    func externalNames() throws -> Set<String> {
        Set(try graph().nodes.filter(\.isExternal).map { displayID($0.id) })
    }
}
