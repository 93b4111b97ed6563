import Base
import Foundation
import GGUF
import Kernels

/// Why a model could not be loaded or run. Each case names the thing and what to do about it.
public enum ModelError: Error, CustomStringConvertible {
    case unsupportedArchitecture(String)
    case missingMetadata(String)
    case missingTensor(String)
    case badShape(tensor: String, expected: [Int], found: [Int])
    case unsupportedTensorType(tensor: String, type: String)
    case contextOverflow(requested: Int, limit: Int)
    case invalidToken(TokenID, vocabularySize: Int)

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let name):
            return "architecture '\(name)' is not supported; supported: "
                + ModelRegistry.supportedArchitectures.joined(separator: ", ")
        case .missingMetadata(let key):
            return "the model file lacks metadata '\(key)'; re-convert it with llama.cpp's convert_hf_to_gguf.py"
        case .missingTensor(let name):
            return "the model file lacks tensor '\(name)'; it is incomplete or of another architecture"
        case .badShape(let name, let expected, let found):
            return "tensor '\(name)' has shape \(found), expected \(expected) from the metadata"
        case .unsupportedTensorType(let name, let type):
            return "tensor '\(name)' is \(type), which the kernels cannot compute; supported: "
                + Kernels.supportedTypes.map(\.name).joined(separator: ", ") + " (re-quantize the model)"
        case .contextOverflow(let requested, let limit):
            return "\(requested) tokens exceed the context of \(limit); shorten the prompt or raise the context size"
        case .invalidToken(let id, let n):
            return "token id \(id) is outside the vocabulary of \(n) tokens"
        }
    }
}

/// A weight matrix in place in the mapped file: `rows` output features of `cols` values each, in `type`.
/// GGUF dims are `[cols, rows]`; a 3-D expert tensor `[cols, rows, experts]` is `experts` such matrices.
struct Matrix: @unchecked Sendable {
    let name: String
    let type: GGMLType
    let rows: Int
    let cols: Int
    let data: UnsafeRawPointer
    let rowBytes: Int

    /// Row `r` as f32 (an embedding lookup).
    func row(_ r: Int, into out: UnsafeMutablePointer<Float>) {
        Kernels.dequantize(type: type, src: data + r * rowBytes, count: cols, into: out)
    }

    /// The `index`-th matrix of a stacked 3-D tensor, e.g. one expert.
    func slice(_ index: Int, rows sliceRows: Int) -> Matrix {
        Matrix(name: name, type: type, rows: sliceRows, cols: cols,
               data: data + index * sliceRows * rowBytes, rowBytes: rowBytes)
    }
}

/// The weights file seen by the architectures: typed metadata under the architecture's prefix and tensors
/// checked against the shapes the metadata implies. The only place that knows the GGUF reader's API.
final class WeightsFile: @unchecked Sendable {
    let file: GGUFFile
    let architecture: String

    init(_ file: GGUFFile) throws {
        self.file = file
        guard let arch = file.architecture else { throw ModelError.missingMetadata("general.architecture") }
        architecture = arch
    }

    // MARK: metadata; keys without a dot prefix are the architecture's own (`qwen3moe.block_count`).

    private func key(_ k: String) -> String { k.hasPrefix("general.") || k.hasPrefix("tokenizer.") ? k : "\(architecture).\(k)" }

    func int(_ k: String) throws -> Int {
        guard let v = file.metadata.int(key(k)) else { throw ModelError.missingMetadata(key(k)) }
        return v
    }
    func int(_ k: String, default d: Int) -> Int { file.metadata.int(key(k)) ?? d }
    func float(_ k: String) throws -> Float {
        guard let v = file.metadata.float(key(k)) else { throw ModelError.missingMetadata(key(k)) }
        return Float(v)
    }
    func float(_ k: String, default d: Float) -> Float { file.metadata.float(key(k)).map(Float.init) ?? d }
    func bool(_ k: String, default d: Bool) -> Bool { file.metadata.bool(key(k)) ?? d }
    func string(_ k: String) -> String? { file.metadata.string(key(k)) }

    // MARK: tensors

    /// A 2-D weight `[cols, rows]` as a matrix of `rows` outputs.
    func matrix(_ name: String, rows: Int, cols: Int) throws -> Matrix {
        try stacked(name, shape: [cols, rows], rows: rows, cols: cols)
    }

    /// A 3-D stack `[cols, rows, count]` (experts), returned as one matrix of `rows * count` rows.
    func experts(_ name: String, count: Int, rows: Int, cols: Int) throws -> Matrix {
        try stacked(name, shape: [cols, rows, count], rows: rows * count, cols: cols)
    }

    private func stacked(_ name: String, shape: [Int], rows: Int, cols: Int) throws -> Matrix {
        guard let info = file.tensor(named: name) else { throw ModelError.missingTensor(name) }
        guard info.dimensions == shape else { throw ModelError.badShape(tensor: name, expected: shape, found: info.dimensions) }
        guard Kernels.supports(info.type), let rowBytes = info.type.byteCount(for: cols) else {
            throw ModelError.unsupportedTensorType(tensor: name, type: info.type.name)
        }
        let bytes = file.tensorData(info)
        guard let base = bytes.baseAddress, bytes.count >= rowBytes * rows else { throw ModelError.missingTensor(name) }
        return Matrix(name: name, type: info.type, rows: rows, cols: cols, data: base, rowBytes: rowBytes)
    }

    func hasTensor(_ name: String) -> Bool { file.tensor(named: name) != nil }

    /// A 1-D tensor (norm weight, bias) copied out as f32.
    func vector(_ name: String, count: Int) throws -> [Float] {
        let m = try stacked(name, shape: [count], rows: 1, cols: count)
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { if let base = $0.baseAddress { m.row(0, into: base) } }
        return out
    }

    // MARK: tokenizer

    func vocabulary() throws -> Vocabulary {
        let md = file.metadata
        guard let name = md.string("tokenizer.ggml.model") else { throw TokenizerError.missing("tokenizer.ggml.model") }
        guard let model = Vocabulary.Model(rawValue: name) else { throw TokenizerError.unsupportedModel(name) }
        guard let tokens = md.strings("tokenizer.ggml.tokens") else { throw TokenizerError.missing("tokenizer.ggml.tokens") }
        let kinds = (md.ints("tokenizer.ggml.token_type") ?? []).map { Vocabulary.Kind(rawValue: Int32($0)) ?? .normal }
        func id(_ k: String) -> TokenID? { md.int("tokenizer.ggml.\(k)").map { TokenID($0) } }
        var v = Vocabulary(model: model, pre: md.string("tokenizer.ggml.pre") ?? "default", tokens: tokens,
                           kinds: kinds, scores: md.floats("tokenizer.ggml.scores") ?? [],
                           merges: md.strings("tokenizer.ggml.merges") ?? [],
                           bos: id("bos_token_id"), eos: id("eos_token_id"), eot: id("eot_token_id"),
                           unknown: id("unknown_token_id"), padding: id("padding_token_id"),
                           addBOS: md.bool("tokenizer.ggml.add_bos_token") ?? (model == .llama),
                           addEOS: md.bool("tokenizer.ggml.add_eos_token") ?? false,
                           addSpacePrefix: md.bool("tokenizer.ggml.add_space_prefix") ?? (model == .llama))
        if v.eot == nil { v.eot = ["<|im_end|>", "<end_of_turn>", "<|eot_id|>"].lazy.compactMap { tokens.firstIndex(of: $0) }.first.map { TokenID($0) } }
        return v
    }
}
