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
        /// The file's facts, its tree and the tags the facts came from (an open document keeps both for its next edit).
        case indexed(FileFacts, Tree, FileTags)
        case skipped(String)
    }

    /// What an editor's edit knows from before it: the tags of the tree it edited, and the edit.
    struct Prior {
        var tags: FileTags
        var edit: InputEdit
    }

    /// A parsed file about to be tagged.
    struct Parsed {
        var path: String, language: String, bytes: [UInt8], mtime: Double, tree: Tree
        /// For an incremental parse with earlier tags: those tags, the edit, and the edited tree parsed from.
        var prior: (Prior, old: Tree)? = nil
    }

    /// Facts for one file's content. Never throws on user code: a file with syntax errors is indexed with
    /// what tree-sitter recovered; only a missing grammar or broken query (our side) skips it, with a reason.
    /// With `previous` (the kept tree, already edited) and `prior` (its tags and the edit), only the part of the
    /// file the edit changed is queried again (`Tagger.retag`); the facts are the same as from a full pass.
    func analyse(path: String, language: String, bytes: [UInt8], mtime: Double, previous: Tree? = nil,
                 prior: Prior? = nil) -> Outcome {
        if let reason = FileScanner.contentSkipReason(bytes) { return .skipped(reason) }
        let parser: Parser
        do {
            if let existing = parsers[language] { parser = existing }
            else { parser = try Parser(language: catalog.registry.language(named: language)); parsers[language] = parser }
        } catch {
            return .skipped("\(error)")
        }
        guard let tree = parser.parse(bytes, previous: previous) else { return .skipped("parse cancelled") }
        var parsed = Parsed(path: path, language: language, bytes: bytes, mtime: mtime, tree: tree)
        if let previous, let prior { parsed.prior = (prior, previous) }
        return finish(parsed)
    }

    /// Tags a parsed file (its language's queries are compiled on first use).
    private func finish(_ parsed: Parsed) -> Outcome {
        let queries: LanguageQueries
        do { queries = try catalog.queries(for: parsed.language) } catch { return .skipped("\(error)") }
        let tags = parsed.prior.map { prior, old in
            tagger.retag(parsed.tree, from: old, after: prior.edit, previous: prior.tags, queries: queries)
        } ?? tagger.tags(parsed.tree, queries: queries)
        // Matches stop early when cancelled: such tags are incomplete and must not replace a file's rows.
        if isCancelled() { return .skipped("cancelled") }
        let tree = parsed.tree
        let record = FileRecord(path: parsed.path, language: parsed.language, hash: contentHash(parsed.bytes),
                                size: parsed.bytes.count, mtime: parsed.mtime,
                                parseErrors: tree.rootNode.hasError ? tree.errorCount : 0)
        return .indexed(FileFacts(record: record, tags: tags), tree, tags)
    }
}
