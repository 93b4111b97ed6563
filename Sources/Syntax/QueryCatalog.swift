import Foundation

/// The compiled `tags.scm` and `imports.scm` of one language. Immutable and shared by every worker.
///
/// Both files are compiled into one `Query`, so tagging a file walks its tree once; `tagPatterns` and
/// `importPatterns` say which patterns came from which file.
public final class LanguageQueries: @unchecked Sendable {
    public let language: Language
    /// Both files' patterns, tags first; nil when the language has neither file.
    public let query: Query?
    public let tagPatterns: Range<Int>
    public let importPatterns: Range<Int>

    /// What each capture id means to the tagger, looked up per capture instead of comparing names.
    enum Role {
        case definition(SymbolKind), reference(ReferenceKind)
        case name, doc, container
        case statement, module, submodule, importedName
        case other
    }
    let roles: [Role]

    init(language: Language, query: Query?) {
        self.language = language
        self.query = query
        tagPatterns = query?.patternRanges.first { $0.file == "tags.scm" }?.patterns ?? 0..<0
        importPatterns = query?.patternRanges.first { $0.file == "imports.scm" }?.patterns ?? 0..<0
        roles = (query?.captureNames ?? []).map { name in
            switch name {
            case "name": return .name
            case "doc": return .doc
            case "container": return .container
            case "import": return .statement
            case "import.module": return .module
            case "import.submodule": return .submodule
            case "import.name": return .importedName
            default:
                if name.hasPrefix("definition."), let kind = SymbolKind(rawValue: String(name.dropFirst("definition.".count))) {
                    return .definition(kind)
                }
                if name.hasPrefix("reference."), let kind = ReferenceKind(rawValue: String(name.dropFirst("reference.".count))) {
                    return .reference(kind)
                }
                return .other
            }
        }
    }
}

/// Loads and caches each language's queries once per process.
///
/// A query file may start with `; inherits: <lang>` lines; the named language's file of the same name is then
/// prepended, so TSX can reuse TypeScript's tags without a copy. Every query is checked against the capture
/// contract; a broken query is our own bug and is reported as a `SyntaxError`. A language compiles on first use,
/// under its own lock (about a millisecond with `QueryReader`), so workers of other languages never wait for it.
public final class QueryCatalog: @unchecked Sendable {
    public let registry: LanguageRegistry
    private var slots: [String: Slot] = [:]
    private let lock = NSLock()

    /// One language's compiled queries: compiled once, under the slot's own lock.
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var result: Result<LanguageQueries, SyntaxError>?
    }

    public init(registry: LanguageRegistry) { self.registry = registry }

    private func slot(_ name: String) -> Slot {
        lock.lock(); defer { lock.unlock() }
        if let slot = slots[name] { return slot }
        let slot = Slot()
        slots[name] = slot
        return slot
    }

    /// The queries of `language`, compiled on first use (waiting for a compile already under way).
    public func queries(for name: String) throws -> LanguageQueries {
        let slot = slot(name)
        slot.lock.lock(); defer { slot.lock.unlock() }
        if let cached = slot.result { return try cached.get() }
        let result = Result<LanguageQueries, Error> { try compile(name) }
            .mapError { $0 as? SyntaxError ?? .unknownLanguage(name) }
        slot.result = result
        return try result.get()
    }

    private func compile(_ name: String) throws -> LanguageQueries {
        let language = try registry.language(named: name)
        var segments: [Query.Segment] = []
        for (file, captures) in CaptureContract.queryFiles {
            guard let text = try source(of: file, language: name, depth: 0) else { continue }
            segments.append(Query.Segment(fileName: file, source: text, allowedCaptures: captures))
        }
        return LanguageQueries(language: language, query: segments.isEmpty ? nil : try Query(language: language, segments: segments))
    }

    /// The text of `file` for `language` with its inherited files prepended, or nil when there is none.
    public func source(of file: String, language: String, depth: Int = 0) throws -> String? {
        guard depth < 4 else { return nil }  // inheritance is shallow; a deeper chain is a loop
        let url = registry.definitionsDirectory.appendingPathComponent(language).appendingPathComponent(file)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        var parts: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("; inherits:") else {
                if trimmed.isEmpty || trimmed.hasPrefix(";") { continue }
                break  // inherits lines must come before the first pattern
            }
            for parent in trimmed.dropFirst("; inherits:".count).split(separator: ",") {
                let parentName = parent.trimmingCharacters(in: .whitespaces)
                if let inherited = try source(of: file, language: parentName, depth: depth + 1) {
                    parts.append(inherited)
                }
            }
        }
        parts.append(text)
        return parts.joined(separator: "\n")
    }
}
