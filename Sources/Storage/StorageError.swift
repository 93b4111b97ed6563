import CLMDB
import Foundation

/// Errors of the typed LMDB layer, each with the operation and the LMDB code that caused it.
public enum StorageError: Error, CustomStringConvertible, Equatable {
    case lmdb(operation: String, code: Int32)
    case corruptValue(database: String, reason: String)
    case locked(path: String)
    case alreadyOpen(path: String)

    public var description: String {
        switch self {
        case let .lmdb(operation, code):
            let text = String(cString: mdb_strerror(code))
            let hint: String
            switch code {
            case MDB_MAP_FULL: hint = " (the store grows automatically; this write was larger than the growth step)"
            case ENOSPC: hint = " (the disk is full; free space and retry — nothing committed was lost)"
            case MDB_READERS_FULL: hint = " (too many readers; close other Quorum processes)"
            default: hint = ""
            }
            return "LMDB \(operation) failed: \(text)\(hint)"
        case let .corruptValue(database, reason):
            return "a value in LMDB database '\(database)' could not be decoded: \(reason)"
        case let .locked(path):
            return "the store at \(path) is in use by another process"
        case let .alreadyOpen(path):
            return "the store at \(path) is already open in this process; share that one instead of opening it again"
        }
    }

    /// True when the map is full and growing it may let the operation succeed.
    public var isMapFull: Bool {
        if case let .lmdb(_, code) = self { return code == MDB_MAP_FULL }
        return false
    }
}

@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws {
    if code != 0 { throw StorageError.lmdb(operation: operation(), code: code) }
}
