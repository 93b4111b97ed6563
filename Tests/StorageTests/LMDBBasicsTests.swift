import Foundation
import XCTest
@testable import Storage

final class LMDBBasicsTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-lmdb-\(UUID())")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testPutGetCursorAndPrefixScan() throws {
        let env = try Environment(path: folder)
        let db = try env.database("things", key: StringCodec.self, value: UInt64Codec.self)
        try env.write { txn in
            for (i, key) in ["b/2", "a/1", "b/1", "c/1", "b/3"].enumerated() { try db.put(txn, key, UInt64(i)) }
        }
        try env.read { txn in
            XCTAssertEqual(try db.get(txn, "a/1"), 1)
            XCTAssertNil(try db.get(txn, "zzz"))
            XCTAssertEqual(try db.count(txn), 5)
            var seen: [String] = []
            try db.scan(txn, prefix: Array("b/".utf8)) { key, _ in seen.append(key); return true }
            XCTAssertEqual(seen, ["b/1", "b/2", "b/3"])  // cursor order is byte order
            var all: [String] = []
            try db.scan(txn) { key, _ in all.append(key); return true }
            XCTAssertEqual(all, ["a/1", "b/1", "b/2", "b/3", "c/1"])
        }
        try env.write { txn in XCTAssertEqual(try db.deletePrefix(txn, prefix: Array("b/".utf8)), 3) }
        try env.read { txn in XCTAssertEqual(try db.count(txn), 2) }
    }

    /// The index's in-memory name table relies on these: a read sees the id of the write it sees, and a write that
    /// changed nothing commits nothing (its id is used again).
    func testTransactionIDsNameCommittedStates() throws {
        let env = try Environment(path: folder)
        let db = try env.database("things", key: StringCodec.self, value: UInt64Codec.self)
        let written = try env.write { txn in try db.put(txn, "a", 1); return txn.id }
        XCTAssertEqual(try env.read { $0.id }, written)
        XCTAssertEqual(env.lastCommittedTransaction, written)
        let empty = try env.write { txn in txn.id }
        XCTAssertEqual(empty, written + 1)
        XCTAssertEqual(env.lastCommittedTransaction, written, "an empty write commits nothing")
        XCTAssertEqual(try env.write { txn in try db.put(txn, "b", 2); return txn.id }, written + 1)
        XCTAssertEqual(try env.read { $0.id }, written + 1)
    }

    func testBigEndianIntegerKeysSortNumerically() throws {
        let env = try Environment(path: folder)
        let db = try env.database("ids", key: UInt64Codec.self, value: StringCodec.self)
        try env.write { txn in for n: UInt64 in [300, 2, 70000, 1] { try db.put(txn, n, "\(n)") } }
        var order: [UInt64] = []
        try env.read { txn in try db.scan(txn) { key, _ in order.append(key); return true } }
        XCTAssertEqual(order, [1, 2, 300, 70000])
    }

    func testAThrowInsideAWriteAbortsEverything() throws {
        struct Boom: Error {}
        let env = try Environment(path: folder)
        let db = try env.database("x", key: StringCodec.self, value: StringCodec.self)
        XCTAssertThrowsError(try env.write { txn in
            try db.put(txn, "half", "written")
            throw Boom()
        })
        try env.read { txn in XCTAssertNil(try db.get(txn, "half")) }
    }

    func testTheMapGrowsInsteadOfFailing() throws {
        let env = try Environment(path: folder, mapSize: 1 << 20)  // 1 MiB
        let db = try env.database("blobs", key: UInt64Codec.self, value: BytesCodec.self)
        let blob = [UInt8](repeating: 7, count: 64 << 10)
        for i in 0..<64 { try env.write { txn in try db.put(txn, UInt64(i), blob) } }  // 4 MiB in all
        XCTAssertGreaterThan(env.mapSize, 1 << 20)
        try env.read { txn in XCTAssertEqual(try db.count(txn), 64) }
    }

    func testDataSurvivesReopen() throws {
        do {
            let env = try Environment(path: folder)
            let db = try env.database("p", key: StringCodec.self, value: StringCodec.self)
            try env.write { txn in try db.put(txn, "k", "v") }
        }
        let env = try Environment(path: folder)
        let db = try env.database("p", key: StringCodec.self, value: StringCodec.self)
        try env.read { txn in XCTAssertEqual(try db.get(txn, "k"), "v") }
    }
}
