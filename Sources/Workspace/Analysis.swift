import Foundation
import Syntax

/// Parses and tags files. One per worker thread: it owns its parsers (one per language) and its cursor,
/// while the compiled queries come from the shared `QueryCatalog`.
final class AnalysisWorker {
    let catalog: QueryCatalog
    private var parsers: [String: Parser] = [:]
    private let tagger = Tagger()

    /// `isCancelled` is polled by the query cursor every 64 matches, so a huge file does not hold up a
    /// cancelled update; a cancelled analysis is reported as skipped and never written.
    init(catalog: QueryCatalog, isCancelled: @escaping () -> Bool = { false }) {
        self.catalog = catalog
        self.isCancelled = isCancelled
        tagger.cursor.isCancelled = isCancelled
    }

    private let isCancelled: () -> Bool

    enum Outcome {
        case indexed(FileFacts, Tree)
        case skipped(String)
    }

    /// A parsed file waiting for its language's queries to finish compiling.
    struct Parsed {
        var path: String, language: String, bytes: [UInt8], mtime: Double, tree: Tree
    }

    enum Step {
        case finished(Outcome)
        case waiting(Parsed)
    }

    /// Facts for one file's content. Never throws on user code: a file with syntax errors is indexed with
    /// what tree-sitter recovered; only a missing grammar or broken query (our side) skips it, with a reason.
    func analyse(path: String, language: String, bytes: [UInt8], mtime: Double, previous: Tree? = nil) -> Outcome {
        switch start(path: path, language: language, bytes: bytes, mtime: mtime, previous: previous, wait: true) {
        case let .finished(outcome): return outcome
        case let .waiting(parsed): return finish(parsed)
        }
    }

    /// Parses a file, and tags it when its language's queries are compiled or `wait` is set; otherwise the
    /// parse is returned, for `finish` once the queries are ready (the scan parses other files meanwhile).
    func start(path: String, language: String, bytes: [UInt8], mtime: Double, previous: Tree? = nil,
               wait: Bool) -> Step {
        if let reason = FileScanner.contentSkipReason(bytes) { return .finished(.skipped(reason)) }
        let parser: Parser
        do {
            if let existing = parsers[language] { parser = existing }
            else { parser = try Parser(language: catalog.registry.language(named: language)); parsers[language] = parser }
        } catch {
            return .finished(.skipped("\(error)"))
        }
        guard let tree = parser.parse(bytes, previous: previous) else { return .finished(.skipped("parse cancelled")) }
        let parsed = Parsed(path: path, language: language, bytes: bytes, mtime: mtime, tree: tree)
        if wait || catalog.compiledQueries(for: language) != nil { return .finished(finish(parsed)) }
        return .waiting(parsed)
    }

    /// Tags a parsed file, waiting for its language's queries if they are still compiling.
    func finish(_ parsed: Parsed) -> Outcome {
        let queries: LanguageQueries
        do { queries = try catalog.queries(for: parsed.language) } catch { return .skipped("\(error)") }
        let tags = tagger.tags(parsed.tree, queries: queries)
        // Matches stop early when cancelled: such tags are incomplete and must not replace a file's rows.
        if isCancelled() { return .skipped("cancelled") }
        let tree = parsed.tree
        let record = FileRecord(path: parsed.path, language: parsed.language, hash: contentHash(parsed.bytes),
                                size: parsed.bytes.count, mtime: parsed.mtime,
                                parseErrors: tree.rootNode.hasError ? tree.errorCount : 0)
        return .indexed(FileFacts(record: record, tags: tags), tree)
    }
}
