import Base
import Foundation
import Inference
import Logging
import PromptCache

/// The in-process engine as a completion backend: one model, one live KV cache, and the prompt cache.
///
/// Reuse happens at two levels. The live cache keeps the previous prompt, so the next keystroke only
/// evaluates from the first changed token on. The prompt cache keeps whole blocks of keys and values
/// by prefix, in memory and in LMDB, so a prompt seen before (another file, a restarted daemon, a second
/// editor) is loaded instead of computed.
public final class LocalBackend: CompletionBackend, @unchecked Sendable {
    public let model: Model
    public let template: PromptTemplate
    public let label: String
    public var contextLimit: Int? { cache.capacity }
    private let cache: KVCache
    private let promptCache: PromptCache?
    private let layout: KVLayout
    /// Serialises requests: the model and the live cache serve one sequence at a time.
    private let lock = NSLock()
    /// Token bytes by id, for constrained decoding during token healing; built on first use.
    private var tokenBytes: [[UInt8]] = []
    /// Prompt tokens are evaluated in chunks of this size so a cancellation is noticed during a long prefill.
    let prefillChunk = 128
    private let log = QuorumLog.logger("completion.local")

    /// - Parameters:
    ///   - contextSize: positions of the live cache (the model's context at most).
    ///   - store: where prompt-cache blocks persist; nil keeps them in memory only.
    ///   - cacheType: how the live cache stores keys and values; prompt-cache blocks use the same type
    ///     (f16 rows are half the bytes in memory and in LMDB). The type is part of the blocks' chain hash,
    ///     so blocks of the other type are never loaded.
    public init(model: Model, modelURL: URL, contextSize: Int, store: PromptCacheStore?,
                memoryBudgetBytes: Int = 512 << 20, cacheType: KVElementType = .f16) throws {
        self.model = model
        cache = model.makeCache(capacity: contextSize, type: cacheType)
        layout = KVLayout(layers: cache.layers, rowWidth: cache.width, dtype: LocalBackend.dtype(of: cacheType))
        template = PromptTemplate.from { model.tokenizer.id(of: $0) != nil }
        label = "\(model.architecture) from \(modelURL.lastPathComponent)"
        let fingerprint = try LocalBackend.fingerprint(of: modelURL, architecture: model.architecture)
        promptCache = try PromptCache(configuration: PromptCacheConfiguration(
            modelFingerprint: fingerprint, layout: layout, blockSize: 64, memoryBudgetBytes: memoryBudgetBytes),
            store: store)
    }

    /// The prompt cache's name for a KV element type.
    static func dtype(of type: KVElementType) -> KVDType {
        switch type {
        case .f16: return .f16
        case .f32: return .f32
        }
    }

    /// The layout of the prompt-cache blocks this backend reads and writes.
    var blockLayout: KVLayout { layout }

    /// A content fingerprint of the model file: its size, and hashes of its first and last MiB (the
    /// metadata, the tensor table and some weights). Two paths to the same file share cached prefixes;
    /// a changed file does not.
    static func fingerprint(of url: URL, architecture: String) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        let head = try handle.read(upToCount: 1 << 20) ?? Data()
        try handle.seek(toOffset: size > (1 << 20) ? size - (1 << 20) : 0)
        let tail = try handle.read(upToCount: 1 << 20) ?? Data()
        // The "f32" is historical and kept so stored blocks stay valid: the element type is not part of the
        // fingerprint, the prompt cache hashes the layout (and with it the dtype) into every chain hash.
        var bytes = Array("quorum-kv-f32|\(architecture)|\(size)|".utf8)
        bytes += FNV1a128.hash(head).bigEndianBytes
        bytes += FNV1a128.hash(tail).bigEndianBytes
        return bytes
    }

    /// The token ids the engine evaluates for a prompt text (special tokens parsed, BOS as the model wants).
    public func promptTokens(_ text: String) -> [Int32] {
        model.tokenizer.encode(text, addSpecial: true, parseSpecial: true)
    }

    /// Token counts of texts seen recently. The prompt builder counts every context piece at every keystroke,
    /// and the pieces (other files, definitions) rarely change between keystrokes: counting them once saves
    /// re-running BPE over kilobytes per keystroke.
    private var tokenCounts: [String: Int] = [:]
    private let countLock = NSLock()

    public func countTokens(_ text: String) -> Int {
        if let known = countLock.withLock({ tokenCounts[text] }) { return known }
        let count = model.tokenizer.encode(text, addSpecial: false, parseSpecial: true).count
        countLock.withLock {
            // A bound, not an LRU: when full, start over; the next keystroke refills what is still in use.
            if tokenCounts.count >= 512 { tokenCounts.removeAll(keepingCapacity: true) }
            tokenCounts[text] = count
        }
        return count
    }

    /// Runs requests one at a time on this queue, off Swift's cooperative pool: a request waiting for the
    /// model (or computing) must not hold one of the pool's few threads (one per core), or two completions
    /// in flight would leave none for any other request until the first finished.
    private let queue = DispatchQueue(label: "quorum.completion.local", qos: .userInitiated)

    public func complete(_ request: BackendRequest,
                         isCancelled: @escaping @Sendable () -> Bool) async throws -> BackendCompletion {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [self] in
                continuation.resume(with: Result { try lock.withLock { try run(request, isCancelled: isCancelled) } })
            }
        }
    }

    private func run(_ request: BackendRequest, isCancelled: () -> Bool) throws -> BackendCompletion {
        let tokenizer = model.tokenizer
        let prompt = tokenizer.encode(request.prompt.text, addSpecial: true, parseSpecial: true)
        guard !prompt.isEmpty else { return BackendCompletion(text: "", stopReason: "empty prompt") }
        var result = BackendCompletion(text: "", promptTokens: prompt.count, healedText: request.heal)
        let limit = cache.capacity - request.maxTokens - 1
        guard prompt.count <= limit else {
            throw CompletionError.promptTooLong(tokens: prompt.count, limit: max(0, limit))
        }
        let clock = ContinuousClock()
        let prefillStart = clock.now

        // 1. Reuse: the live cache first, then whole blocks from the prompt cache.
        let live = cache.commonPrefix(with: prompt)
        var reused = live
        let match = promptCache?.lookup(prompt)
        if let match, let pc = promptCache, match.matchedTokens > live {
            let block = pc.blockSize
            let keepBlocks = live / block
            cache.truncate(to: keepBlocks * block)
            for (i, b) in match.blocks.enumerated().dropFirst(keepBlocks) {
                try cache.appendRows(tokens: b.tokens) { layer, k, v in
                    b.withRows(layer: layer) { keys, values in
                        k.copyMemory(from: keys)
                        v.copyMemory(from: values)
                    }
                }
                if i < match.blocksFromMemory { result.tokensReusedMemory += block } else { result.tokensReusedDisk += block }
            }
            result.tokensReusedMemory += keepBlocks * block
            reused = match.matchedTokens
        } else {
            result.tokensReusedMemory = live
        }
        // The last prompt token is always evaluated: its logits start the generation.
        reused = min(reused, prompt.count - 1)
        if result.tokensReusedMemory + result.tokensReusedDisk > reused {
            let over = result.tokensReusedMemory + result.tokensReusedDisk - reused
            if result.tokensReusedDisk >= over { result.tokensReusedDisk -= over } else {
                result.tokensReusedMemory -= over - result.tokensReusedDisk
                result.tokensReusedDisk = 0
            }
        }
        cache.truncate(to: reused)

        // 2. Prefill the rest in chunks, checking for cancellation between them.
        var logits: [Float] = []
        var position = reused
        while position < prompt.count {
            if isCancelled() { return cancelled(result) }
            let end = min(prompt.count, position + prefillChunk)
            logits = try model.evaluate(Array(prompt[position..<end]), cache: cache, logits: .last)[0]
            position = end
        }
        result.tokensComputed = prompt.count - reused
        promptCache?.reportComputed(tokens: result.tokensComputed)
        result.prefillMs = (clock.now - prefillStart).milliseconds

        // 3. Keep the new whole blocks for later prompts (written to LMDB behind our back).
        if let pc = promptCache, let match {
            let fresh = pc.newBlockRange(promptTokens: prompt.count, matchedTokens: match.matchedTokens)
            if !fresh.isEmpty {
                let block = pc.blockSize
                let blocks = fresh.map { i -> KVBlock in
                    let range = (i * block)..<((i + 1) * block)
                    return KVBlock(tokens: Array(prompt[range]), layout: layout) { layer, k, v in
                        cache.copyRows(layer: layer, range: range, keys: k, values: v)
                    }
                }
                do { try pc.insert(prompt, blocks: match.blocks + blocks) } catch {
                    log.warning("prompt cache insert failed: \(error)")
                }
            }
        }

        // 4. Decode, constrained while the healed text is still owed.
        let decodeStart = clock.now
        var owed = ArraySlice(Array(request.heal.utf8))
        if !owed.isEmpty && tokenBytes.isEmpty {
            tokenBytes = (0..<tokenizer.count).map { tokenizer.bytes(of: TokenID($0)) }
        }
        var sampler = Sampler(SamplerSettings(temperature: request.temperature))
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var text = ""
        var generated: [TokenID] = []
        result.stopReason = "length"
        while generated.count < request.maxTokens {
            if isCancelled() { result.text = text; return cancelled(result) }
            var next: TokenID
            if !owed.isEmpty {
                var masked = logits
                for id in 0..<masked.count where !TokenHealing.allows(tokenBytes[id], remaining: owed) {
                    masked[id] = -.infinity
                }
                next = TokenID(Sampler.argmax(masked))
                let bytes = tokenBytes[Int(next)]
                owed = bytes.count >= owed.count ? [] : owed.dropFirst(bytes.count)
            } else {
                next = sampler.sample(logits, history: generated)
            }
            if tokenizer.endOfGeneration.contains(next) { result.stopReason = "end"; break }
            generated.append(next)
            text += decoder.append(next)
            if let stop = request.stop.first(where: { !$0.isEmpty && text.dropFirst(request.heal.count).contains($0) }) {
                if let r = text.range(of: stop, range: text.index(text.startIndex, offsetBy: min(request.heal.count, text.count))..<text.endIndex) {
                    text = String(text[..<r.lowerBound])
                }
                result.stopReason = "stop"
                break
            }
            if cache.count >= cache.capacity { break }
            try model.evaluate(token: next, cache: cache, into: &logits)
        }
        text += decoder.flush()
        result.generatedTokens = generated.count
        result.decodeMs = (clock.now - decodeStart).milliseconds
        // The model regenerated the healed text; the editor already has it.
        result.text = text.hasPrefix(request.heal) ? String(text.dropFirst(request.heal.count)) : text
        return result
    }

    private func cancelled(_ partial: BackendCompletion) -> BackendCompletion {
        var r = partial
        r.stopReason = "cancelled"
        return r
    }

    /// The text of the last token `text` ends with, for token healing.
    public func lastTokenText(of text: String) -> String {
        // Tokenizing the last line is enough: no token spans a newline boundary in our vocabularies.
        let tail = String(text.suffix(64))
        let ids = model.tokenizer.encode(tail, addSpecial: false, parseSpecial: false)
        guard let last = ids.last else { return "" }
        return String(decoding: model.tokenizer.bytes(of: last), as: UTF8.self)
    }
}

/// Errors of the completion layer that reach the user.
public enum CompletionError: Error, CustomStringConvertible, Equatable {
    case promptTooLong(tokens: Int, limit: Int)
    case noModel

    public var description: String {
        switch self {
        case let .promptTooLong(tokens, limit):
            return "the completion prompt has \(tokens) tokens but the context allows \(limit); raise model.contextSize"
        case .noModel:
            return "model completions are off: set model.path (a GGUF file) or engine.url in the settings"
        }
    }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) * 1e-15 }
}
