import ArgumentParser
import Base
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Workspace

/// Options shared by `quorum index` and `quorum graph`: which folder, which store, what to leave out.
struct IndexLocationOptions: ParsableArguments {
    @Argument(help: "The workspace folder.")
    var directory: String

    @Option(help: "Store folder (default: <cache>/index/<hash of the workspace path>).")
    var store: String?

    @Option(help: "Gitignore-style pattern to leave out (repeatable; replaces the default list when given).")
    var exclude: [String] = []

    @Option(help: "Skip files larger than this many bytes.")
    var maxFileSize: Int = 1 << 20

    @Option(help: "Parallel parsing workers (default: the number of cores).")
    var workers: Int?

    /// Opens the index and brings it up to date, with a progress bar on stderr when stderr is a terminal.
    /// The store is flushed to disk on another thread while the caller reads and prints; `flushed` waits for it.
    func openUpdated() throws -> (Index, IndexReport, flushed: () throws -> Void) {
        QuorumLog.bootstrap(level: .info)
        let logger = QuorumLog.logger("index")
        let path = (directory as NSString).expandingTildeInPath
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("\(directory) is not a folder; pass the workspace folder to index")
        }
        var scan = ScanOptions(maxFileSize: maxFileSize)
        if !exclude.isEmpty { scan.exclude = [".git/"] + exclude }
        let options = IndexOptions(scan: scan, workers: workers ?? ProcessInfo.processInfo.activeProcessorCount,
                                   log: { logger.info("\($0)") })
        let index = try Index(roots: [path], store: store.map { URL(fileURLWithPath: $0) }, options: options)
        let bar = isatty(2) != 0 ? ProgressBar() : nil
        let report = try index.update(sync: false) { done, total in bar?.show(done, total) }
        bar?.finish()
        let flush = BackgroundResult { try index.sync() }
        return (index, report, flush.wait)
    }
}

/// Runs `body` on another thread; `wait` returns (or rethrows) its outcome.
final class BackgroundResult: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var error: Error?

    init(_ body: @escaping () throws -> Void) {
        Thread.detachNewThread { [self] in
            do { try body() } catch { self.error = error }
            done.signal()
        }
    }

    func wait() throws {
        done.wait()
        done.signal()  // a second wait returns at once
        if let error { throw error }
    }
}

/// A one-line progress bar redrawn in place on stderr, at most 20 times a second.
final class ProgressBar {
    private var last = Date.distantPast

    func show(_ done: Int, _ total: Int) {
        guard done == total || Date().timeIntervalSince(last) > 0.05 else { return }
        last = Date()
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) files".utf8))
    }

    func finish() { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}

/// `quorum index <dir>`: index a workspace and print its files and symbols.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index a workspace (files, symbols, references, imports) and print what was found.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var location: IndexLocationOptions

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Flag(help: "Check the store's consistency after indexing; exit 1 when a problem is found.")
    var verify = false

    func run() throws {
        let (index, report, flushed) = try location.openUpdated()
        let files = try index.filesWithSymbols()
        switch format {
        case .json:
            printJSONArray(key: "files", count: files.count) { i in
                let (f, symbols) = files[i]
                return .object([("language", .string(f.language)), ("parseErrors", .int(f.parseErrors)),
                                ("path", .string(index.relativePath(f.path))),
                                ("symbols", .array(symbols.map { s in
                                    .object([("container", s.container.map(JSONValue.string) ?? .null), ("kind", .string(s.kind.rawValue)),
                                             ("line", .int(s.line)), ("name", .string(s.name))])
                                }))])
            }
        case .text:
            // One write at the end: print() per line costs more than the indexing of an unchanged tree.
            var out = ""
            for (f, symbols) in files {
                out += "\(index.relativePath(f.path)) (\(f.language)): \(symbols.count) symbols\n"
                for s in symbols {
                    let container = s.container.map { " in \($0)" } ?? ""
                    out += "  \(s.line): \(s.kind.rawValue) \(s.name)\(container)\n"
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
            print(String(format: "%d files: %d parsed, %d unchanged, %d removed, %d skipped in %.2f s",
                         report.total, report.parsed, report.unchanged, report.removedPaths.count,
                         report.skipped.count, report.seconds))
        }
        try flushed()
        if verify {
            let problems = try index.verify()
            for p in problems { FileHandle.standardError.write(Data("inconsistent: \(p)\n".utf8)) }
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }
}

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

/// Prints `{"<key>": [element(0), …, element(count - 1)]}` exactly as `printJSON` would, with the elements built
/// and rendered on every core: `quorum index --format json` of a large workspace is tens of milliseconds of
/// string building after the (parallel) indexing, which a single thread would add to its wall time.
func printJSONArray(key: String, count: Int, element: (Int) -> JSONValue) {
    var head: [UInt8] = Array("{\n  ".utf8)
    writeString(key, into: &head)
    guard count > 0 else {
        FileHandle.standardOutput.write(Data(head + Array(": []\n}\n".utf8)))
        return
    }
    head += Array(": [\n".utf8)
    let chunks = min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
    var pieces = [[UInt8]](repeating: [], count: chunks)
    pieces.withUnsafeMutableBufferPointer { pieces in
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var out: [UInt8] = []
            for i in (count * c / chunks)..<(count * (c + 1) / chunks) {
                out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 4))
                writeJSON(element(i), indent: 4, into: &out)
                out.append(contentsOf: (i == count - 1 ? "\n" : ",\n").utf8)
            }
            pieces[c] = out
        }
    }
    let handle = FileHandle.standardOutput
    handle.write(Data(head))
    for piece in pieces { handle.write(Data(piece)) }
    handle.write(Data("  ]\n}\n".utf8))
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

private func writeString(_ s: String, into out: inout [UInt8]) {
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
