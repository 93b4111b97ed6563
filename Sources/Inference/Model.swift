import Base
import Foundation
import GGUF
import Kernels

/// One architecture's forward pass over a batch of consecutive tokens.
protocol Architecture: AnyObject {
    var hyper: Hyperparameters { get }
    /// Runs `tokens` (at most `maxBatch`) at positions start ..< start + n, where start == cache.count,
    /// writing their keys and values into the cache; the final hidden states stay in the scratch.
    func forward(_ tokens: ArraySlice<TokenID>, start: Int, cache: KVCache)
    /// The next-token logits [vocabulary] after row `row` of the last batch.
    func logits(row: Int, into out: UnsafeMutablePointer<Float>)
}

/// Tokens per forward batch during prefill: large enough to amortise dequantizing each weight matrix to f32
/// for BLAS (see Matrix.applyGEMM) and, for MoE, to give each expert enough of the batch's tokens (512 × 8 of
/// 64 experts ≈ 64 each; with 128 about half the experts fell below the GEMM threshold), small enough that
/// the activations stay in tens of megabytes. llama.cpp's default batch is the same.
let maxBatch = 512

/// `general.architecture` → constructor. Adding an architecture is one entry here plus its file.
enum ModelRegistry {
    typealias Constructor = (WeightsFile, Int, Workers?) throws -> Architecture

    static let table: [(name: String, make: Constructor)] = [
        ("qwen3moe", { try Qwen3MoE($0, vocabulary: $1, pool: $2) }),
        ("qwen3", { try Qwen3($0, vocabulary: $1, pool: $2) }),
        ("qwen2", { try Qwen2.make($0, vocabulary: $1, pool: $2) }),
        ("gemma3", { try Gemma3($0, vocabulary: $1, pool: $2) }),
    ]

    static var supportedArchitectures: [String] { table.map(\.name) }
}

/// A loaded language model: weights mapped in place, its tokenizer, and a forward pass.
///
/// One evaluation runs at a time per model (the activations are preallocated and shared); calls from
/// several threads are serialised. Give each sequence its own `KVCache`.
///
/// Typical use, e.g. for a completion at a cursor:
///
///     let model = try Model(contentsOf: url, threads: 2)
///     let cache = model.makeCache(capacity: 4096)          // keep one per document and reuse it
///     let prompt = model.fillInTheMiddlePrompt(prefix: before, suffix: after)
///     let result = try model.generate(prompt: prompt, cache: cache, maxTokens: 64,
///                                     sampler: .greedy, stop: ["\n\n"]) { piece in send(piece); return !cancelled }
///
/// `generate` only evaluates what the cache does not already hold; `cache.snapshot(upTo:)` and
/// `restore(_:)` move prefixes in and out (for a prompt cache), `evaluate` gives raw logits.
public final class Model: @unchecked Sendable {
    public let tokenizer: Tokenizer
    /// `general.architecture`, e.g. "qwen3moe".
    public let architecture: String
    /// The training context: the most positions a cache can hold.
    public let contextLength: Int
    public let vocabularySize: Int
    private let file: GGUFFile
    private let network: Architecture
    private let pool: Workers?
    private let lock = NSLock()
    /// The decoding step's token and logits row, kept so that a step does not allocate them (guarded by `lock`).
    private var single: [TokenID] = [0]
    private let row: Buffer

    /// Maps the GGUF file at `url` and builds its tokenizer and forward pass.
    /// - Parameter threads: cores the matrix products may use (the caller's thread included).
    public init(contentsOf url: URL, threads: Int = 2) throws {
        Model.sayKernels
        file = try GGUFFile(url: url)
        let weights = try WeightsFile(file)
        architecture = weights.architecture
        guard let make = ModelRegistry.table.first(where: { $0.name == weights.architecture })?.make else {
            throw ModelError.unsupportedArchitecture(weights.architecture)
        }
        tokenizer = try Tokenizer(weights.vocabulary())
        pool = Workers(threads: max(1, threads))
        network = try make(weights, tokenizer.count, pool)
        contextLength = network.hyper.context
        vocabularySize = tokenizer.count
        row = Buffer(tokenizer.count)
    }

    /// Which kernels the engine runs, said once per process with the first model: a warning when a CPU without
    /// AVX2+FMA+F16C or NEON falls back to the portable kernels.
    private static let sayKernels: Void = {
        let log = QuorumLog.logger("engine")
        if KernelImplementation.simd == nil { log.warning("\(KernelImplementation.selectionSummary)") }
        else { log.info("\(KernelImplementation.selectionSummary)") }
    }()

    /// A cache for one sequence of at most `capacity` positions, never more than the model's context.
    ///
    /// Keys and values are stored as f16 by default (as llama.cpp does; logits move by a few hundredths
    /// against f32), `.f32` on request (the parity tests, whose goldens used an f32 cache).
    /// The default is 4096 positions, not the full context: an f16 cache costs
    /// 2 · layers · kvHeads · headDim · 2 bytes per position (Qwen3-Coder-30B: 96 KB), so a 262k context
    /// would take 25 GB. Ask for what the prompt and completion need; the memory is reserved, not touched.
    public func makeCache(capacity: Int? = nil, type: KVElementType = .f16) -> KVCache {
        let h = network.hyper
        return KVCache(layers: h.layers, width: h.kvHeads * h.headDim,
                       capacity: min(capacity ?? Self.defaultCacheCapacity, contextLength), type: type)
    }

    public static let defaultCacheCapacity = 4096

    /// Bytes one cached position takes (keys and values of every layer) in a cache of `type`.
    public func cacheBytesPerPosition(type: KVElementType = .f16) -> Int {
        2 * network.hyper.layers * network.hyper.kvHeads * network.hyper.headDim * type.byteWidth
    }

    /// Which positions' logits `evaluate` returns.
    public enum Logits { case none, last, all }

    /// Runs `tokens` after what `cache` already holds and returns the logits asked for ([vocabulary] each).
    /// Throws when the tokens would not fit in the cache or are not in the vocabulary.
    public func evaluate(_ tokens: [TokenID], cache: KVCache, logits: Logits = .last) throws -> [[Float]] {
        guard cache.count + tokens.count <= cache.capacity else {
            throw ModelError.contextOverflow(requested: cache.count + tokens.count, limit: cache.capacity)
        }
        for t in tokens where t < 0 || Int(t) >= vocabularySize {
            throw ModelError.invalidToken(t, vocabularySize: vocabularySize)
        }
        lock.lock(); defer { lock.unlock() }
        var out: [[Float]] = []
        var begin = 0
        while begin < tokens.count {
            let end = min(begin + maxBatch, tokens.count)
            network.forward(tokens[begin..<end], start: cache.count, cache: cache)
            for t in tokens[begin..<end] { cache.commit(t) }
            for i in begin..<end where logits == .all || (logits == .last && i == tokens.count - 1) {
                network.logits(row: i - begin, into: row.pointer)
                out.append(row.array)   // prefill returns fresh arrays; decoding uses evaluate(token:cache:into:)
            }
            begin = end
        }
        return out
    }

    /// The decoding step: runs one token after what `cache` holds and writes its logits into `logits`
    /// (sized to the vocabulary on first use). The forward pass works in scratch made with the model and the
    /// logits land in the caller's array; what still allocates is the thread pool's closure box per parallel
    /// loop (see ThreadPool).
    public func evaluate(token: TokenID, cache: KVCache, into logits: inout [Float]) throws {
        guard cache.count + 1 <= cache.capacity else {
            throw ModelError.contextOverflow(requested: cache.count + 1, limit: cache.capacity)
        }
        guard token >= 0, Int(token) < vocabularySize else { throw ModelError.invalidToken(token, vocabularySize: vocabularySize) }
        if logits.count != vocabularySize { logits = [Float](repeating: 0, count: vocabularySize) }
        lock.lock(); defer { lock.unlock() }
        single[0] = token
        network.forward(single[...], start: cache.count, cache: cache)
        cache.commit(token)
        logits.withUnsafeMutableBufferPointer { network.logits(row: 0, into: $0.baseAddress!) }
    }
}
