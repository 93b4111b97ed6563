import ArgumentParser
import Base
import Foundation

/// The root command. Each subcommand lives in its own file and is registered here.
public struct Quorum: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "quorum",
        abstract: "A local, private code assistant that speaks the Language Server Protocol.",
        version: quorumVersion,
        subcommands: [LSPCommand.self, CompleteCommand.self, IndexCommand.self, GraphCommand.self, GrammarsCommand.self,
                      ModelCommand.self, GenerateCommand.self, TokenizeCommand.self, LogitsCommand.self, BenchCommand.self]
    )

    public init() {}

    /// Parses the command line and runs the command. Wrong usage prints help and exits with status 2.
    public static func entry() async -> Never {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n\n" + helpMessage() + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
