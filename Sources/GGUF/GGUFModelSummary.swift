import Base

/// What `quorum model info` shows about a model: its shape from the metadata and its parameter counts.
///
/// Architecture keys are read as `<general.architecture>.<key>`, the convention every llama.cpp architecture
/// follows, so this works for models the engine cannot run yet; absent keys stay nil.
public struct GGUFModelSummary: Sendable, Equatable {
    /// Tensors and parameters of one element type.
    public struct TypeCount: Sendable, Equatable {
        public let type: GGMLType
        public let tensors: Int
        public let parameters: Int
        public let bytes: Int
    }

    public let architecture: String?
    public let name: String?
    public let contextLength: Int?
    public let embeddingLength: Int?
    public let blockCount: Int?
    public let headCount: Int?
    public let headCountKV: Int?
    public let expertCount: Int?
    public let expertUsedCount: Int?
    public let tokenizerModel: String?
    /// Length of `tokenizer.ggml.tokens`, else `<arch>.vocab_size`.
    public let vocabSize: Int?
    /// One entry per element type, most parameters first.
    public let types: [TypeCount]
    /// Values in all tensors.
    public let totalParameters: Int
    /// Values one token touches: all of them for a dense model; for a mixture of experts, the non-expert
    /// tensors plus `expertUsedCount / expertCount` of the routed-expert tensors.
    public let activeParameters: Int
    public let tensorCount: Int
    public let fileSize: Int

    /// Routed-expert tensors are stored merged, one 3-D tensor per projection and layer, named `*_exps*`
    /// (`blk.N.ffn_gate_exps.weight`); shared experts (`*_shexp*`) and the router (`ffn_gate_inp`) run for
    /// every token and count as active.
    public static func isRoutedExpertTensor(_ name: String) -> Bool { name.contains("_exps") }

    public init(_ file: GGUFFile) {
        let meta = file.metadata
        let arch = file.architecture
        func archInt(_ key: String) -> Int? { arch.flatMap { meta.int("\($0).\(key)") } }

        architecture = arch
        name = meta.string("general.name")
        contextLength = archInt("context_length")
        embeddingLength = archInt("embedding_length")
        blockCount = archInt("block_count")
        headCount = archInt("attention.head_count")
        headCountKV = archInt("attention.head_count_kv")
        expertCount = archInt("expert_count")
        expertUsedCount = archInt("expert_used_count")
        tokenizerModel = meta.string("tokenizer.ggml.model")
        vocabSize = meta.array("tokenizer.ggml.tokens")?.values.count ?? archInt("vocab_size")
        tensorCount = file.tensors.count
        fileSize = file.fileSize

        var byType: [GGMLType: (tensors: Int, parameters: Int, bytes: Int)] = [:]
        var total = 0, expert = 0
        for tensor in file.tensors {
            let count = tensor.elementCount
            // Sums saturate rather than trap: counts come from the file, and a display must not crash.
            total = total.addingSaturating(count)
            if Self.isRoutedExpertTensor(tensor.name) { expert = expert.addingSaturating(count) }
            let old = byType[tensor.type] ?? (0, 0, 0)
            byType[tensor.type] = (old.tensors + 1, old.parameters.addingSaturating(count),
                                   old.bytes.addingSaturating(tensor.byteCount))
        }
        types = byType.map { TypeCount(type: $0.key, tensors: $0.value.tensors, parameters: $0.value.parameters,
                                       bytes: $0.value.bytes) }
            .sorted { ($0.parameters, $1.type.rawValue) > ($1.parameters, $0.type.rawValue) }
        totalParameters = total
        if let experts = expertCount, let used = expertUsedCount, experts > 0, used >= 0, used <= experts {
            // Merged expert tensors have the expert count as a dimension, so the division is exact.
            let activeExpert = expert % experts == 0 ? expert / experts * used
                : Int((Double(expert) * Double(used) / Double(experts)).rounded())
            activeParameters = (total - expert).addingSaturating(activeExpert)
        } else {
            activeParameters = total
        }
    }
}

extension Int {
    func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
