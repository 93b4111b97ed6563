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
    /// `parsed` sees each parsed file on the worker that parsed it (`Index.update`).
    func openUpdated(parsed: ((Index, FileRecord, [SymbolRow]) -> Void)? = nil)
        throws -> (Index, IndexReport, flushed: () throws -> Void) {
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
        let report = try index.update(sync: false, parsed: parsed.map { see in { see(index, $0, $1) } }) { done, total in
            bar?.show(done, total)
        }
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
        // For JSON, each parsed file's element is rendered by the worker that parsed it, while the others parse.
        let rendered = format == .json ? RenderedFiles() : nil
        let (index, report, flushed) = try location.openUpdated(parsed: rendered.map { r in r.render })
        switch format {
        case .json:
            try printIndexJSON(index, rendered: rendered)
        case .text:
            let files = try index.filesWithSymbols()
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
