import ArgumentParser
import Base
import Foundation
import JSONRPC
import Logging
import Server

/// `quorum lsp`: the language server over stdin/stdout. Editors start it; stdout carries only the protocol.
struct LSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Run the language server on stdin/stdout (started by an editor).")

    @Option(help: "Append the server log here as well as to stderr (default: <cache>/logs/lsp.log).")
    var logFile: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Largest message body accepted, in bytes; larger ones are refused and skipped.")
    var maxMessageBytes: Int = 64 << 20

    func run() throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("unknown log level \(logLevel.debugDescription); use trace, debug, info, notice, warning, error or critical")
        }
        let file = logFile.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
            ?? QuorumPaths.cacheRoot.appendingPathComponent("logs/lsp.log")
        QuorumLog.bootstrap(level: level, file: file)
        let logger = QuorumLog.logger("lsp")
        logger.info("quorum \(quorumVersion) lsp starting, pid \(getpid()), log \(file.path)")

        let debugRequests = ProcessInfo.processInfo.environment["QUORUM_DEBUG_REQUESTS"] == "1"
        let server = LanguageServer(options: .init(debugRequests: debugRequests))
        TerminationSignals.install {
            logger.info("terminated by signal; exiting")
            Foundation.exit(0)
        }
        let connection = Connection(input: STDIN_FILENO, output: STDOUT_FILENO, maxContentLength: maxMessageBytes)
        let code = server.run(on: connection)
        Foundation.exit(code)
    }
}
