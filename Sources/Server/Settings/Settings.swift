import Base
import Foundation
import LanguageServerProtocol

/// Quorum's settings: one schema for `initializationOptions`, `workspace/didChangeConfiguration` and the
/// `quorum` section of `workspace/configuration`. Documented for users in docs/settings.md.
///
/// ```json
/// {"model": {"path": "/m/q.gguf", "contextSize": 4096, "threads": 0},
///  "cacheDir": "~/.cache/quorum", "languages": {"python": true}, "exclude": ["**/node_modules/**"]}
/// ```
public struct Settings: Codable, Equatable, Sendable {
    /// The local model.
    public struct Model: Codable, Equatable, Sendable {
        /// A GGUF file; `nil` means no model (features that need one are off).
        public var path: String?
        /// Tokens of context, 1…1048576.
        public var contextSize: Int
        /// Worker threads; 0 means one per core.
        public var threads: Int

        public init(path: String? = nil, contextSize: Int = 4096, threads: Int = 0) {
            self.path = path
            self.contextSize = contextSize
            self.threads = threads
        }
    }

    public var model: Model
    /// Where indexes and prompt caches go.
    public var cacheDir: String
    /// Per-language switches by language name; a language not listed is enabled.
    public var languages: [String: Bool]
    /// Glob patterns, relative to each workspace root, of files never indexed.
    public var exclude: [String]

    public init(model: Model = Model(), cacheDir: String = QuorumPaths.cacheRoot.path,
                languages: [String: Bool] = [:], exclude: [String] = []) {
        self.model = model
        self.cacheDir = cacheDir
        self.languages = languages
        self.exclude = exclude
    }

    /// Every setting at its default.
    public static var defaults: Settings { Settings() }

    /// Whether features for `language` are on.
    public func isEnabled(language: String) -> Bool { languages[language] ?? true }

    /// `model.threads` with 0 resolved to the number of cores.
    public var effectiveThreads: Int {
        model.threads > 0 ? model.threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// A setting that was ignored, and why.
public struct SettingsProblem: Hashable, Sendable, CustomStringConvertible {
    /// Dotted path of the setting, e.g. `model.contextSize`.
    public var setting: String
    public var reason: String

    public var description: String { "setting `\(setting)` \(reason); it is ignored" }
}
