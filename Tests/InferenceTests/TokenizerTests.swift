import Foundation
import Inference
import XCTest

final class TokenizerTests: XCTestCase {
    /// Every golden string tokenizes exactly as llama.cpp does, with and without special-token parsing.
    private func checkGolden(_ file: String, model url: URL) throws {
        let golden: TokenGolden = try Fixtures.golden(file)
        let tokenizer = try Fixtures.model(url).tokenizer
        var failures = 0
        for c in golden.cases {
            let plain = tokenizer.encode(c.text, addSpecial: true, parseSpecial: false)
            let special = tokenizer.encode(c.text, addSpecial: true, parseSpecial: true)
            if plain != c.ids || special != (c.special_ids ?? c.ids) {
                failures += 1
                if failures <= 10 {
                    XCTFail("\(file): \(String(reflecting: c.text))\n  ours  \(plain) / \(special)\n  peer  \(c.ids) / \(c.special_ids ?? c.ids)")
                }
            }
        }
        XCTAssertEqual(failures, 0, "\(failures) of \(golden.cases.count) strings differ from llama.cpp in \(file)")
        XCTAssertGreaterThan(golden.cases.count, 250)
    }

    func testQwenByteLevelBPEMatchesLlamaCpp() throws {
        try checkGolden("tiny-qwen3.tokens.json", model: Fixtures.tinyModel("qwen3-f32"))
    }

    func testSentencePieceMatchesLlamaCpp() throws {
        try checkGolden("tiny-gemma3.tokens.json", model: Fixtures.tinyModel("gemma3-f32"))
    }

    func testGemma270MTokenizerMatchesLlamaCpp() throws {
        try checkGolden("gemma3-270m.tokens.json", model: try Fixtures.requireGemma())
    }

    /// Byte-level BPE is lossless: decoding gives back the text, whatever it is.
    func testByteLevelRoundTrip() throws {
        let tokenizer = try Fixtures.model(Fixtures.tinyModel("qwen3-f32")).tokenizer
        let golden: TokenGolden = try Fixtures.golden("tiny-qwen3.tokens.json")
        for c in golden.cases {
            XCTAssertEqual(tokenizer.decode(tokenizer.encode(c.text, parseSpecial: false), renderSpecial: true), c.text)
        }
    }

    /// Control tokens are single tokens only when special parsing is on; user text cannot inject them.
    func testControlTokensOnlyWhenParsingSpecial() throws {
        let t = try Fixtures.model(Fixtures.tinyModel("qwen3-f32")).tokenizer
        let fim = try XCTUnwrap(t.id(of: "<|fim_prefix|>"))
        XCTAssertEqual(t.encode("<|fim_prefix|>", parseSpecial: true), [fim])
        XCTAssertFalse(t.encode("<|fim_prefix|>", parseSpecial: false).contains(fim))
        XCTAssertTrue(t.isControl(fim))
        XCTAssertEqual(t.decode([fim]), "", "control tokens render as nothing by default")
        XCTAssertEqual(t.decode([fim], renderSpecial: true), "<|fim_prefix|>")
        XCTAssertTrue(t.endOfGeneration.contains(try XCTUnwrap(t.id(of: "<|endoftext|>"))))
    }

    /// Streaming never emits half a character: a 4-byte emoji split over byte tokens comes out whole.
    func testStreamingDecoderHoldsIncompleteCharacters() throws {
        let t = try Fixtures.model(Fixtures.tinyModel("qwen3-f32")).tokenizer
        let text = "a😀b中"
        let ids = t.encode(text, addSpecial: false)
        var decoder = StreamingDecoder(tokenizer: t)
        var pieces: [String] = []
        for id in ids { pieces.append(decoder.append(id)) }
        pieces.append(decoder.flush())
        XCTAssertEqual(pieces.joined(), text)
        for p in pieces { XCTAssertFalse(p.contains("\u{FFFD}"), "a piece split a character: \(pieces)") }
        XCTAssertGreaterThan(ids.count, 3, "the emoji should span several byte tokens in the truncated vocabulary")
    }
}
