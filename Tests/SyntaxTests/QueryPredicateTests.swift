import XCTest
@testable import Syntax

/// libtree-sitter 0.20.7 hands predicates back as data; these tests prove we apply them.
final class QueryPredicateTests: XCTestCase {
    func python() throws -> Language { try LanguageRegistry(definitions: repositoryGrammars).language(named: "python") }

    func names(_ query: String, in source: String) throws -> [String] {
        let language = try python()
        let tree = try XCTUnwrap(try Parser(language: language).parse(source))
        let q = try Query(language: language, source: query)
        return QueryCursor().matches(q, in: tree.rootNode).compactMap { $0.capture("name")?.node.text }
    }

    let source = "def test_a(): pass\ndef helper(): pass\ndef test_b(): pass\n"

    func testMatchAndNotMatch() throws {
        let base = "(function_definition name: (identifier) @name"
        XCTAssertEqual(try names(base + " (#match? @name \"^test_\"))", in: source), ["test_a", "test_b"])
        XCTAssertEqual(try names(base + " (#not-match? @name \"^test_\"))", in: source), ["helper"])
    }

    func testEqAndAnyOf() throws {
        let base = "(function_definition name: (identifier) @name"
        XCTAssertEqual(try names(base + " (#eq? @name \"helper\"))", in: source), ["helper"])
        XCTAssertEqual(try names(base + " (#not-eq? @name \"helper\"))", in: source), ["test_a", "test_b"])
        XCTAssertEqual(try names(base + " (#any-of? @name \"test_b\" \"helper\"))", in: source), ["helper", "test_b"])
    }

    func testInvalidQueryAndUnknownCapture() throws {
        let language = try python()
        XCTAssertThrowsError(try Query(language: language, source: "(no_such_node) @x")) { error in
            guard case .queryInvalid(_, _, _, let kind) = error as? SyntaxError else { return XCTFail("\(error)") }
            XCTAssertEqual(kind, "unknown node type")
        }
        XCTAssertThrowsError(try Query(language: language, source: "(identifier) @bogus",
                                       allowedCaptures: ["name"])) { error in
            XCTAssertEqual(error as? SyntaxError, .unknownCapture(language: "python", file: "<inline>", capture: "bogus"))
        }
        XCTAssertThrowsError(try Query(language: language, source: "((identifier) @name (#frobnicate? @name))"))
    }
}

/// `Tagger.cleanDoc` takes a byte path for ASCII text; it must agree with the general one everywhere.
final class CleanDocTests: XCTestCase {
    func testASCIIPathAgreesWithTheUnicodePath() {
        let pieces = ["\"\"\"", "'''", "///", "//", "/**", "/*", "*/", "*", "#", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{0B}",
                      "\u{0C}", "word", "x", "Args:", "-", "*/\n", "\"\"\"\n"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            XCTAssertEqual(Tagger.cleanDoc(text), Tagger.cleanDocUnicode(text), text.debugDescription)
        }
        let long = "\"\"\"" + String(repeating: "ab\r\n", count: 300) + "\"\"\""
        XCTAssertEqual(Tagger.cleanDoc(long), Tagger.cleanDocUnicode(long))
        XCTAssertEqual(Tagger.cleanDoc("\"\"\"Function 3 of module 7.\"\"\""), "Function 3 of module 7.")
        XCTAssertEqual(Tagger.cleanDoc("/// One.\n/// Two.\n"), "One.\nTwo.")
    }
}
