import Base
import CTreeSitter
import Foundation

/// Finds grammars by name or by file path and loads their compiled libraries with dlopen, lazily.
///
/// Invariant: a failed load is reported as a `SyntaxError` naming the grammar and the fix, never a crash,
/// and it is remembered so a missing grammar costs one error, not one per file.
public final class LanguageRegistry: @unchecked Sendable {
    public let definitionsDirectory: URL
    public let librariesDirectory: URL
    /// Manifests by language name, in name order.
    public let manifests: [String: GrammarManifest]
    private var byExtension: [String: String] = [:]
    private var byFileName: [String: String] = [:]
    private var loaded: [String: Result<Language, SyntaxError>] = [:]
    private let lock = NSLock()

    /// Reads every `<definitions>/<lang>/grammar.json`. A broken manifest is an error: it is our own file.
    public init(definitions: URL = QuorumPaths.grammarDefinitions,
                libraries: URL = QuorumPaths.grammarLibraries) throws {
        definitionsDirectory = definitions
        librariesDirectory = libraries
        var manifests: [String: GrammarManifest] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: definitions.path)) ?? []
        for entry in entries.sorted() {
            let path = definitions.appendingPathComponent(entry).appendingPathComponent("grammar.json")
            guard FileManager.default.fileExists(atPath: path.path) else { continue }
            do {
                let manifest = try JSONDecoder().decode(GrammarManifest.self, from: Data(contentsOf: path))
                manifests[manifest.name] = manifest
            } catch {
                throw SyntaxError.manifestUnreadable(path: path.path, reason: "\(error)")
            }
        }
        self.manifests = manifests
        for (name, manifest) in manifests {
            for ext in manifest.extensions { byExtension[ext.lowercased()] = name }
            for file in manifest.fileNames { byFileName[file] = name }
        }
    }

    /// Every language name the registry knows, sorted.
    public var languageNames: [String] { manifests.keys.sorted() }

    /// The language a path belongs to, by file name first and extension second; nil when none.
    public func languageName(forPath path: String) -> String? {
        let (file, ext) = LanguageRegistry.fileNameAndExtension(path)
        if let name = byFileName[file] { return name }
        return ext.isEmpty ? nil : byExtension[ext.lowercased()]
    }

    /// `(path as NSString).lastPathComponent` and that name's `pathExtension`, found on the bytes: the scan asks for
    /// every file, and Foundation's bridged path functions cost more than the rest of the scan's work per file.
    /// Paths Foundation treats specially (empty, or ending in "/") go to Foundation.
    static func fileNameAndExtension(_ path: String) -> (file: String, ext: String) {
        let utf8 = path.utf8
        guard let last = utf8.last, last != UInt8(ascii: "/") else {
            let file = (path as NSString).lastPathComponent
            return (file, (file as NSString).pathExtension)
        }
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        let nameStart = utf8.lastIndex(of: slash).map { utf8.index(after: $0) } ?? utf8.startIndex
        let name = utf8[nameStart...]
        // No extension for a name whose only dot leads it (".bashrc") or ends it ("x.").
        guard let dotIndex = name.lastIndex(of: dot), dotIndex != name.startIndex,
              utf8.index(after: dotIndex) != utf8.endIndex else {
            return (String(Substring(name)), "")
        }
        return (String(Substring(name)), String(Substring(utf8[utf8.index(after: dotIndex)...])))
    }

    /// Loads (once) and returns the grammar named `name`.
    public func language(named name: String) throws -> Language {
        lock.lock(); defer { lock.unlock() }
        if let cached = loaded[name] { return try cached.get() }
        let result: Result<Language, SyntaxError>
        if let manifest = manifests[name] {
            result = Result { try load(manifest) }.mapError { $0 as? SyntaxError ?? .unknownLanguage(name) }
        } else {
            result = .failure(.unknownLanguage(name))
        }
        loaded[name] = result
        return try result.get()
    }

    private func load(_ manifest: GrammarManifest) throws -> Language {
        let library = librariesDirectory.appendingPathComponent(manifest.name).appendingPathComponent("parser.so")
        guard FileManager.default.fileExists(atPath: library.path) else {
            throw SyntaxError.grammarLibraryMissing(language: manifest.name, path: library.path)
        }
        // RTLD_LOCAL: every grammar defines static helpers with the same names; keep them apart.
        guard let handle = dlopen(library.path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw SyntaxError.grammarLibraryUnloadable(language: manifest.name, path: library.path, reason: reason)
        }
        guard let symbol = dlsym(handle, manifest.symbol) else {
            dlclose(handle)
            throw SyntaxError.grammarSymbolMissing(language: manifest.name, symbol: manifest.symbol,
                                                   path: library.path)
        }
        typealias Entry = @convention(c) () -> OpaquePointer?
        let entry = unsafeBitCast(symbol, to: Entry.self)
        guard let raw = entry() else {
            throw SyntaxError.grammarLibraryUnloadable(language: manifest.name, path: library.path,
                                                       reason: "\(manifest.symbol)() returned NULL")
        }
        let version = ts_language_version(raw)
        let minV = UInt32(TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION)
        let maxV = UInt32(TREE_SITTER_LANGUAGE_VERSION)
        guard version >= minV, version <= maxV else {
            throw SyntaxError.incompatibleABI(language: manifest.name, grammarVersion: version,
                                              minSupported: minV, maxSupported: maxV)
        }
        let dir = definitionsDirectory.appendingPathComponent(manifest.name)
        return Language(manifest: manifest, definitionDirectory: dir, raw: raw)
    }
}
