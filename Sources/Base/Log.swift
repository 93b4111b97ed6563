import Foundation
import Logging

/// Logging set-up shared by every command: messages go to stderr and, when asked, to a log file.
/// Never to stdout: in `quorum lsp` stdout carries the protocol.
public enum QuorumLog {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var bootstrapped = false

    /// Installs the handler once per process. Later calls are ignored.
    public static func bootstrap(level: Logger.Level = .info, file: URL? = nil) {
        lock.lock(); defer { lock.unlock() }
        guard !bootstrapped else { return }
        bootstrapped = true
        let sink = LogSink(file: file)
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, sink: sink)
            handler.logLevel = level
            return handler
        }
    }

    public static func logger(_ label: String) -> Logger { Logger(label: "quorum.\(label)") }
}

/// Where formatted lines go: stderr always, plus an append-only file when configured.
final class LogSink: @unchecked Sendable {
    private let file: FileHandle?
    private let lock = NSLock()

    init(file url: URL?) {
        var handle: FileHandle?
        if let url {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                     withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: url.path) {
                FileManager.default.createFile(atPath: url.path, contents: nil)
            }
            handle = try? FileHandle(forWritingTo: url)
            handle?.seekToEndOfFile()
        }
        file = handle
    }

    func write(_ line: String) {
        let data = Data(line.utf8)
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(data)
        file?.write(data)
    }
}

/// One line per message: time, level, label, message, metadata.
struct LineLogHandler: LogHandler {
    let label: String
    let sink: LogSink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
             source: String, file: String, function: String, line: UInt) {
        var all = metadata
        if let explicit { all.merge(explicit) { $1 } }
        let meta = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: " ")
        let stamp = ISO8601DateFormatter().string(from: Date())
        sink.write("\(stamp) \(level) \(label): \(message)\(meta)\n")
    }
}
