import Foundation
import Workspace

/// A JSON value, built without `Any` so that printing a large one (`quorum index --format json`) costs no
/// dynamic casts.
enum JSONValue {
    /// Members in any order (printed sorted by key); keys are distinct.
    case object([(String, JSONValue)])
    case array([JSONValue]), string(String), int(Int), double(Double), bool(Bool), null

    /// The value of what `JSONSerialization` accepts: dictionaries with string keys, arrays, strings, numbers,
    /// booleans and `NSNull` (anything else becomes null).
    init(_ value: Any) {
        switch value {
        case let v as JSONValue: self = v
        case let d as [String: Any]: self = .object(d.map { ($0.key, JSONValue($0.value)) })
        case let a as [Any]: self = .array(a.map(JSONValue.init))
        case let s as String: self = .string(s)
        case let b as Bool: self = .bool(b)
        case let i as Int: self = .int(i)
        case let x as Double: self = .double(x)
        default: self = .null
        }
    }
}

/// Prints a JSON value to stdout: sorted keys and two-space indentation, so output is stable and diffable.
///
/// Hand-written because Foundation's `JSONSerialization` with sorted keys took a third of `quorum index
/// --format json` on a 6000-file tree. Accepts what `JSONSerialization` accepts: dictionaries with string
/// keys, arrays, strings, numbers, booleans and `NSNull`.
func printJSON(_ object: Any) throws {
    printJSON(JSONValue(object))
}

func printJSON(_ value: JSONValue) {
    var out: [UInt8] = []
    out.reserveCapacity(1 << 16)
    writeJSON(value, indent: 0, into: &out)
    out.append(UInt8(ascii: "\n"))
    FileHandle.standardOutput.write(Data(out))
}

private func writeJSON(_ value: JSONValue, indent: Int, into out: inout [UInt8]) {
    func pad(_ n: Int) { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    switch value {
    case let .object(members):
        if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
        out.append(contentsOf: "{\n".utf8)
        let sorted = members.sorted { $0.0 < $1.0 }
        for (i, (key, member)) in sorted.enumerated() {
            pad(indent + 2); writeString(key, into: &out); out.append(contentsOf: ": ".utf8)
            writeJSON(member, indent: indent + 2, into: &out)
            out.append(contentsOf: (i == sorted.count - 1 ? "\n" : ",\n").utf8)
        }
        pad(indent); out.append(UInt8(ascii: "}"))
    case let .array(a):
        if a.isEmpty { out.append(contentsOf: "[]".utf8); return }
        out.append(contentsOf: "[\n".utf8)
        for (i, element) in a.enumerated() {
            pad(indent + 2)
            writeJSON(element, indent: indent + 2, into: &out)
            out.append(contentsOf: (i == a.count - 1 ? "\n" : ",\n").utf8)
        }
        pad(indent); out.append(UInt8(ascii: "]"))
    case let .string(s): writeString(s, into: &out)
    case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case let .int(i): out.append(contentsOf: String(i).utf8)
    case let .double(x): out.append(contentsOf: (x.isFinite ? String(x) : "null").utf8)
    case .null: out.append(contentsOf: "null".utf8)
    }
}

func writeString(_ s: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    // Most names and paths need no escaping: append them whole.
    if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
        out += s.utf8
        out.append(UInt8(ascii: "\""))
        return
    }
    var escaped = ""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        case "\n": escaped += "\\n"
        case "\r": escaped += "\\r"
        case "\t": escaped += "\\t"
        case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    out += escaped.utf8
    out.append(UInt8(ascii: "\""))
}

/// Prints `quorum index --format json` (the shape documented in README): `{"files": [{"language", "parseErrors",
/// "path", "symbols": [{"container", "kind", "line", "name"}]}]}`, byte for byte what `printJSON` would print
/// for it (a test holds them equal).
///
/// Files parsed by this run were rendered by the workers as they went (`rendered`); the others' symbols are read
/// and rendered in chunks on every core, each chunk in its own read transaction, straight into bytes. After the
/// parallel indexing, reading every file's rows back and building a `JSONValue` for each symbol on one thread was
/// 5% of the command's time on the 2,000-file benchmark workspace. (Should another process write the store
/// meanwhile, a chunk may see its newer rows; each file is still read whole, and an element rendered from rows
/// other than the stored ones is not used.)
func printIndexJSON(_ index: Index, rendered: RenderedFiles? = nil) throws {
    let records = try index.fileRecords()
    var head: [UInt8] = Array("{\n  \"files\": ".utf8)
    guard !records.isEmpty else {
        FileHandle.standardOutput.write(Data(head + Array("[]\n}\n".utf8)))
        return
    }
    head += Array("[\n".utf8)
    let count = records.count
    let chunks = min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
    var pieces = [[UInt8]](repeating: [], count: chunks)
    let failure = FirstError()
    pieces.withUnsafeMutableBufferPointer { pieces in
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = (count * c / chunks)..<(count * (c + 1) / chunks)
            do {
                let ready = range.map { rendered?.element(for: records[$0]) }
                let missing = range.indices.filter { ready[$0 - range.lowerBound] == nil }
                var symbols = try index.symbols(ofFiles: missing.map { records[$0].path })[...]
                var out: [UInt8] = []
                for (k, i) in range.enumerated() {
                    if let element = ready[k] {
                        out.append(contentsOf: element)
                    } else {
                        writeIndexFile(records[i], path: index.relativePath(records[i].path), symbols: symbols.removeFirst(),
                                       into: &out)
                    }
                    out.append(contentsOf: (i == count - 1 ? "\n" : ",\n").utf8)
                }
                pieces[c] = out
            } catch {
                failure.record(error)
            }
        }
    }
    try failure.rethrow()
    let handle = FileHandle.standardOutput
    handle.write(Data(head))
    for piece in pieces { handle.write(Data(piece)) }
    handle.write(Data("  ]\n}\n".utf8))
}

/// Elements of `quorum index --format json`'s `files`, rendered by the indexing workers for the files they parsed,
/// with the content hash they were rendered for.
final class RenderedFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: [String: (hash: String, bytes: [UInt8])] = [:]

    /// `Index.update`'s `parsed` callback: renders on the calling worker, stores under the lock.
    func render(_ index: Index, _ file: FileRecord, _ symbols: [SymbolRow]) {
        var out: [UInt8] = []
        writeIndexFile(file, path: index.relativePath(file.path), symbols: symbols, into: &out)
        lock.lock(); elements[file.path] = (file.hash, out); lock.unlock()
    }

    /// The element for `file` as stored, when one was rendered from the same content.
    func element(for file: FileRecord) -> [UInt8]? {
        lock.lock(); defer { lock.unlock() }
        guard let e = elements[file.path], e.hash == file.hash else { return nil }
        return e.bytes
    }
}

/// One element of `quorum index --format json`'s `files`, indented as the fourth level of `printJSON`'s layout.
private func writeIndexFile(_ file: FileRecord, path: String, symbols: [SymbolRow], into out: inout [UInt8]) {
    func pad(_ n: Int) { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    func member(_ indent: Int, _ key: StaticString) {
        pad(indent)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        out.append(contentsOf: "\": ".utf8)
    }
    pad(4); out.append(contentsOf: "{\n".utf8)
    member(6, "language"); writeString(file.language, into: &out); out.append(contentsOf: ",\n".utf8)
    member(6, "parseErrors"); out.append(contentsOf: String(file.parseErrors).utf8); out.append(contentsOf: ",\n".utf8)
    member(6, "path"); writeString(path, into: &out); out.append(contentsOf: ",\n".utf8)
    member(6, "symbols")
    if symbols.isEmpty {
        out.append(contentsOf: "[]\n".utf8)
    } else {
        out.append(contentsOf: "[\n".utf8)
        for (i, s) in symbols.enumerated() {
            pad(8); out.append(contentsOf: "{\n".utf8)
            member(10, "container")
            if let container = s.container { writeString(container, into: &out) } else { out.append(contentsOf: "null".utf8) }
            out.append(contentsOf: ",\n".utf8)
            member(10, "kind"); writeString(s.kind.rawValue, into: &out); out.append(contentsOf: ",\n".utf8)
            member(10, "line"); out.append(contentsOf: String(s.line).utf8); out.append(contentsOf: ",\n".utf8)
            member(10, "name"); writeString(s.name, into: &out); out.append(UInt8(ascii: "\n"))
            pad(8); out.append(UInt8(ascii: "}"))
            out.append(contentsOf: (i == symbols.count - 1 ? "\n" : ",\n").utf8)
        }
        pad(6); out.append(contentsOf: "]\n".utf8)
    }
    pad(4); out.append(UInt8(ascii: "}"))
}

/// The first error any of several threads records.
private final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    func record(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    func rethrow() throws { lock.lock(); defer { lock.unlock() }; if let error { throw error } }
}
