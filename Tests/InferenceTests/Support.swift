import Foundation
import Inference
import XCTest

/// Where the committed test models and goldens live, and the models installed by `make models`.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let models = root.appendingPathComponent("Models")
    static let goldens = root.appendingPathComponent("Goldens")

    static func tinyModel(_ name: String) -> URL { models.appendingPathComponent("tiny-\(name).gguf") }

    /// Gemma 3 270M as `make models` installs it, or nil (tests then skip with a message saying so).
    static var gemma: URL? {
        let env = ProcessInfo.processInfo.environment
        var dirs: [URL] = []
        if let d = env["QUORUM_MODEL_DIR"], !d.isEmpty { dirs.append(URL(fileURLWithPath: d)) }
        if let d = env["QUORUM_CACHE_DIR"], !d.isEmpty { dirs.append(URL(fileURLWithPath: d).appendingPathComponent("models")) }
        dirs.append(FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/quorum/models"))
        return dirs.map { $0.appendingPathComponent("gemma3-270m-q4_k_m.gguf") }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    static func requireGemma() throws -> URL {
        guard let url = gemma else {
            throw XCTSkip("Gemma 3 270M is not installed: run `make models` (looked in $QUORUM_MODEL_DIR, $QUORUM_CACHE_DIR/models, ~/.cache/quorum/models)")
        }
        return url
    }

    static func golden<T: Decodable>(_ name: String, as: T.Type = T.self) throws -> T {
        let data = try Data(contentsOf: goldens.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Models are loaded once per test process: loading Gemma's tokenizer takes a moment.
    private static var loaded: [URL: Model] = [:]
    private static let lock = NSLock()
    static func model(_ url: URL) throws -> Model {
        lock.lock(); defer { lock.unlock() }
        if let m = loaded[url] { return m }
        let m = try Model(contentsOf: url, threads: 2)
        loaded[url] = m
        return m
    }
}

/// `Goldens/*.tokens.json`, written by scripts/make_goldens.py from llama.cpp.
struct TokenGolden: Decodable {
    struct Case: Decodable {
        let text: String
        let ids: [TokenID]
        /// Present when parsing special tokens changes the result.
        let special_ids: [TokenID]?
    }
    let model: String
    let cases: [Case]
}

/// `Goldens/*.logits.json`: per prompt, llama.cpp's tokens, greedy continuation and top-k logits at every
/// position of the teacher-forced sequence (prompt + continuation).
struct LogitsGolden: Decodable {
    struct Position: Decodable {
        /// [[id, logit]] best first.
        let top: [[Double]]
        let margin: Double
        var best: TokenID { TokenID(top[0][0]) }
    }
    struct Prompt: Decodable {
        let text: String
        let tokens: [TokenID]
        let greedy: [TokenID]
        let positions: [Position]
    }
    let model: String
    let prompts: [Prompt]
}
