import Foundation
import Inference
import PromptCache
import XCTest
@testable import IDE

/// The local backend's KV element type: f16 by default, the prompt cache's blocks in the same type, and
/// blocks of one type never loaded into a cache of the other.
final class LocalBackendKVTypeTests: XCTestCase {
    var folder: URL!
    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-kvtype-\(UUID())")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func backend(store: PromptCacheStore?, type: KVElementType? = nil) throws -> LocalBackend {
        let model = try Model(contentsOf: LocalBackendTests.modelURL, threads: 1)
        if let type {
            return try LocalBackend(model: model, modelURL: LocalBackendTests.modelURL, contextSize: 1024, store: store,
                                    cacheType: type)
        }
        return try LocalBackend(model: model, modelURL: LocalBackendTests.modelURL, contextSize: 1024, store: store)
    }

    func request(_ b: LocalBackend) -> BackendRequest {
        let context = [ContextPiece(path: "lib/util.py", text: String(repeating: "def helper(x):\n    return x * 2\n\n", count: 12),
                                    reason: .importedFile, rank: 1)]
        let prompt = PromptBuilder(template: b.template, budget: 900, repositoryName: "demo")
            .build(path: "main.py", prefix: "import util\n\ny = ", suffix: "\n", context: context, counter: b)
        return BackendRequest(prompt: prompt, maxTokens: 2)
    }

    func testBlocksAreF16ByDefault() throws {
        let f16 = try backend(store: nil)
        XCTAssertEqual(f16.blockLayout.dtype, .f16)
        let f32 = try backend(store: nil, type: .f32)
        XCTAssertEqual(f32.blockLayout.dtype, .f32)
        XCTAssertEqual(f16.blockLayout.payloadBytes(tokens: 64) * 2, f32.blockLayout.payloadBytes(tokens: 64))
    }

    /// One LMDB store, written by an f32 backend: an f16 backend finds nothing of it, then finds its own
    /// blocks after a restart.
    func testF32AndF16BlocksNeverMix() async throws {
        do {
            let store = try PromptCacheStore(path: folder)
            let b = try backend(store: store, type: .f32)
            _ = try await b.complete(request(b)) { false }
            store.flush()
        }
        do {
            let store = try PromptCacheStore(path: folder)
            let b = try backend(store: store)
            let r = try await b.complete(request(b)) { false }
            XCTAssertEqual(r.tokensReusedDisk, 0, "f32 blocks must not load into an f16 cache")
            XCTAssertEqual(r.tokensComputed, r.promptTokens)
            store.flush()
        }
        let store = try PromptCacheStore(path: folder)
        let b = try backend(store: store)
        let r = try await b.complete(request(b)) { false }
        XCTAssertGreaterThanOrEqual(r.tokensReusedDisk, 64, "the f16 blocks come back")
    }
}
