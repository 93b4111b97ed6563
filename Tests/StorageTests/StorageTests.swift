import Foundation
import Storage
import XCTest

final class StorageTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("storage-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testPutGetScanPrefixAndDeletePrefix() throws {
        let env = try Environment(path: dir)
        let db = try env.database("t", key: StringCodec.self, value: UInt64Codec.self)
        try env.write { txn in
            for (i, k) in ["a/1", "a/2", "ab", "b/1"].enumerated() { try db.put(txn, k, UInt64(i)) }
        }
        try env.read { txn in
            XCTAssertEqual(try db.get(txn, "a/2"), 1)
            var keys: [String] = []
            try db.scan(txn, prefix: Array("a/".utf8)) { k, _ in keys.append(k); return true }
            XCTAssertEqual(keys, ["a/1", "a/2"])
        }
        let removed = try env.write { txn in try db.deletePrefix(txn, prefix: Array("a/".utf8)) }
        XCTAssertEqual(removed, 2)
        try env.read { txn in XCTAssertEqual(try db.count(txn), 2) }
    }

    func testThrowInsideWriteAbortsEverything() throws {
        let env = try Environment(path: dir)
        let db = try env.database("t", key: StringCodec.self, value: StringCodec.self)
        struct Boom: Error {}
        XCTAssertThrowsError(try env.write { txn in
            try db.put(txn, "half", "written")
            throw Boom()
        })
        try env.read { txn in XCTAssertNil(try db.get(txn, "half")) }
    }

    func testMapGrowsWhenFullAndNoSyncStoresStillReopen() throws {
        do {
            let env = try Environment(path: dir, mapSize: 1 << 20, noSync: true)
            let db = try env.database("t", key: UInt64Codec.self, value: BytesCodec.self)
            try env.write { txn in
                for i in 0..<400 { try db.put(txn, UInt64(i), [UInt8](repeating: 7, count: 8192)) }
            }
            XCTAssertGreaterThan(env.mapSize, 1 << 20)
            try env.sync()
        }
        let env = try Environment(path: dir, mapSize: 1 << 20)
        let db = try env.database("t", key: UInt64Codec.self, value: BytesCodec.self)
        try env.read { txn in XCTAssertEqual(try db.count(txn), 400) }
    }

    func testOpeningOneFolderTwiceInAProcessIsRefusedUntilTheFirstCloses() throws {
        var first: Environment? = try Environment(path: dir)
        XCTAssertThrowsError(try Environment(path: dir)) { error in
            guard case .alreadyOpen = error as? StorageError else { return XCTFail("\(error)") }
        }
        XCTAssertNotNil(first)
        first = nil
        XCTAssertNoThrow(try Environment(path: dir))
    }

    func testMapGrowsWhileOtherThreadsRead() throws {
        let env = try Environment(path: dir, mapSize: 1 << 20)
        let db = try env.database("t", key: UInt64Codec.self, value: BytesCodec.self)
        let stop = StopFlag()
        let group = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                while !stop.isSet {
                    // Touch every value: a remap under a running reader would fault here.
                    _ = try? env.read { txn in
                        try db.scan(txn) { _, v in XCTAssertEqual(v.first, 9); return true }
                    }
                }
            }
        }
        for i in 0..<300 {
            try env.write { txn in try db.put(txn, UInt64(i), [UInt8](repeating: 9, count: 16 << 10)) }
        }
        stop.set()
        group.wait()
        XCTAssertGreaterThanOrEqual(env.mapSize, 4 << 20, "the map grew at least twice")
        try env.read { txn in XCTAssertEqual(try db.count(txn), 300) }
    }
}

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
