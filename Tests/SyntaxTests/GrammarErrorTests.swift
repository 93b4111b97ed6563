import Foundation
import XCTest
@testable import Syntax

/// A missing, broken or wrong-ABI grammar is one clear error naming the grammar and the fix; never a crash.
final class GrammarErrorTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-grammar-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// Compiles a C file into `<scratch>/libs/<name>/parser.so`.
    func compile(_ name: String, _ source: String) throws {
        let dir = scratch.appendingPathComponent("libs/\(name)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let c = dir.appendingPathComponent("x.c")
        try source.write(to: c, atomically: true, encoding: .utf8)
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        cc.arguments = ["cc", "-shared", "-fPIC", "-o", dir.appendingPathComponent("parser.so").path, c.path]
        try cc.run()
        cc.waitUntilExit()
        XCTAssertEqual(cc.terminationStatus, 0)
    }

    func manifest(_ name: String, symbol: String) throws {
        let dir = scratch.appendingPathComponent("defs/\(name)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let json = #"{"name": "\#(name)", "parser": "parsers/\#(name)", "symbol": "\#(symbol)", "upstream": "test", "license": "MIT", "extensions": ["\#(name)"], "fileNames": []}"#
        try json.write(to: dir.appendingPathComponent("grammar.json"), atomically: true, encoding: .utf8)
    }

    func registry() throws -> LanguageRegistry {
        try LanguageRegistry(definitions: scratch.appendingPathComponent("defs"),
                             libraries: scratch.appendingPathComponent("libs"))
    }

    func testMissingLibraryNamesTheMakeTarget() throws {
        try manifest("ghost", symbol: "tree_sitter_ghost")
        XCTAssertThrowsError(try registry().language(named: "ghost")) { error in
            XCTAssertEqual(error as? SyntaxError, .grammarLibraryMissing(
                language: "ghost", path: scratch.appendingPathComponent("libs/ghost/parser.so").path))
            XCTAssertTrue("\(error)".contains("make grammars"))
        }
    }

    func testMissingSymbolIsReported() throws {
        try manifest("nosym", symbol: "tree_sitter_nosym")
        try compile("nosym", "int unrelated(void) { return 1; }\n")
        XCTAssertThrowsError(try registry().language(named: "nosym")) { error in
            guard case .grammarSymbolMissing(let language, let symbol, _) = error as? SyntaxError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(language, "nosym")
            XCTAssertEqual(symbol, "tree_sitter_nosym")
        }
    }

    /// A fake grammar whose TSLanguage says ABI 15: libtree-sitter 0.20.7 must refuse it, and so must we, first.
    func testWrongABIIsRefusedWithVersions() throws {
        try manifest("future", symbol: "tree_sitter_future")
        // The first field of struct TSLanguage is `uint32_t version`; nothing else is read before our check.
        try compile("future", "static unsigned int lang[64] = {15};\nconst void *tree_sitter_future(void) { return lang; }\n")
        XCTAssertThrowsError(try registry().language(named: "future")) { error in
            XCTAssertEqual(error as? SyntaxError,
                           .incompatibleABI(language: "future", grammarVersion: 15, minSupported: 13, maxSupported: 14))
            XCTAssertTrue("\(error)".contains("make grammars"))
        }
        // The failure is remembered: asking again gives the same error, not a second dlopen.
        XCTAssertThrowsError(try registry().language(named: "future"))
    }

    func testUnknownLanguage() throws {
        XCTAssertThrowsError(try registry().language(named: "cobol")) { error in
            XCTAssertEqual(error as? SyntaxError, .unknownLanguage("cobol"))
        }
    }

    func testBrokenManifestIsAnError() throws {
        let dir = scratch.appendingPathComponent("defs/bad")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "{ not json".write(to: dir.appendingPathComponent("grammar.json"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try registry()) { error in
            guard case .manifestUnreadable = error as? SyntaxError else { return XCTFail("unexpected \(error)") }
        }
    }
}
