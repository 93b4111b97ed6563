import CLMDB

/// A typed named database inside an `Environment`.
public struct Database<K: KeyCodec, V: ValueCodec>: Sendable {
    public let name: String
    let dbi: MDB_dbi

    /// The value stored under `key`, or nil.
    public func get(_ txn: some ReadableTransaction, _ key: K.Value) throws -> V.Value? {
        var k = K.encode(key)
        return try k.withUnsafeMutableBytes { kb in
            var mk = MDB_val(mv_size: kb.count, mv_data: kb.baseAddress)
            var mv = MDB_val()
            let rc = mdb_get(txn.readRaw, dbi, &mk, &mv)
            if rc == MDB_NOTFOUND { return nil }
            try check(rc, "get \(name)")
            return try decodeValue(mv)
        }
    }

    /// Whether `key` is present, without decoding its value.
    public func contains(_ txn: some ReadableTransaction, _ key: K.Value) throws -> Bool {
        var k = K.encode(key)
        return try k.withUnsafeMutableBytes { kb in
            var mk = MDB_val(mv_size: kb.count, mv_data: kb.baseAddress)
            var mv = MDB_val()
            let rc = mdb_get(txn.readRaw, dbi, &mk, &mv)
            if rc == MDB_NOTFOUND { return false }
            try check(rc, "get \(name)")
            return true
        }
    }

    /// Stores `value` under `key`, replacing any (for duplicate-key databases: adding one more value).
    public func put(_ txn: WriteTransaction, _ key: K.Value, _ value: V.Value) throws {
        var k = K.encode(key)
        var v = try V.encode(value)
        try k.withUnsafeMutableBytes { kb in
            try v.withUnsafeMutableBytes { vb in
                var mk = MDB_val(mv_size: kb.count, mv_data: kb.baseAddress)
                var mv = MDB_val(mv_size: vb.count, mv_data: vb.baseAddress)
                try check(mdb_put(txn.raw, dbi, &mk, &mv, 0), "put \(name)")
            }
        }
    }

    /// Stores bytes already encoded with `V.encode`: lets callers encode outside the write transaction,
    /// which is serialised, so that encoding runs in parallel.
    public func put(_ txn: WriteTransaction, _ key: K.Value, encoded value: [UInt8]) throws {
        var k = K.encode(key)
        try k.withUnsafeMutableBytes { kb in
            // Read-only access: a mutable view of the caller's (shared) array would copy it first, and the
            // encoded rows are the largest values the index writes. `mdb_put` only reads the value.
            try value.withUnsafeBytes { vb in
                var mk = MDB_val(mv_size: kb.count, mv_data: kb.baseAddress)
                var mv = MDB_val(mv_size: vb.count, mv_data: UnsafeMutableRawPointer(mutating: vb.baseAddress))
                try check(mdb_put(txn.raw, dbi, &mk, &mv, 0), "put \(name)")
            }
        }
    }

    /// Removes `key` (every value of it in duplicate-key databases). Returns whether it existed.
    @discardableResult
    public func delete(_ txn: WriteTransaction, _ key: K.Value) throws -> Bool {
        var k = K.encode(key)
        return try k.withUnsafeMutableBytes { kb in
            var mk = MDB_val(mv_size: kb.count, mv_data: kb.baseAddress)
            let rc = mdb_del(txn.raw, dbi, &mk, nil)
            if rc == MDB_NOTFOUND { return false }
            try check(rc, "del \(name)")
            return true
        }
    }

    /// Removes every entry.
    public func clear(_ txn: WriteTransaction) throws { try check(mdb_drop(txn.raw, dbi, 0), "drop \(name)") }

    /// Number of entries.
    public func count(_ txn: some ReadableTransaction) throws -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(txn.readRaw, dbi, &stat), "stat \(name)")
        return Int(stat.ms_entries)
    }

    /// Calls `body` for each entry whose encoded key starts with the encoding of `prefix` (all when nil),
    /// in key order, until it returns false.
    public func scan(_ txn: some ReadableTransaction, prefix: [UInt8] = [],
                     _ body: (K.Value, V.Value) throws -> Bool) throws {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn.readRaw, dbi, &cursor), "cursor_open \(name)")
        guard let cursor else { return }
        defer { mdb_cursor_close(cursor) }
        var start = prefix
        var mk = MDB_val(), mv = MDB_val()
        var rc: Int32 = start.withUnsafeMutableBytes { pb in
            if pb.isEmpty { return mdb_cursor_get(cursor, &mk, &mv, MDB_FIRST) }
            mk = MDB_val(mv_size: pb.count, mv_data: pb.baseAddress)
            return mdb_cursor_get(cursor, &mk, &mv, MDB_SET_RANGE)
        }
        while rc == 0 {
            let keyBytes = UnsafeRawBufferPointer(start: mk.mv_data, count: mk.mv_size)
            if !prefix.isEmpty {
                if keyBytes.count < prefix.count || !zip(keyBytes, prefix).allSatisfy({ $0 == $1 }) { return }
            }
            let key = try K.decode(keyBytes)
            let value = try decodeValue(mv)
            if try !body(key, value) { return }
            rc = mdb_cursor_get(cursor, &mk, &mv, MDB_NEXT)
        }
        if rc != MDB_NOTFOUND { try check(rc, "cursor_get \(name)") }
    }

    /// Removes every entry whose key starts with `prefix`. Returns how many were removed.
    @discardableResult
    public func deletePrefix(_ txn: WriteTransaction, prefix: [UInt8]) throws -> Int {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn.raw, dbi, &cursor), "cursor_open \(name)")
        guard let cursor else { return 0 }
        defer { mdb_cursor_close(cursor) }
        var start = prefix
        var mk = MDB_val(), mv = MDB_val()
        var removed = 0
        var rc: Int32 = start.withUnsafeMutableBytes { pb in
            if pb.isEmpty { return mdb_cursor_get(cursor, &mk, &mv, MDB_FIRST) }
            mk = MDB_val(mv_size: pb.count, mv_data: pb.baseAddress)
            return mdb_cursor_get(cursor, &mk, &mv, MDB_SET_RANGE)
        }
        while rc == 0 {
            let keyBytes = UnsafeRawBufferPointer(start: mk.mv_data, count: mk.mv_size)
            if keyBytes.count < prefix.count || !zip(keyBytes, prefix).allSatisfy({ $0 == $1 }) { break }
            try check(mdb_cursor_del(cursor, 0), "cursor_del \(name)")
            removed += 1
            // After a delete LMDB's MDB_NEXT yields the entry that followed the deleted one.
            rc = mdb_cursor_get(cursor, &mk, &mv, MDB_NEXT)
        }
        return removed
    }

    private func decodeValue(_ mv: MDB_val) throws -> V.Value {
        do { return try V.decode(UnsafeRawBufferPointer(start: mv.mv_data, count: mv.mv_size)) }
        catch let StorageError.corruptValue(_, reason) { throw StorageError.corruptValue(database: name, reason: reason) }
    }
}
