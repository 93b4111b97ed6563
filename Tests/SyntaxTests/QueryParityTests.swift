import Base
import CTreeSitter
import Foundation
@testable import Syntax
import XCTest

/// Quorum's own query matcher (`QueryCursor`) against libtree-sitter's (`ts_query_cursor`), the peer it
/// replaced for speed: for every language, both run the language's whole `tags.scm` + `imports.scm` over the
/// same trees, and must find the same matches (pattern, and every capture's name and node), predicates applied.
/// The trees: each language's sample, this repository's own source files in that language, and randomly broken
/// copies of the sample (deleted and duplicated spans), so that error recovery's odd shapes are covered too.
final class QueryParityTests: XCTestCase {
    var registry: LanguageRegistry!
    var catalog: QueryCatalog!

    override func setUpWithError() throws {
        registry = try builtRegistry()
        catalog = QueryCatalog(registry: registry)
    }

    /// The files of this repository in each language (by the grammar's extensions), at most `limit` per language.
    func repositoryFiles(_ language: String, limit: Int = 400) -> [[UInt8]] {
        let root = grammarsDirectory.deletingLastPathComponent()
        let extensions = Set(registry.manifests[language]?.extensions ?? [])
        var files: [[UInt8]] = []
        for folder in ["Sources", "Tests", "Benchmarks", "scripts", "editors"] {
            let url = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in walker where extensions.contains(file.pathExtension) {
                if files.count >= limit { return files }
                if let data = FileManager.default.contents(atPath: file.path) { files.append(Array(data)) }
            }
        }
        return files
    }

    /// `text` with random spans deleted or duplicated.
    func broken(_ text: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var out = text
        for _ in 0..<3 {
            guard out.count > 2 else { break }
            let a = Int(generator.next() % UInt64(out.count))
            let b = min(out.count, a + 1 + Int(generator.next() % 40))
            if generator.next() % 2 == 0 { out.removeSubrange(a..<b) } else { out.insert(contentsOf: out[a..<b], at: a) }
        }
        return out
    }

    func testOurMatcherFindsWhatLibtreeSitterFinds() throws {
        var generator = SplitMix64(seed: 2026_12_05)
        var totals: [String] = []
        for name in QueryContractTests.languages {
            let queries = try catalog.queries(for: name)
            guard let query = queries.query else { continue }
            let reference = try ReferenceQuery(query: query, catalog: catalog, language: name)
            let parser = try Parser(language: registry.language(named: name))
            var texts = repositoryFiles(name)
            if let sample = Samples.sources[name] {
                texts.append(Array(sample.utf8))
                for _ in 0..<60 { texts.append(broken(Array(sample.utf8), using: &generator)) }
            }
            var matches = 0
            for text in texts {
                let tree = try XCTUnwrap(parser.parse(text))
                let ours = MatchSet(QueryCursor().matches(query, in: tree.rootNode))
                let theirs = reference.matches(tree, query: query)
                if ours != theirs {
                    let source = String(decoding: text, as: UTF8.self)
                    XCTFail("\(name): the matchers differ\nonly ours: \(ours.subtracting(theirs).sorted().prefix(8))\n"
                            + "only libtree-sitter's: \(theirs.subtracting(ours).sorted().prefix(8))\nsource:\n\(source.prefix(3000))")
                    return
                }
                matches += ours.count
            }
            XCTAssertGreaterThan(matches, 0, "\(name): no match at all; the corpus or the query is empty")
            totals.append("\(name) \(texts.count) files \(matches) matches")
        }
        print("query parity: " + totals.joined(separator: ", "))
    }
}

/// A match written as text: pattern index, then each capture's name, node type and byte range, sorted.
private typealias MatchSet = Set<String>

private extension Set where Element == String {
    init(_ matches: [QueryMatch]) {
        self.init(matches.map { m in
            "\(m.patternIndex): " + m.captures.map { "@\($0.name)=\($0.node.kind)[\($0.node.startByte)..<\($0.node.endByte)]" }
                .sorted().joined(separator: " ")
        })
    }
}

/// The same query files compiled by `ts_query_new` and run by `ts_query_cursor`, with our predicate evaluation.
private final class ReferenceQuery {
    let raw: OpaquePointer
    /// libtree-sitter's capture id → our capture id (the same names).
    let captureMap: [UInt32]
    let names: [String]

    init(query: Query, catalog: QueryCatalog, language: String) throws {
        var sources: [String] = []
        for (file, _) in CaptureContract.queryFiles {
            if let text = try catalog.source(of: file, language: language) { sources.append(text) }
        }
        let text = sources.joined(separator: "\n")
        var offset: UInt32 = 0
        var error = TSQueryErrorNone
        guard let raw = text.withCString({ ts_query_new(query.language.raw, $0, UInt32(strlen($0)), &offset, &error) }) else {
            throw SyntaxError.queryInvalid(language: language, file: "reference", offset: offset, kind: "\(error)")
        }
        self.raw = raw
        var names: [String] = []
        for id in 0..<ts_query_capture_count(raw) {
            var length: UInt32 = 0
            let ptr = ts_query_capture_name_for_id(raw, id, &length)
            names.append(ptr.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(length)), as: UTF8.self) } ?? "")
        }
        self.names = names
        captureMap = names.map { name in UInt32(query.captureNames.firstIndex(of: name) ?? 0) }
        XCTAssertEqual(Int(ts_query_pattern_count(raw)), query.patternCount, "\(language): pattern counts differ")
    }

    deinit { ts_query_delete(raw) }

    func matches(_ tree: Tree, query: Query) -> MatchSet {
        let cursor = ts_query_cursor_new()
        defer { ts_query_cursor_delete(cursor) }
        ts_query_cursor_exec(cursor, raw, tree.rootNode.raw)
        var m = TSQueryMatch()
        var result: [QueryMatch] = []
        tree.source.withUnsafeBufferPointer { source in
            while ts_query_cursor_next_match(cursor, &m) {
                let mapped = (0..<Int(m.capture_count)).map { i in
                    TSQueryCapture(node: m.captures[i].node, index: captureMap[Int(m.captures[i].index)])
                }
                let ok = mapped.withUnsafeBufferPointer { query.holds(pattern: Int(m.pattern_index), captures: $0, source: source) }
                guard ok else { continue }
                result.append(QueryMatch(patternIndex: Int(m.pattern_index), captures: mapped.map {
                    QueryCapture(name: query.captureNames[Int($0.index)], index: $0.index, node: Node(raw: $0.node, tree: tree))
                }))
            }
        }
        return MatchSet(result)
    }
}
