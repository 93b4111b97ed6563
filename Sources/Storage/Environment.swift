import Base
import CLMDB
import Foundation

/// One LMDB environment (a folder with `data.mdb` and `lock.mdb`).
///
/// Invariants: a write transaction that is not committed aborts; a full map grows (doubling) and the write is
/// retried by `write`; no transaction outlives the closure that received it, so none can cross an `await`.
public final class Environment: @unchecked Sendable {
    let raw: OpaquePointer
    public let path: URL
    private let growLock = NSLock()
    /// Serialises writers inside this process so map growth never races a writer.
    private let writeLock = NSLock()
    /// Read transactions hold it shared, map resizing exclusively: LMDB allows `mdb_env_set_mapsize` only
    /// while this process has no transaction open, and readers may be running on other threads.
    private let resizeLock = ReadWriteLock()
    public private(set) var mapSize: Int

    /// Opens (creating if needed) the environment in `path`.
    /// - Parameters:
    ///   - maxDatabases: how many named databases may be opened.
    ///   - mapSize: the initial map size; it doubles whenever a write finds it full.
    ///   - noSync: do not fsync at each commit (MDB_NOSYNC). A killed process loses nothing (commits are in the
    ///     OS page cache); a power loss may drop the last commits. For caches that can be rebuilt; call `sync()`.
    ///
    /// Several processes may open the same environment: LMDB serialises their writers with its lock file and
    /// readers see the last committed state. When another process grew the map, the next transaction here
    /// adopts the new size (MDB_MAP_RESIZED) and retries.
    public init(path: URL, maxDatabases: UInt32 = 32, mapSize: Int = 64 << 20, noSync: Bool = false) throws {
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        let key = path.resolvingSymlinksInPath().standardizedFileURL.path
        guard Environment.register(key) else { throw StorageError.alreadyOpen(path: key) }
        openKey = key
        var created: OpaquePointer?
        let rc = mdb_env_create(&created)
        guard rc == 0, let env = created else {
            Environment.unregister(key)
            throw StorageError.lmdb(operation: "env_create", code: rc == 0 ? -1 : rc)
        }
        do {
            try check(mdb_env_set_maxdbs(env, maxDatabases), "set_maxdbs")
            try check(mdb_env_set_mapsize(env, mapSize), "set_mapsize")
            try check(mdb_env_set_maxreaders(env, 256), "set_maxreaders")
            // MDB_NOTLS: read transactions are not tied to threads (Swift tasks hop between threads).
            try check(mdb_env_open(env, path.path, UInt32(MDB_NOTLS) | (noSync ? UInt32(MDB_NOSYNC) : 0), 0o644), "env_open \(path.path)")
        } catch {
            mdb_env_close(env)
            Environment.unregister(key)
            throw error
        }
        raw = env
        self.path = path
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        self.mapSize = max(mapSize, Int(info.me_mapsize))
        // Readers left by killed processes would pin old pages forever; clear them at open.
        var dead: Int32 = 0
        mdb_reader_check(env, &dead)
    }

    deinit {
        mdb_env_close(raw)
        Environment.unregister(openKey)
    }

    /// Folders open in this process. LMDB forbids opening one environment twice in a process: closing either
    /// copy would release the other's file locks.
    nonisolated(unsafe) private static var openPaths: Set<String> = []
    private static let openPathsLock = NSLock()
    private let openKey: String

    private static func register(_ key: String) -> Bool {
        openPathsLock.lock(); defer { openPathsLock.unlock() }
        return openPaths.insert(key).inserted
    }

    private static func unregister(_ key: String) {
        openPathsLock.lock(); openPaths.remove(key); openPathsLock.unlock()
    }

    /// Opens (creating) the named database with the given key and value codecs.
    public func database<K: KeyCodec, V: ValueCodec>(_ name: String, key: K.Type, value: V.Type,
                                                     duplicateKeys: Bool = false) throws -> Database<K, V> {
        try write { txn in
            var dbi: MDB_dbi = 0
            let flags = UInt32(MDB_CREATE) | (duplicateKeys ? UInt32(MDB_DUPSORT) : 0)
            try check(mdb_dbi_open(txn.raw, name, flags, &dbi), "dbi_open \(name)")
            return Database<K, V>(name: name, dbi: dbi)
        }
    }

    /// Runs `body` in a read-only transaction. Do not call `write` from inside `body`: a map resize would
    /// then wait for this very transaction to end.
    public func read<R>(_ body: (ReadTransaction) throws -> R) throws -> R {
        for attempt in 0..<2 {
            resizeLock.lockShared()
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(raw, nil, UInt32(MDB_RDONLY), &txn)
            if rc == MDB_MAP_RESIZED, attempt == 0 {
                resizeLock.unlockShared()
                try adoptMapSize()
                continue
            }
            defer { resizeLock.unlockShared() }
            try check(rc, "txn_begin(read)")
            guard let txn else { throw StorageError.lmdb(operation: "txn_begin", code: -1) }
            defer { mdb_txn_abort(txn) }
            return try body(ReadTransaction(raw: txn))
        }
        throw StorageError.lmdb(operation: "txn_begin(read)", code: MDB_MAP_RESIZED)
    }

    /// Runs `body` in a write transaction and commits it; any throw aborts, leaving the store as it was.
    /// When the map is full the transaction is aborted, the map doubled, and `body` run again.
    public func write<R>(_ body: (WriteTransaction) throws -> R) throws -> R {
        writeLock.lock(); defer { writeLock.unlock() }
        for _ in 0..<8 {
            do {
                return try writeOnce(body)
            } catch let error as StorageError where error.isMapFull {
                try grow()
            }
        }
        throw StorageError.lmdb(operation: "write (after growing the map 8 times)", code: MDB_MAP_FULL)
    }

    private func writeOnce<R>(_ body: (WriteTransaction) throws -> R) throws -> R {
        for attempt in 0..<2 {
            resizeLock.lockShared()
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(raw, nil, 0, &txn)
            if rc == MDB_MAP_RESIZED, attempt == 0 {
                resizeLock.unlockShared()
                try adoptMapSize()
                continue
            }
            defer { resizeLock.unlockShared() }
            try check(rc, "txn_begin(write)")
            guard let txn else { throw StorageError.lmdb(operation: "txn_begin", code: -1) }
            let result: R
            do {
                result = try body(WriteTransaction(raw: txn))
            } catch {
                mdb_txn_abort(txn)
                throw error
            }
            // mdb_txn_commit frees the transaction whether or not it succeeds.
            try check(mdb_txn_commit(txn), "txn_commit")
            return result
        }
        throw StorageError.lmdb(operation: "txn_begin(write)", code: MDB_MAP_RESIZED)
    }

    /// Another process grew the map: take its size (LMDB's documented answer to MDB_MAP_RESIZED).
    private func adoptMapSize() throws {
        resizeLock.lockExclusive(); defer { resizeLock.unlockExclusive() }
        growLock.lock(); defer { growLock.unlock() }
        try check(mdb_env_set_mapsize(raw, 0), "set_mapsize(0)")
        var info = MDB_envinfo()
        mdb_env_info(raw, &info)
        mapSize = Int(info.me_mapsize)
    }

    private func grow() throws {
        resizeLock.lockExclusive(); defer { resizeLock.unlockExclusive() }
        growLock.lock(); defer { growLock.unlock() }
        let newSize = mapSize * 2
        try check(mdb_env_set_mapsize(raw, newSize), "set_mapsize(\(newSize))")
        mapSize = newSize
    }

    /// The id of the last committed write transaction, in any process (`mdb_env_info`). A write transaction that
    /// changed nothing commits nothing, so this tells whether a write's id (`WriteTransaction.id`) was used.
    public var lastCommittedTransaction: UInt64 {
        var info = MDB_envinfo()
        mdb_env_info(raw, &info)
        return UInt64(info.me_last_txnid)
    }

    /// Flushes to disk (LMDB already does at each commit unless opened with NOSYNC).
    public func sync() throws { try check(mdb_env_sync(raw, 1), "env_sync") }
}

/// A pthread read-write lock. Linux's default prefers readers, so a reader may take it again while shared.
final class ReadWriteLock: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)

    init() { pthread_rwlock_init(lock, nil) }
    deinit { pthread_rwlock_destroy(lock); lock.deallocate() }

    func lockShared() { pthread_rwlock_rdlock(lock) }
    func unlockShared() { pthread_rwlock_unlock(lock) }
    func lockExclusive() { pthread_rwlock_wrlock(lock) }
    func unlockExclusive() { pthread_rwlock_unlock(lock) }
}
