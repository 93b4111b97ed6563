import XCTest
@testable import IDE

final class PostProcessTests: XCTestCase {
    func testSingleLineStopsAtTheEndOfTheLine() {
        let p = CompletionPostProcessor(mode: .singleLine, linePrefix: "    total = ", suffix: "\n")
        XCTAssertEqual(p.clean("subtotal * 2\n    return total\n"), "subtotal * 2")
    }

    func testSingleLineOnABlankLineFillsIt() {
        let p = CompletionPostProcessor(mode: .singleLine, linePrefix: "    ", suffix: "\n")
        XCTAssertEqual(p.clean("\nreturn f\"{cents / 100:.2f}\"\nprint(1)"), "return f\"{cents / 100:.2f}\"")
    }

    func testMultiLineStopsWhereTheScopeEnds() {
        let p = CompletionPostProcessor(mode: .multiLine, linePrefix: "    ", suffix: "")
        let raw = "if cents < 0:\n        raise ValueError()\n    return str(cents)\n\ndef other():\n    pass\n"
        XCTAssertEqual(p.clean(raw), "if cents < 0:\n        raise ValueError()\n    return str(cents)")
    }

    func testAutoClosedBracketsAreNotRepeated() {
        let p = CompletionPostProcessor(mode: .singleLine, linePrefix: "print(", suffix: ")\n")
        XCTAssertEqual(p.clean("total_cents(cart))"), "total_cents(cart)")
    }

    func testARepeatingModelIsCutBeforeTheLoop() {
        let p = CompletionPostProcessor(mode: .multiLine, linePrefix: "    ", suffix: "\n")
        let raw = "return str(cents)\n\n    # TODO: fix\n    # TODO: fix\n    # TODO: fix"
        XCTAssertEqual(p.clean(raw), "return str(cents)")
    }

    func testALineThatAlreadyFollowsIsCut() {
        let p = CompletionPostProcessor(mode: .multiLine, linePrefix: "    ", suffix: "\n    return x\n")
        XCTAssertEqual(p.clean("x = compute()\n    return x\n"), "x = compute()")
    }
}

final class PromptBuilderTests: XCTestCase {
    /// Counts one token per four characters, like a rough BPE; enough to exercise budgets.
    struct Quarter: TokenCounter { func countTokens(_ text: String) -> Int { (text.utf8.count + 3) / 4 } }

    let pieces = [
        ContextPiece(path: "shop/models.py", text: "class Cart: ...\n", reason: .importedFile, rank: 0.5),
        ContextPiece(path: "shop/pricing.py", text: "def apply_discount(): ...\n", reason: .symbolNearCursor, rank: 0.9),
    ]

    func testRepositoryFIMPromptPutsStableContextFirst() {
        let builder = PromptBuilder(template: .qwenCoder, budget: 1000, repositoryName: "shop")
        let prompt = builder.build(path: "shop/main.py", prefix: "def f():\n    ", suffix: "\n", context: pieces,
                                   counter: Quarter())
        XCTAssertEqual(prompt.text, """
            <|repo_name|>shop
            <|file_sep|>shop/models.py
            class Cart: ...
            <|file_sep|>shop/pricing.py
            def apply_discount(): ...
            <|file_sep|>shop/main.py
            <|fim_prefix|>def f():
                <|fim_suffix|>
            <|fim_middle|>
            """)
        XCTAssertTrue(prompt.usesFIM)
    }

    func testTypingChangesOnlyTheTail() {
        let builder = PromptBuilder(template: .qwenCoder, budget: 1000, repositoryName: "shop")
        let a = builder.build(path: "m.py", prefix: "x = 1\ny = ", suffix: "", context: pieces, counter: Quarter())
        let b = builder.build(path: "m.py", prefix: "x = 1\ny = 2", suffix: "", context: pieces, counter: Quarter())
        let common = zip(a.text, b.text).prefix { $0 == $1 }.count
        XCTAssertEqual(common, a.text.count - "<|fim_suffix|><|fim_middle|>".count)
    }

    func testBudgetDropsLowestRankedPiecesFirst() {
        let builder = PromptBuilder(template: .qwenCoder, budget: 40, repositoryName: "shop")
        let prompt = builder.build(path: "m.py", prefix: "x = 1\n", suffix: "", context: pieces, counter: Quarter())
        XCTAssertEqual(prompt.included.map(\.piece.path), ["shop/pricing.py"])
        XCTAssertEqual(prompt.dropped.map(\.path), ["shop/models.py"])
    }

    func testModelsWithoutFIMGetAPrefixOnlyPrompt() {
        let builder = PromptBuilder(template: PromptTemplate(), budget: 1000, repositoryName: "shop")
        let prompt = builder.build(path: "m.py", prefix: "def f():\n", suffix: "\nprint()", context: [], counter: Quarter())
        XCTAssertEqual(prompt.text, "// File: m.py\ndef f():\n")
        XCTAssertFalse(prompt.usesFIM)
    }
}
