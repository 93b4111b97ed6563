import Foundation
import Inference
import XCTest

/// The KV cache gives the same logits as recomputing from scratch, whatever way its prefix got there.
/// On f32 caches, so only summation order differs; KVCacheTypeTests does the same for f16.
final class CacheTests: XCTestCase {
    /// Batches of 16 or more go through BLAS, smaller ones through the dot kernels: the same numbers up to
    /// summation order, so logits agree to a few ulps of their magnitude rather than bit for bit.
    let tolerance: Float = 2e-3

    func assertClose(_ a: [[Float]], _ b: [[Float]], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        var worst: Float = 0
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.count, y.count, message, file: file, line: line)
            for (u, v) in zip(x, y) { worst = max(worst, abs(u - v)) }
        }
        XCTAssertLessThanOrEqual(worst, tolerance, "\(message): max |Δlogit| \(worst)", file: file, line: line)
    }

    let names = ["qwen3moe-f32", "qwen3-f32", "qwen2-f32", "gemma3-f32", "qwen3moe-q8_0", "qwen3moe-q4_k_m"]

    private func tokens(_ model: Model) -> [TokenID] {
        model.tokenizer.encode("func add(_ a: Int, _ b: Int) -> Int {\n    return a + b\n}\n// 中文 😀\nlet x = add(1, 2)")
    }

    /// Evaluating in pieces (prefill, then one token at a time) equals evaluating everything at once.
    func testIncrementalEqualsFull() throws {
        for name in names {
            let model = try Fixtures.model(Fixtures.tinyModel(name))
            let seq = tokens(model)
            let full = try model.evaluate(seq, cache: model.makeCache(capacity: 128, type: .f32), logits: .all)
            let cache = model.makeCache(capacity: 128, type: .f32)
            var pieces = try model.evaluate(Array(seq[..<10]), cache: cache, logits: .all)
            for t in seq[10...] { pieces += try model.evaluate([t], cache: cache, logits: .all) }
            assertClose(full, pieces, name)
        }
    }

    /// A snapshot of a prefix restored into a fresh cache, then continued, equals a full recompute; and
    /// truncating a longer cache back to the prefix does too.
    func testSnapshotRestoreAndTruncate() throws {
        for name in names {
            let model = try Fixtures.model(Fixtures.tinyModel(name))
            let seq = tokens(model)
            let split = seq.count / 2
            let reference = try model.evaluate(seq, cache: model.makeCache(capacity: 128, type: .f32), logits: .all)

            let first = model.makeCache(capacity: 128, type: .f32)
            _ = try model.evaluate(seq, cache: first, logits: .none)
            let prefix = first.snapshot(upTo: split)
            XCTAssertEqual(prefix.count, split)
            XCTAssertEqual(prefix.tokens, Array(seq[..<split]))

            let restored = model.makeCache(capacity: 128, type: .f32)
            try restored.restore(prefix)
            XCTAssertEqual(restored.count, split)
            let tail = try model.evaluate(Array(seq[split...]), cache: restored, logits: .all)
            assertClose(tail, Array(reference[split...]), "\(name): restored prefix")

            first.truncate(to: split)
            XCTAssertEqual(first.commonPrefix(with: seq), split)
            let again = try model.evaluate(Array(seq[split...]), cache: first, logits: .all)
            assertClose(again, Array(reference[split...]), "\(name): truncated cache")
        }
    }

    /// A prefix from one model does not go into another model's cache.
    func testRestoreRejectsForeignPrefix() throws {
        let qwen = try Fixtures.model(Fixtures.tinyModel("qwen3-f32"))
        let gemma = try Fixtures.model(Fixtures.tinyModel("gemma3-f32"))
        let cache = qwen.makeCache(capacity: 16)
        _ = try qwen.evaluate([1, 2, 3], cache: cache, logits: .none)
        XCTAssertThrowsError(try gemma.makeCache(capacity: 16).restore(cache.snapshot()))
    }

    /// Running past the cache's capacity is a clear error, not a crash.
    func testContextOverflowIsAnError() throws {
        let model = try Fixtures.model(Fixtures.tinyModel("qwen3-f32"))
        let cache = model.makeCache(capacity: 4)
        XCTAssertThrowsError(try model.evaluate([1, 2, 3, 4, 5], cache: cache)) { error in
            XCTAssertTrue("\(error)".contains("exceed the context of 4"), "\(error)")
        }
        XCTAssertEqual(model.makeCache(capacity: 1_000_000).capacity, model.contextLength)
        XCTAssertEqual(model.makeCache().capacity, min(Model.defaultCacheCapacity, model.contextLength))
        XCTAssertThrowsError(try model.evaluate([TokenID(model.vocabularySize)], cache: model.makeCache(capacity: 4)))
    }

    /// Generation reuses the cache: a second call with a longer prompt evaluates only the new tail.
    func testGenerationReusesCachedPrefix() throws {
        let model = try Fixtures.model(Fixtures.tinyModel("qwen3moe-f32"))
        let prompt = tokens(model)
        let cache = model.makeCache(capacity: 128, type: .f32)
        let first = try model.generate(prompt: prompt, cache: cache, maxTokens: 5)
        XCTAssertEqual(first.promptTokensReused, 0)
        let longer = prompt + first.tokens + model.tokenizer.encode("\n")
        let second = try model.generate(prompt: longer, cache: cache, maxTokens: 5)
        XCTAssertEqual(second.promptTokensReused, prompt.count + first.tokens.count - 1)
        let fresh = try model.generate(prompt: longer, cache: model.makeCache(capacity: 128, type: .f32), maxTokens: 5)
        XCTAssertEqual(second.tokens, fresh.tokens)
    }
}

/// Loading errors name what is wrong and what is supported.
final class LoadingErrorTests: XCTestCase {
    func testUnsupportedArchitectureNamesTheSupportedOnes() throws {
        let bytes = try Data(contentsOf: Fixtures.tinyModel("qwen2-f32"))
        // Rename the architecture (and with it its keys) in place: same length, so the file stays valid.
        let renamed = bytes.replacingOccurrences(of: Data("qwen2".utf8), with: Data("qwenX".utf8))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-unsupported-\(getpid()).gguf")
        try renamed.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try Model(contentsOf: url)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'qwenX' is not supported"), text)
            for name in ["qwen3moe", "qwen3", "qwen2", "gemma3"] { XCTAssertTrue(text.contains(name), text) }
        }
    }
}

private extension Data {
    func replacingOccurrences(of needle: Data, with replacement: Data) -> Data {
        var out = Data()
        var i = startIndex
        while i < endIndex {
            if i + needle.count <= endIndex, self[i..<(i + needle.count)] == needle {
                out.append(replacement); i += needle.count
            } else {
                out.append(self[i]); i += 1
            }
        }
        return out
    }
}
