import Foundation

/// Where Quorum keeps what it downloads and computes, outside any repository.
///
/// Every folder can be overridden by an environment variable so tests and CI can use throw-away folders.
public enum QuorumPaths {
    /// `$QUORUM_CACHE_DIR`, else `$XDG_CACHE_HOME/quorum`, else `~/.cache/quorum`.
    public static var cacheRoot: URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["QUORUM_CACHE_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir, isDirectory: true) }
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("quorum", isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/quorum", isDirectory: true)
    }

    /// Compiled grammar libraries (`<lang>/parser.so`): `$QUORUM_GRAMMAR_DIR`, else `<cacheRoot>/grammars`.
    public static var grammarLibraries: URL {
        if let dir = ProcessInfo.processInfo.environment["QUORUM_GRAMMAR_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        return cacheRoot.appendingPathComponent("grammars", isDirectory: true)
    }

    /// Models installed by `make models`: `$QUORUM_MODEL_DIR`, else `<cacheRoot>/models`.
    public static var models: URL {
        if let dir = ProcessInfo.processInfo.environment["QUORUM_MODEL_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        return cacheRoot.appendingPathComponent("models", isDirectory: true)
    }

    /// The folder holding `grammars/<lang>/grammar.json` and our `.scm` queries.
    ///
    /// `$QUORUM_QUERIES_DIR` wins; otherwise the repository's `grammars/` found by walking up from the
    /// executable (a development build), otherwise the copy `make grammars` leaves in the cache.
    public static var grammarDefinitions: URL {
        if let dir = ProcessInfo.processInfo.environment["QUORUM_QUERIES_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("grammars", isDirectory: true)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("python/grammar.json").path) {
                return candidate
            }
            dir.deleteLastPathComponent()
        }
        return grammarLibraries
    }
}
