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

    /// Facts for one file's content. Never throws on user code: a file with syntax errors is indexed with
    /// what tree-sitter recovered; only a missing grammar or broken query (our side) skips it, with a reason.
    func analyse(path: String, language: String, bytes: [UInt8], mtime: Double, previous: Tree? = nil) -> Outcome {
        if let reason = FileScanner.contentSkipReason(bytes) { return .skipped(reason) }
        let queries: LanguageQueries
        let parser: Parser
        do {
            queries = try catalog.queries(for: language)
            if let existing = parsers[language] { parser = existing }
            else { parser = try Parser(language: queries.language); parsers[language] = parser }
        } catch {
            return .skipped("\(error)")
        }
        guard let tree = parser.parse(bytes, previous: previous) else { return .skipped("parse cancelled") }
        let tags = tagger.tags(tree, queries: queries)
        // Matches stop early when cancelled: such tags are incomplete and must not replace a file's rows.
        if isCancelled() { return .skipped("cancelled") }
        let record = FileRecord(path: path, language: language, hash: contentHash(bytes), size: bytes.count,
                                mtime: mtime, parseErrors: tree.rootNode.hasError ? tree.errorCount : 0)
        return .indexed(FileFacts(record: record, tags: tags), tree)
    }
}
