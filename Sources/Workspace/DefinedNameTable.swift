import Foundation
import Storage

/// The distinct names of the `names` table, in memory, for workspace-symbol search: scanning every key of
/// `names` (each definition's) took 20–35 ms on a 2,000-file workspace at every query.
///
/// The table describes the state of one LMDB transaction id. A read whose transaction has that id uses it; another
/// id (a write of another process, or of this one the table could not follow) rebuilds it from that read's
/// snapshot. This process's writes keep it current: each reports which names it touched and whether they are
/// still defined after it (`committed`), so an editor's keystroke costs a few lookups, not a rebuild.
/// A table nobody searched is not built, and writes then report nothing (a full index pays nothing for it).
final class DefinedNameTable: @unchecked Sendable {
    /// A name and the characters it holds, for filtering by a query's characters.
    struct Entry: Sendable {
        /// Bit per character class of the lowercased name (`mask(of:)`); nil for a name outside ASCII, which any
        /// query may match (Unicode lowercasing is not bytewise).
        let mask: UInt64?
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// The transaction id `entries` describes; nil when not built.
    private var version: UInt64?

    /// Whether writes should report the names they touch.
    var isBuilt: Bool { lock.withLock { version != nil } }

    /// Called after the write transaction `id` ended. `touched` tells, for every name whose `names` keys the write
    /// changed, whether the name is still defined; nil when the write did not track names. `lastCommitted` is the
    /// store's last committed id after the write: below `id`, the write changed nothing and committed nothing.
    func committed(_ touched: [String: Bool]?, id: UInt64, lastCommitted: UInt64) {
        lock.withLock {
            // Nothing committed, nothing built, or built by a read that already saw this write.
            guard lastCommitted >= id, let built = version, built != id else { return }
            guard let touched, built == id - 1 else {
                version = nil
                entries = [:]
                return
            }
            for (name, defined) in touched {
                if !defined { entries[name] = nil }
                else if entries[name] == nil { entries[name] = Entry(mask: DefinedNameTable.mask(of: name)) }
            }
            version = id
        }
    }

    /// The names defined in the state `txn` sees, built by `scan` (every distinct name) when the table is not that
    /// state. A read newer than the table replaces it; an older one (a reader that started before a write)
    /// gets its own copy.
    func entries(_ txn: ReadTransaction, scan: () throws -> [String]) rethrows -> [String: Entry] {
        let id = txn.id
        if let current = lock.withLock({ version == id ? entries : nil }) { return current }
        var built: [String: Entry] = [:]
        for name in try scan() { built[name] = Entry(mask: DefinedNameTable.mask(of: name)) }
        lock.withLock {
            if version.map({ id > $0 }) ?? true {
                entries = built
                version = id
            }
        }
        return built
    }

    /// A bit per lowercase letter, digit and `_`, and 27 shared bits for other ASCII; nil outside ASCII or with a
    /// carriage return (`"\r\n"` is one Swift character, so bytes and characters would not correspond).
    static func mask(of text: String) -> UInt64? {
        var mask: UInt64 = 0
        for b in text.utf8 {
            guard b < 0x80, b != 0x0D else { return nil }
            let lower = (0x41...0x5A).contains(b) ? b | 0x20 : b
            let bit: UInt8
            switch lower {
            case 0x61...0x7A: bit = lower - 0x61
            case 0x30...0x39: bit = 26 + lower - 0x30
            case 0x5F: bit = 36
            default: bit = 37 + lower % 27
            }
            mask |= 1 << UInt64(bit)
        }
        return mask
    }
}
