import Foundation
import Syntax

/// One indexed file: the `files` table's value.
public struct FileRecord: Codable, Sendable, Equatable {
    /// Absolute path; also the key.
    public var path: String
    public var language: String
    /// FNV-1a 64 of the content, hex.
    public var hash: String
    public var size: Int
    /// Modification time (seconds since 1970) when indexed; with `size` it lets a restart skip reading.
    public var mtime: Double
    /// How many ERROR/MISSING nodes the parse had: the file was indexed anyway.
    public var parseErrors: Int
}

/// A definition as stored in the `symbols` table (one array per file, in document order).
public struct SymbolRow: Codable, Sendable, Hashable {
    public var name: String
    public var kind: SymbolKind
    public var range: TextRange
    public var selection: TextRange
    public var container: String?
    /// Index in the same file's array of the enclosing definition.
    public var parent: Int?
    public var doc: String?

    /// One-based line of the name, as the CLI and tests print it.
    public var line: Int { selection.start.row + 1 }
}

/// A reference as stored in the `occurrences` table (one array per file).
public struct OccurrenceRow: Codable, Sendable, Hashable {
    public var name: String
    public var kind: ReferenceKind
    /// The name's range.
    public var range: TextRange
    /// Index in the file's `symbols` array of the definition containing the reference (the caller).
    public var enclosing: Int?
}

/// An import statement with where it resolved to, as stored in the `imports` table (one array per file).
public struct ImportRow: Codable, Sendable, Hashable {
    public var module: String
    public var names: [String]
    public var isSubmodule: Bool
    public var range: TextRange
    /// The module string's range.
    public var moduleRange: TextRange
    /// Node ids the import resolved to: absolute file paths, or `ext:<name>` for modules outside the workspace.
    public var targets: [String]
}

/// Where a name is defined: the `names` table's keys decoded.
public struct SymbolLocation: Sendable, Hashable {
    public var path: String
    public var index: Int
    public var symbol: SymbolRow
    public init(path: String, index: Int, symbol: SymbolRow) { self.path = path; self.index = index; self.symbol = symbol }
}

/// Where a name is used.
public struct OccurrenceLocation: Sendable, Hashable {
    public var path: String
    public var occurrence: OccurrenceRow
}

/// Everything computed from one file's content; written in one transaction.
public struct FileFacts: Sendable {
    public var record: FileRecord
    public var symbols: [SymbolRow]
    public var occurrences: [OccurrenceRow]
    public var imports: [ImportRow]

    /// Facts for a parsed file; imports are resolved later by `ImportResolution`.
    init(record: FileRecord, tags: FileTags) {
        self.record = record
        symbols = tags.definitions.map {
            SymbolRow(name: $0.name, kind: $0.kind, range: $0.range, selection: $0.selectionRange,
                      container: $0.container, parent: $0.parent, doc: $0.doc)
        }
        occurrences = tags.references.map {
            OccurrenceRow(name: $0.name, kind: $0.kind, range: $0.range, enclosing: $0.enclosing)
        }
        imports = tags.imports.map {
            ImportRow(module: $0.module, names: $0.names, isSubmodule: $0.isSubmodule, range: $0.range,
                      moduleRange: $0.moduleRange, targets: [])
        }
    }

    /// Call edges: (caller symbol index, callee name), each pair once.
    var calls: [(Int, String)] { FileFacts.callEdges(occurrences) }

    /// The call edges of a file's occurrences: (caller symbol index, callee name), each pair once.
    static func callEdges(_ occurrences: [OccurrenceRow]) -> [(Int, String)] {
        struct Edge: Hashable { var caller: Int, callee: String }
        var seen = Set<Edge>()
        var out: [(Int, String)] = []
        for o in occurrences where o.kind == .call {
            guard let caller = o.enclosing, seen.insert(Edge(caller: caller, callee: o.name)).inserted else { continue }
            out.append((caller, o.name))
        }
        return out
    }
}

/// Node ids of the dependency graph: files are absolute paths, external modules `ext:<name>`.
public enum NodeID {
    public static let externalPrefix = "ext:"
    public static func external(_ name: String) -> String { externalPrefix + name }
    public static func isExternal(_ id: String) -> Bool { id.hasPrefix(externalPrefix) }
    public static func externalName(_ id: String) -> String { String(id.dropFirst(externalPrefix.count)) }
}

/// 64-bit FNV-1a: fast, stable across runs and platforms (unlike `Hasher`), plenty to detect a change.
func contentHash(_ bytes: [UInt8]) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    bytes.withUnsafeBufferPointer { buf in
        for b in buf { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
