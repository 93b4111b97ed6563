import CLMDB

/// A read transaction. Only valid inside the closure that received it.
public struct ReadTransaction {
    let raw: OpaquePointer
}

/// A write transaction. Only valid inside the closure that received it; the closure's end commits it.
public struct WriteTransaction {
    let raw: OpaquePointer
    var asRead: ReadTransaction { ReadTransaction(raw: raw) }
}

/// Something a read can run in: a read or a write transaction.
public protocol ReadableTransaction { var readRaw: OpaquePointer { get } }

extension ReadableTransaction {
    /// LMDB's transaction id: a read sees the state the write with this id committed (a write has the id it will
    /// commit with), so two reads with the same id see the same data, in every process that opened the store.
    public var id: UInt64 { UInt64(mdb_txn_id(readRaw)) }
}
extension ReadTransaction: ReadableTransaction { public var readRaw: OpaquePointer { raw } }
extension WriteTransaction: ReadableTransaction { public var readRaw: OpaquePointer { raw } }
