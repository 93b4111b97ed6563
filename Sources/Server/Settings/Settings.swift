import Base
import Foundation
import LanguageServerProtocol

/// Quorum's settings: one schema for `initializationOptions`, `workspace/didChangeConfiguration` and the
/// `quorum` section of `workspace/configuration`. Documented for users in README.md, "Settings".
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

    /// An OpenAI-compatible completion server used instead of the in-process model (vLLM, SGLang, llama-server).
    public struct Engine: Codable, Equatable, Sendable {
        /// Base URL, e.g. `http://127.0.0.1:8000`; `nil` keeps the in-process engine.
        public var url: String?
        /// Model name sent in requests.
        public var model: String?
        /// Name of the environment variable holding the API key (the key itself never goes in settings).
        public var apiKeyEnv: String?
        /// Seconds one completion may take.
        public var timeout: Double
        /// Use llama-server's `/infill` endpoint.
        public var useInfill: Bool

        public init(url: String? = nil, model: String? = nil, apiKeyEnv: String? = nil, timeout: Double = 30,
                    useInfill: Bool = false) {
            self.url = url
            self.model = model
            self.apiKeyEnv = apiKeyEnv
            self.timeout = timeout
            self.useInfill = useInfill
        }
    }

    /// How completions are produced.
    public struct Completion: Codable, Equatable, Sendable {
        /// Most tokens generated per completion.
        public var maxTokens: Int
        /// Candidates generated per request; above 1 the ones that keep the file parsing are shown first.
        public var candidates: Int

        public init(maxTokens: Int = 64, candidates: Int = 1) {
            self.maxTokens = maxTokens
            self.candidates = candidates
        }
    }

    public var model: Model
    public var engine: Engine
    public var completion: Completion
    /// Where indexes and prompt caches go.
    public var cacheDir: String
    /// Per-language switches by language name; a language not listed is enabled.
    public var languages: [String: Bool]
    /// Glob patterns, relative to each workspace root, of files never indexed.
    public var exclude: [String]

    public init(model: Model = Model(), engine: Engine = Engine(), completion: Completion = Completion(),
                cacheDir: String = QuorumPaths.cacheRoot.path, languages: [String: Bool] = [:], exclude: [String] = []) {
        self.model = model
        self.engine = engine
        self.completion = completion
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
