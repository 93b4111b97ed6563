import Foundation
import Inference
import PromptCache
import RemoteEngine

/// What decides which backend serves completions; equal configurations mean "keep the loaded one".
public struct BackendConfiguration: Equatable, Sendable {
    public var modelPath: String?
    public var contextSize: Int
    public var threads: Int
    /// Prompt-cache blocks persist under `<cacheDir>/kv`.
    public var cacheDir: String
    public var engineURL: String?
    public var engineModel: String?
    public var engineAPIKeyEnv: String?
    public var engineTimeout: Double
    public var engineUseInfill: Bool

    public init(modelPath: String?, contextSize: Int, threads: Int, cacheDir: String, engineURL: String? = nil,
                engineModel: String? = nil, engineAPIKeyEnv: String? = nil, engineTimeout: Double = 30,
                engineUseInfill: Bool = false) {
        self.modelPath = modelPath
        self.contextSize = contextSize
        self.threads = threads
        self.cacheDir = cacheDir
        self.engineURL = engineURL
        self.engineModel = engineModel
        self.engineAPIKeyEnv = engineAPIKeyEnv
        self.engineTimeout = engineTimeout
        self.engineUseInfill = engineUseInfill
    }

    /// True when neither a model nor a server is configured: completions are symbol-only.
    public var isEmpty: Bool { modelPath == nil && engineURL == nil }
}

/// Builds the backend a configuration asks for. Loading a model maps its file and builds its tokenizer:
/// run it off the LSP loop.
public enum BackendFactory {
    public static func make(_ c: BackendConfiguration) throws -> CompletionBackend? {
        if let url = c.engineURL.flatMap(URL.init(string:)) {
            let client = RemoteCompletionClient(config: RemoteEngineConfig(
                url: url, model: c.engineModel, apiKeyEnv: c.engineAPIKeyEnv, connectTimeout: min(5, c.engineTimeout),
                requestTimeout: c.engineTimeout, useInfill: c.engineUseInfill))
            // With a local copy of the served model, prompts use its exact special tokens and token counts.
            if let path = c.modelPath {
                let model = try Model(contentsOf: URL(fileURLWithPath: path), threads: 1)
                let local = try LocalBackend(model: model, modelURL: URL(fileURLWithPath: path), contextSize: 256, store: nil,
                                             memoryBudgetBytes: 0)
                return RemoteBackend(client: client, template: local.template, counter: local)
            }
            return RemoteBackend(client: client)
        }
        guard let path = c.modelPath else { return nil }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else { throw BackendError.modelMissing(path) }
        let model = try Model(contentsOf: url, threads: c.threads)
        let store = try PromptCacheStore(path: URL(fileURLWithPath: c.cacheDir).appendingPathComponent("kv"))
        return try LocalBackend(model: model, modelURL: url, contextSize: min(c.contextSize, model.contextLength),
                                store: store)
    }
}

public enum BackendError: Error, CustomStringConvertible {
    case modelMissing(String)

    public var description: String {
        switch self {
        case .modelMissing(let path): return "the model file \(path) does not exist; fix model.path (run `make models` for the default model)"
        }
    }
}
