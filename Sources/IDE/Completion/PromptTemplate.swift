/// The special-token strings a prompt is written with, read from the model's vocabulary.
///
/// Qwen2.5/Qwen3-Coder style models have all of them and get a repository-level fill-in-the-middle prompt;
/// a model without FIM tokens (Gemma 3 base) gets a prefix-only prompt with a file-path header.
public struct PromptTemplate: Sendable, Equatable {
    public var fimPrefix: String?
    public var fimSuffix: String?
    public var fimMiddle: String?
    public var repoName: String?
    public var fileSeparator: String?

    public init(fimPrefix: String? = nil, fimSuffix: String? = nil, fimMiddle: String? = nil,
                repoName: String? = nil, fileSeparator: String? = nil) {
        self.fimPrefix = fimPrefix
        self.fimSuffix = fimSuffix
        self.fimMiddle = fimMiddle
        self.repoName = repoName
        self.fileSeparator = fileSeparator
    }

    /// The Qwen-Coder token names, for models whose vocabulary has them.
    public static let qwenCoder = PromptTemplate(fimPrefix: "<|fim_prefix|>", fimSuffix: "<|fim_suffix|>",
                                                 fimMiddle: "<|fim_middle|>", repoName: "<|repo_name|>",
                                                 fileSeparator: "<|file_sep|>")

    /// Chooses the template from the set of special tokens the vocabulary contains.
    public static func from(vocabularyContains has: (String) -> Bool) -> PromptTemplate {
        let q = qwenCoder
        func pick(_ s: String?) -> String? { s.flatMap { has($0) ? $0 : nil } }
        return PromptTemplate(fimPrefix: pick(q.fimPrefix), fimSuffix: pick(q.fimSuffix), fimMiddle: pick(q.fimMiddle),
                              repoName: pick(q.repoName), fileSeparator: pick(q.fileSeparator))
    }

    /// True when the model can fill in the middle.
    public var supportsFIM: Bool { fimPrefix != nil && fimSuffix != nil && fimMiddle != nil }
    /// True when the model knows repository-level context markers.
    public var supportsRepositoryContext: Bool { repoName != nil && fileSeparator != nil }
}
