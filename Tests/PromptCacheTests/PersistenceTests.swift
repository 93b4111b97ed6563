import Foundation
import Storage
import XCTest
@testable import PromptCache

final class PersistenceTests: XCTestCase {
    var folder = TempFolder()

    override func setUp() { folder = TempFolder() }
    override func tearDown() { folder.remove() }

    /// The raw blocks database, opened through Storage as another process (or a disk fault) would see it.
    private func rawBlocks(_ store: PromptCacheStore) throws -> Database<BytesCodec, BytesCodec> {
        try store.environment.database("promptcache.blocks", key: BytesCodec.self, value: BytesCodec.self)
    }

    private func key(_ cache: PromptCache, _ prompt: [TokenID], block: Int) -> [UInt8] {
        BlockKey(fingerprintID: cache.chain.fingerprintID, hash: cache.chain.hashes(prompt)[block]).bytes
    }

    func testRecordCodecRoundTripsAndRejectsEveryTruncation() throws {
        let prompt = Fixture.prompt(8)
        let block = Fixture.blocks(prompt)[1]
        let parent = Hash128(high: 7, low: 9)
        let encoded = try BlockRecordCodec.encode(.valid(BlockValue(block: block, depth: 1, parent: parent)))
        XCTAssertEqual(encoded.count, Fixture.storedBytes)
        XCTAssertEqual(Array(encoded[0 ..< 4]), Array("QKVB".utf8))
        guard case let .valid(value) = try encoded.withUnsafeBytes(BlockRecordCodec.decode) else {
            return XCTFail("a freshly encoded record must decode")
        }
        XCTAssertEqual(value.tokens, block.tokens)
        XCTAssertEqual(value.payload, block.bytes)
        XCTAssertEqual(value.layout, Fixture.layout)
        XCTAssertEqual(value.depth, 1)
        XCTAssertEqual(value.parent, parent)
        for length in 0 ..< encoded.count {
            let cut = Array(encoded[..<length])
            guard case .corrupt = try cut.withUnsafeBytes(BlockRecordCodec.decode) else {
                return XCTFail("a value truncated to \(length) bytes must be corrupt")
            }
        }
        // Flipping any single byte, header or payload, must be caught: by the header checks or by the checksum.
        for offset in 0 ..< encoded.count {
            var damaged = encoded
            damaged[offset] ^= 0x5a
            if case .valid = try damaged.withUnsafeBytes(BlockRecordCodec.decode) {
                XCTFail("a flipped byte at \(offset) went unnoticed")
            }
        }
    }

    func testBlocksSurviveARestartAndCountAsDiskReuse() throws {
        let prompt = Fixture.prompt(18)
        do {
            let store = try PromptCacheStore(path: folder.url)
            let cache = try Fixture.cache(store: store)
            try cache.insert(prompt, blocks: Fixture.blocks(prompt))  // write-behind
            cache.flush()
            XCTAssertEqual(cache.stats.blocksOnDisk, 4)
            XCTAssertEqual(cache.stats.bytesOnDisk, 4 * Fixture.storedBytes)
        }
        // As after a daemon restart: a new store and cache over the same folder, memory empty.
        let store = try PromptCacheStore(path: folder.url)
        let cache = try Fixture.cache(store: store)
        XCTAssertEqual(cache.stats.blocksOnDisk, 4)
        let match = cache.lookup(prompt)
        XCTAssertEqual(match.matchedTokens, 16)
        XCTAssertEqual(match.blocksFromDisk, 4)
        XCTAssertEqual(match.blocks, Fixture.blocks(prompt))
        XCTAssertEqual(cache.stats.tokensReusedDisk, 16)
        XCTAssertEqual(cache.stats.tokensReusedMemory, 0)
        XCTAssertEqual(cache.stats.blocksInMemory, 4, "blocks found on disk are loaded into memory")
        // The second lookup is served from memory.
        XCTAssertEqual(cache.lookup(prompt).blocksFromMemory, 4)
        XCTAssertEqual(cache.stats.tokensReusedMemory, 16)
        XCTAssertEqual(cache.stats.tokensReusedDisk, 16)
    }

    func testLookupJoinsMemoryAndDiskBlocks() throws {
        let store = try PromptCacheStore(path: folder.url)
        let cache = try Fixture.cache(budgetBlocks: 2, store: store)
        let prompt = Fixture.prompt(16)
        try cache.insert(prompt, blocks: Fixture.blocks(prompt), persistence: .synchronous)
        XCTAssertEqual(cache.stats.blocksInMemory, 2, "memory keeps the first two, disk has all four")
        let match = cache.lookup(prompt)
        XCTAssertEqual(match.matchedTokens, 16)
        XCTAssertEqual(match.blocksFromMemory, 2)
        XCTAssertEqual(match.blocksFromDisk, 2)
        XCTAssertEqual(match.blocks, Fixture.blocks(prompt))
    }

    func testAnotherModelDoesNotSeeTheBlocks() throws {
        let store = try PromptCacheStore(path: folder.url)
        let a = try Fixture.cache(fingerprint: "model-a", store: store)
        let b = try Fixture.cache(fingerprint: "model-b", store: store)
        let prompt = Fixture.prompt(8)
        try a.insert(prompt, blocks: Fixture.blocks(prompt), persistence: .synchronous)
        XCTAssertEqual(b.lookup(prompt).kind, .miss)
        a.removeAllFromMemory()
        XCTAssertEqual(a.lookup(prompt).blocksFromDisk, 2)
    }

    func testCorruptValuesAreMissesAndAreDeleted() throws {
        let prompt = Fixture.prompt(12)
        let damages: [(String, ([UInt8]) -> [UInt8])] = [
            ("garbage", { _ in Array("not a KV block at all".utf8) }),
            ("truncated", { Array($0.dropLast(5)) }),
            ("payload bit flip", { v in var d = v; d[d.count - 1] ^= 1; return d }),
            ("empty", { _ in [] }),
        ]
        for (name, damage) in damages {
            folder.remove()
            folder = TempFolder()
            let store = try PromptCacheStore(path: folder.url)
            let cache = try Fixture.cache(store: store)
            try cache.insert(prompt, blocks: Fixture.blocks(prompt), persistence: .synchronous)
            cache.removeAllFromMemory()
            let raw = try rawBlocks(store)
            let k = key(cache, prompt, block: 1)
            try store.environment.write { txn in
                let good = try XCTUnwrap(try raw.get(txn, k), name)
                try raw.put(txn, k, damage(good))
            }
            let match = cache.lookup(prompt)
            XCTAssertEqual(match.matchedTokens, 4, "\(name): only the block before the damaged one is usable")
            XCTAssertEqual(match.blocks, Fixture.blocks(prompt, 0 ..< 1), name)
            XCTAssertEqual(cache.stats.corruptBlocksDropped, 1, name)
            XCTAssertEqual(cache.stats.tokensReusedDisk, 4, name)
            cache.flush()
            try store.environment.read { txn in XCTAssertNil(try raw.get(txn, k), "\(name): the damaged value is deleted") }
            XCTAssertEqual(cache.stats.blocksOnDisk, 2, name)
            // The next insert repairs the chain.
            try cache.insert(prompt, blocks: Fixture.blocks(prompt), persistence: .synchronous)
            cache.removeAllFromMemory()
            XCTAssertEqual(cache.lookup(prompt).blocksFromDisk, 3, name)
        }
    }

    func testFailingWritesAreCountedAndMemoryKeepsServing() throws {
        let store = try PromptCacheStore(path: folder.url)
        store.writeFaultForTesting = { throw StorageError.lmdb(operation: "put (test)", code: ENOSPC) }
        let cache = try Fixture.cache(store: store)
        let a = Fixture.prompt(8, base: 100), b = Fixture.prompt(8, base: 200)
        try cache.insert(a, blocks: Fixture.blocks(a))
        try cache.insert(b, blocks: Fixture.blocks(b))
        cache.flush()
        XCTAssertEqual(cache.stats.diskWriteFailures, 2)
        XCTAssertEqual(cache.stats.blocksOnDisk, 0)
        XCTAssertEqual(cache.lookup(a).blocksFromMemory, 2)
        XCTAssertThrowsError(try cache.insert(a, blocks: Fixture.blocks(a), persistence: .synchronous))
        // Once the disk has room again, the next insert of a path stores it.
        store.writeFaultForTesting = nil
        try cache.insert(a, blocks: Fixture.blocks(a))
        cache.flush()
        XCTAssertEqual(cache.stats.blocksOnDisk, 2)
    }

    func testDiskBudgetEvictsTheOldestBlocksDeepestFirst() throws {
        // Room for five stored blocks; eviction goes down to 90% of it, i.e. four.
        let store = try PromptCacheStore(path: folder.url, budgetBytes: 5 * Fixture.storedBytes)
        let cache = try Fixture.cache(store: store)
        let old = Fixture.prompt(12, base: 100), new = Fixture.prompt(12, base: 200)
        try cache.insert(old, blocks: Fixture.blocks(old), persistence: .synchronous)
        Thread.sleep(forTimeInterval: 0.01)  // last-used times have millisecond resolution
        try cache.insert(new, blocks: Fixture.blocks(new), persistence: .synchronous)
        let s = cache.stats
        XCTAssertEqual(s.diskEvictions, 2)
        XCTAssertEqual(s.blocksOnDisk, 4)
        XCTAssertEqual(s.bytesOnDisk, 4 * Fixture.storedBytes)
        cache.removeAllFromMemory()
        XCTAssertEqual(cache.lookup(new).blocksFromDisk, 3)
        XCTAssertEqual(cache.lookup(old).blocksFromDisk, 1, "the old prompt's first block outlives its extensions")
    }

    func testLookupsRefreshLastUsedTimesOnDisk() throws {
        let store = try PromptCacheStore(path: folder.url, budgetBytes: 5 * Fixture.storedBytes)
        let cache = try Fixture.cache(store: store)
        let a = Fixture.prompt(8, base: 100), b = Fixture.prompt(8, base: 200), c = Fixture.prompt(8, base: 300)
        try cache.insert(a, blocks: Fixture.blocks(a), persistence: .synchronous)
        Thread.sleep(forTimeInterval: 0.01)
        try cache.insert(b, blocks: Fixture.blocks(b), persistence: .synchronous)
        Thread.sleep(forTimeInterval: 0.01)
        XCTAssertEqual(cache.lookup(a).matchedTokens, 8)
        cache.flush()  // writes a's refreshed last-used time: now b is the oldest
        Thread.sleep(forTimeInterval: 0.01)
        try cache.insert(c, blocks: Fixture.blocks(c), persistence: .synchronous)
        cache.removeAllFromMemory()
        XCTAssertEqual(cache.lookup(a).blocksFromDisk, 2)
        XCTAssertEqual(cache.lookup(c).blocksFromDisk, 2)
        XCTAssertEqual(cache.lookup(b).kind, .miss)
    }

    func testReinsertingACachedPathWritesNoBlocks() throws {
        let store = try PromptCacheStore(path: folder.url)
        let transactions = NSLock()
        var count = 0
        store.writeFaultForTesting = { transactions.lock(); count += 1; transactions.unlock() }
        let cache = try Fixture.cache(store: store)
        let prompt = Fixture.prompt(8)
        try cache.insert(prompt, blocks: Fixture.blocks(prompt), persistence: .synchronous)
        XCTAssertEqual(count, 1)
        // A keystroke that adds no whole block: nothing to write now, only a gathered last-used refresh.
        try cache.insert(prompt + [1, 2], blocks: Fixture.blocks(prompt), persistence: .synchronous)
        XCTAssertEqual(count, 1)
        cache.flush()
        XCTAssertEqual(count, 2, "the refresh is written by flush, in one transaction")
        // A new whole block writes that block only.
        let longer = Fixture.prompt(12)
        try cache.insert(longer, blocks: Fixture.blocks(longer), persistence: .synchronous)
        XCTAssertEqual(count, 3)
        XCTAssertEqual(cache.stats.blocksOnDisk, 3)
        try store.removeAll()
        XCTAssertEqual(cache.stats.blocksOnDisk, 0)
        XCTAssertEqual(cache.stats.bytesOnDisk, 0)
    }
}
