import XCTest
@testable import PromptCache

final class HashingTests: XCTestCase {
    /// Reference values from the published FNV-1a 128 test vectors.
    func testFNV1a128MatchesReferenceVectors() {
        XCTAssertEqual(FNV1a128.hash([UInt8]()).description, "6c62272e07bb014262b821756295c58d")
        XCTAssertEqual(FNV1a128.hash(Array("a".utf8)).description, "d228cb696f1a8caf78912b704e4a8964")
        XCTAssertEqual(FNV1a128.hash(Array("foobar".utf8)).description, "343e1662793c64bf6f0d3597ba446f18")
        XCTAssertEqual(FNV1a128.hash((0 ..< 100).map { UInt8($0) }).description, "cd347217387ea3efce0acfaa7fb84ed9")
    }

    /// Reference values computed with the system's libxxhash (XXH64), covering the < 32 and ≥ 32 byte paths.
    func testXXH64MatchesReferenceVectors() {
        XCTAssertEqual(XXH64.hash([]), 0xef46_db37_51d8_e999)
        XCTAssertEqual(XXH64.hash(Array("abc".utf8)), 0x44bc_2cf5_ad77_0999)
        XCTAssertEqual(XXH64.hash((0 ..< 100).map { UInt8($0) }), 0x6ac1_e580_3216_6597)
        XCTAssertEqual(XXH64.hash((0 ..< 37).map { UInt8($0) }), 0xd93f_a2df_ee5c_24c9)
        XCTAssertEqual(XXH64.hash((0 ..< 100).map { UInt8($0) }, seed: 7), 0x8065_3e7e_9b88_7cdd)
    }

    func testHash128BytesRoundTripAndOrder() {
        let h = Hash128(high: 0x0102_0304_0506_0708, low: 0x090a_0b0c_0d0e_0f10)
        XCTAssertEqual(h.bigEndianBytes, (1 ... 16).map { UInt8($0) })
        XCTAssertEqual(Hash128(bigEndianBytes: h.bigEndianBytes), h)
        XCTAssertNil(Hash128(bigEndianBytes: [1, 2, 3]))
        XCTAssertLessThan(Hash128(high: 1, low: .max), Hash128(high: 2, low: 0))
    }

    func testChainHashesDifferByFingerprint() {
        let prompt = Fixture.prompt(12)
        let a = BlockChain(modelFingerprint: Array("model-a".utf8), layout: Fixture.layout, blockSize: 4)
        let b = BlockChain(modelFingerprint: Array("model-b".utf8), layout: Fixture.layout, blockSize: 4)
        let ha = a.hashes(prompt), hb = b.hashes(prompt)
        XCTAssertEqual(ha.count, 3)
        for i in 0 ..< 3 { XCTAssertNotEqual(ha[i], hb[i], "block \(i)") }
        XCTAssertNotEqual(a.fingerprintID, b.fingerprintID)
    }

    func testChainHashesDifferByLayoutAndBlockSize() {
        let fp = Array("model-a".utf8)
        let f16 = BlockChain(modelFingerprint: fp, layout: Fixture.layout, blockSize: 4)
        var f32Layout = Fixture.layout
        f32Layout.dtype = .f32
        let f32 = BlockChain(modelFingerprint: fp, layout: f32Layout, blockSize: 4)
        XCTAssertNotEqual(f16.fingerprintDigest, f32.fingerprintDigest)
        XCTAssertNotEqual(f16.hashes(Fixture.prompt(8)), f32.hashes(Fixture.prompt(8)))
        let wide = BlockChain(modelFingerprint: fp, layout: Fixture.layout, blockSize: 8)
        XCTAssertNotEqual(f16.fingerprintDigest, wide.fingerprintDigest)
    }

    func testChainHashDependsOnEarlierBlocks() {
        let chain = BlockChain(modelFingerprint: Array("model-a".utf8), layout: Fixture.layout, blockSize: 4)
        // Same second block, different first block: the second block's identity must differ too.
        let p = [1, 2, 3, 4, 9, 9, 9, 9] as [TokenID]
        let q = [1, 2, 3, 5, 9, 9, 9, 9] as [TokenID]
        let hp = chain.hashes(p), hq = chain.hashes(q)
        XCTAssertNotEqual(hp[0], hq[0])
        XCTAssertNotEqual(hp[1], hq[1])
        // And the first block's hash is not the hash of the same tokens as a later block.
        XCTAssertNotEqual(chain.hash(parent: nil, tokens: p[4...]), hp[1])
    }

    func testChainHashesAreStableAcrossInstancesAndPrefixes() {
        let make = { BlockChain(modelFingerprint: Array("model-a".utf8), layout: Fixture.layout, blockSize: 4) }
        let long = Fixture.prompt(17)
        XCTAssertEqual(make().hashes(long), make().hashes(long))
        // A prompt's hashes are a prefix of any longer prompt's; the trailing partial block is not hashed.
        XCTAssertEqual(make().hashes(Array(long[..<9])), Array(make().hashes(long)[..<2]))
        XCTAssertEqual(make().hashes(long, limit: 1).count, 1)
    }

    /// Pinned values, computed by an independent Python transcription of the documented scheme. A change here
    /// makes every block on disk unreachable, so it must be deliberate (and come with a format version bump).
    func testChainHashesArePinned() {
        let chain = BlockChain(modelFingerprint: Array("model-a".utf8), layout: Fixture.layout, blockSize: 4)
        XCTAssertEqual(chain.fingerprintDigest.description, "63f3e422075182a596ccabb073e1cfc8")
        let hashes = chain.hashes([1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(hashes.map(\.description),
                       ["06d8e4cdf8d42a7372383d81e47643b8", "23ab3aafd51bfa24b2462880214f57b4"])
    }
}
