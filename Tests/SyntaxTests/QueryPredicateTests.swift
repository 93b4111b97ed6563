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
