import Foundation
import XCTest
@testable import PromptCache

final class MemoryCacheTests: XCTestCase {
    func testMissOnEmptyCache() throws {
        let cache = try Fixture.cache()
        let match = cache.lookup(Fixture.prompt(10))
        XCTAssertEqual(match.kind, .miss)
        XCTAssertEqual(match.matchedTokens, 0)
        XCTAssertTrue(match.blocks.isEmpty)
    }

    func testExactMatchReturnsTheInsertedBlocks() throws {
        let cache = try Fixture.cache()
        let prompt = Fixture.prompt(12)
        XCTAssertEqual(try cache.insert(prompt, blocks: Fixture.blocks(prompt)), 3)
        let match = cache.lookup(prompt)
        XCTAssertEqual(match.kind, .exact)
        XCTAssertEqual(match.matchedTokens, 12)
        XCTAssertEqual(match.blocks, Fixture.blocks(prompt))
        XCTAssertEqual(match.blocksFromMemory, 3)
        // A trailing partial block is not cached and does not spoil the match of the whole ones.
        let typed = prompt + [7, 7]
        XCTAssertEqual(cache.lookup(typed).matchedTokens, 12)
        XCTAssertEqual(cache.lookup(typed).kind, .exact)
    }

    func testShorterMatchWhenThePromptExtendsTheCache() throws {
        let cache = try Fixture.cache()
        let prompt = Fixture.prompt(16)
        try cache.insert(prompt, blocks: Fixture.blocks(prompt, 0 ..< 2))
        let match = cache.lookup(prompt)
        XCTAssertEqual(match.kind, .shorter)
        XCTAssertEqual(match.matchedTokens, 8)
        XCTAssertEqual(match.blocks, Fixture.blocks(prompt, 0 ..< 2))
    }

    func testLongerMatchReturnsTheSharedPrefix() throws {
        let cache = try Fixture.cache()
        let prompt = Fixture.prompt(16)
        try cache.insert(prompt, blocks: Fixture.blocks(prompt))
        let short = Array(prompt[..<9])
        let match = cache.lookup(short)
        XCTAssertEqual(match.kind, .longer)
        XCTAssertEqual(match.matchedTokens, 8)
        XCTAssertEqual(match.blocks, Fixture.blocks(prompt, 0 ..< 2))
    }

    func testDivergingPromptsShareOnlyTheCommonBlocks() throws {
        let cache = try Fixture.cache()
        let a = Fixture.prompt(16)
        var b = a
        b[9] = 999  // diverges inside block 2
        try cache.insert(a, blocks: Fixture.blocks(a))
        let match = cache.lookup(b)
        XCTAssertEqual(match.kind, .shorter)
        XCTAssertEqual(match.matchedTokens, 8)
        XCTAssertEqual(match.blocks, Fixture.blocks(a, 0 ..< 2))
        // Caching b's own blocks adds only the two diverging ones; both prompts then match fully.
        XCTAssertEqual(try cache.insert(b, blocks: Fixture.blocks(b)), 2)
        XCTAssertEqual(cache.stats.blocksInMemory, 6)
        XCTAssertEqual(cache.lookup(a).blocks, Fixture.blocks(a))
        XCTAssertEqual(cache.lookup(b).blocks, Fixture.blocks(b))
        XCTAssertEqual(cache.lookup(Array(a[..<8])).kind, .longer)
    }

    func testSameBlockTokensUnderAnotherPrefixDoNotMatch() throws {
        let cache = try Fixture.cache()
        let a: [TokenID] = [1, 2, 3, 4, 5, 6, 7, 8]
        try cache.insert(a, blocks: Fixture.blocks(a))
        // Block 1 of this prompt has the same tokens as block 1 of `a`, but another first block.
        XCTAssertEqual(cache.lookup([0, 2, 3, 4, 5, 6, 7, 8]).kind, .miss)
    }

    func testInsertRejectsBlocksThatDoNotFitThePrompt() throws {
        let cache = try Fixture.cache()
        let prompt = Fixture.prompt(8)
        let other = Fixture.prompt(8, base: 500)
        XCTAssertThrowsError(try cache.insert(prompt, blocks: Fixture.blocks(other))) { error in
            XCTAssertEqual(error as? PromptCacheError, .tokenMismatch(block: 0))
        }
        XCTAssertThrowsError(try cache.insert(Array(prompt[..<7]), blocks: Fixture.blocks(prompt))) { error in
            XCTAssertEqual(error as? PromptCacheError, .tooManyBlocks(blocks: 2, wholeBlocks: 1))
        }
        var f32 = Fixture.layout
        f32.dtype = .f32
        XCTAssertThrowsError(try cache.insert(prompt, blocks: Fixture.blocks(prompt, layout: f32))) { error in
            guard case .layoutMismatch(_, _, block: 0)? = error as? PromptCacheError else {
                return XCTFail("expected a layout mismatch, got \(error)")
            }
        }
        XCTAssertThrowsError(try KVBlock(tokens: [1, 2], layout: Fixture.layout, bytes: [0, 1, 2]))
        XCTAssertEqual(cache.stats.blocksInMemory, 0, "a rejected insert caches nothing")
        XCTAssertThrowsError(try PromptCache(configuration: PromptCacheConfiguration(
            modelFingerprint: "m", layout: Fixture.layout, blockSize: 0)))
    }

    func testLRUEvictsLeavesAndKeepsTheSharedPrefix() throws {
        let cache = try Fixture.cache(budgetBlocks: 3)
        let a = Fixture.prompt(16)
        var b = a
        b[8] = 999  // a and b share blocks 0 and 1
        try cache.insert(a, blocks: Fixture.blocks(a))
        try cache.insert(b, blocks: Fixture.blocks(b))
        // Six blocks, room for three: a's leaves go first (oldest), then b's deepest; the shared prefix stays.
        let s = cache.stats
        XCTAssertEqual(s.blocksInMemory, 3)
        XCTAssertEqual(s.memoryEvictions, 3)
        XCTAssertLessThanOrEqual(s.bytesInMemory, 3 * Fixture.blockBytes)
        XCTAssertEqual(cache.lookup(a).matchedTokens, 8)
        XCTAssertEqual(cache.lookup(b).matchedTokens, 12)
    }

    func testLRURespectsRecencyOfLookups() throws {
        let cache = try Fixture.cache(budgetBlocks: 4)
        let a = Fixture.prompt(8, base: 100)
        let b = Fixture.prompt(8, base: 200)
        let c = Fixture.prompt(8, base: 300)
        try cache.insert(a, blocks: Fixture.blocks(a))
        try cache.insert(b, blocks: Fixture.blocks(b))
        XCTAssertEqual(cache.lookup(a).matchedTokens, 8)  // a is now more recent than b
        try cache.insert(c, blocks: Fixture.blocks(c))
        XCTAssertEqual(cache.lookup(a).matchedTokens, 8)
        XCTAssertEqual(cache.lookup(c).matchedTokens, 8)
        XCTAssertEqual(cache.lookup(b).kind, .miss, "the least recently used prompt is evicted whole")
    }

    func testLRUOrderKeepsEveryPrefixNewerThanItsExtensions() throws {
        let cache = try Fixture.cache()
        let a = Fixture.prompt(12)
        var b = a
        b[4] = 999
        try cache.insert(a, blocks: Fixture.blocks(a))
        try cache.insert(b, blocks: Fixture.blocks(b))
        _ = cache.lookup(a)
        let order = cache.lruOrder
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for prompt in [a, b] {
            let hashes = cache.chain.hashes(prompt)
            for i in 1 ..< hashes.count {
                let child = try XCTUnwrap(position[hashes[i]]), parent = try XCTUnwrap(position[hashes[i - 1]])
                XCTAssertLessThan(child, parent, "block \(i) must be older than its prefix")
            }
        }
    }

    func testStatsCountReuseAndComputedTokens() throws {
        let cache = try Fixture.cache()
        let prompt = Fixture.prompt(14)
        let first = cache.lookup(prompt)
        cache.reportComputed(tokens: prompt.count - first.matchedTokens)
        try cache.insert(prompt, blocks: Fixture.blocks(prompt))
        let second = cache.lookup(prompt + [1, 2, 3])
        cache.reportComputed(tokens: prompt.count + 3 - second.matchedTokens)
        let s = cache.stats
        XCTAssertEqual(s.lookups, 2)
        XCTAssertEqual(s.hits, 1)
        XCTAssertEqual(s.tokensReusedMemory, 12)
        XCTAssertEqual(s.tokensReusedDisk, 0)
        XCTAssertEqual(s.tokensComputed, 14 + 5)
        XCTAssertEqual(s.blocksInMemory, 3)
        XCTAssertEqual(s.bytesInMemory, 3 * Fixture.blockBytes)
        XCTAssertEqual(s.reuseRatio, 12.0 / 31.0, accuracy: 1e-9)
        XCTAssertEqual(cache.newBlockRange(promptTokens: 17, matchedTokens: second.matchedTokens), 3 ..< 4)
        XCTAssertEqual(cache.newBlockRange(promptTokens: 3, matchedTokens: 0), 0 ..< 0)

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(s)) as? [String: Any]
        XCTAssertEqual(json?["tokensReusedMemory"] as? Int, 12)
        XCTAssertEqual(json?["tokensReusedDisk"] as? Int, 0)
        XCTAssertEqual(json?["tokensComputed"] as? Int, 19)
        XCTAssertEqual(try JSONDecoder().decode(PromptCacheStats.self, from: JSONEncoder().encode(s)), s)
    }

    func testConcurrentLookupsAndInsertsKeepTheBudget() throws {
        let cache = try Fixture.cache(budgetBlocks: 20)
        let prompts = (0 ..< 8).map { i -> [TokenID] in
            var p = Fixture.prompt(32)
            p[4 * (i % 4) + 4] = TokenID(1000 + i)  // families of prompts diverging at different blocks
            return p
        }
        let blocks = prompts.map { Fixture.blocks($0) }
        let failures = NSLock()
        var wrong = 0, thrown = 0
        DispatchQueue.concurrentPerform(iterations: 200) { (i: Int) -> Void in
            let k = i % prompts.count
            let match = cache.lookup(prompts[k])
            let ok = match.blocks == Array(blocks[k][..<match.blocks.count])
            let inserted = (try? cache.insert(prompts[k], blocks: blocks[k])) != nil
            failures.lock()
            wrong += ok ? 0 : 1
            thrown += inserted ? 0 : 1
            failures.unlock()
        }
        XCTAssertEqual(wrong, 0, "every lookup returns a prefix of its own prompt's blocks")
        XCTAssertEqual(thrown, 0)
        let s = cache.stats
        XCTAssertLessThanOrEqual(s.bytesInMemory, 20 * Fixture.blockBytes)
        XCTAssertEqual(s.bytesInMemory, s.blocksInMemory * Fixture.blockBytes)
        XCTAssertEqual(s.lookups, 200)
    }
}

final class KVBlockTests: XCTestCase {
    func testLayoutRangesTileThePayload() {
        let layout = KVLayout(layers: 3, rowWidth: 8, dtype: .f32)
        XCTAssertEqual(layout.matrixBytes(tokens: 2), 64)
        XCTAssertEqual(layout.payloadBytes(tokens: 2), 3 * 2 * 64)
        var covered: [Range<Int>] = []
        for layer in 0 ..< 3 { covered += [layout.keyRange(layer: layer, tokens: 2), layout.valueRange(layer: layer, tokens: 2)] }
        XCTAssertEqual(covered.first?.lowerBound, 0)
        XCTAssertEqual(covered.last?.upperBound, layout.payloadBytes(tokens: 2))
        for (a, b) in zip(covered, covered.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
    }

    func testFillAndWithRowsRoundTripEachLayer() {
        let layout = KVLayout(layers: 2, rowWidth: 4, dtype: .f16)
        let block = KVBlock(tokens: [1, 2, 3], layout: layout) { layer, keys, values in
            for i in 0 ..< keys.count { keys[i] = UInt8(layer * 100 + i) }
            for i in 0 ..< values.count { values[i] = UInt8(layer * 100 + 50 + i % 50) }
        }
        XCTAssertEqual(block.bytes.count, layout.payloadBytes(tokens: 3))
        for layer in 0 ..< 2 {
            block.withRows(layer: layer) { keys, values in
                XCTAssertEqual(keys.count, 24)
                XCTAssertEqual(keys.first, UInt8(layer * 100))
                XCTAssertEqual(values.first, UInt8(layer * 100 + 50))
                XCTAssertEqual(Array(keys), (0 ..< 24).map { UInt8(layer * 100 + $0) })
            }
        }
        XCTAssertEqual(try KVBlock(tokens: block.tokens, layout: layout, bytes: block.bytes), block)
    }
}
