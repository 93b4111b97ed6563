import Base
import Foundation

/// A GGUF model file (version 2 or 3), mapped read-only for the object's lifetime.
///
/// Opening parses and validates the header, metadata and tensor table; it throws `GGUFError` for any
/// truncated, corrupt or hostile file and never reads outside the file. Tensor data is not read at open:
/// `tensorData(_:)` returns a view into the mapping, so the page cache, not the heap, holds the weights.
public final class GGUFFile: @unchecked Sendable {
    /// The GGUF format version (2 or 3).
    public let version: UInt32
    /// Key-value metadata in file order.
    public let metadata: GGUFMetadata
    /// Tensor entries in file order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment`, or 32 when absent: tensor data offsets are multiples of it.
    public let alignment: Int
    /// Byte offset of the data section in the file (tensor offsets are relative to it).
    public let dataOffset: Int
    /// Size of the file in bytes.
    public var fileSize: Int { region.bytes.count }

    private let region: MappedRegion
    private let tensorIndex: [String: Int]

    /// Maps and parses the file at `url`.
    public convenience init(url: URL) throws {
        try self.init(region: MappedRegion(path: url.path))
    }

    /// Parses a GGUF image held in memory (copied once); for tests and for data that is not a file.
    public convenience init(bytes: [UInt8]) throws {
        let region = bytes.withUnsafeBytes { MappedRegion(copying: $0) }
        try self.init(region: region)
    }

    private init(region: MappedRegion) throws {
        self.region = region
        let parsed = try GGUFParser.parse(region.bytes)
        version = parsed.version
        metadata = parsed.metadata
        tensors = parsed.tensors
        alignment = parsed.alignment
        dataOffset = parsed.dataOffset
        var index: [String: Int] = [:]
        for (i, tensor) in parsed.tensors.enumerated() { index[tensor.name] = i }
        tensorIndex = index
    }

    /// `general.architecture`, e.g. `qwen3moe` or `gemma3`; it prefixes the architecture's own keys.
    public var architecture: String? { metadata.string("general.architecture") }

    /// The tensor entry named `name`, or nil.
    public func tensor(named name: String) -> GGUFTensorInfo? { tensorIndex[name].map { tensors[$0] } }

    /// The bytes of `tensor`, in place in the mapping (never copied).
    ///
    /// The buffer is valid only while this GGUFFile is alive: keep a reference to the file as long as the
    /// pointer is used. `tensor` must come from this file's `tensors` (its range was checked at open).
    public func tensorData(_ tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        let start = dataOffset + tensor.offset
        precondition(start >= 0 && tensor.byteCount >= 0 && start <= fileSize - tensor.byteCount,
                     "GGUFFile.tensorData: tensor \(tensor.name) does not belong to this file")
        return UnsafeRawBufferPointer(rebasing: region.bytes[start..<(start + tensor.byteCount)])
    }

    /// The bytes of the tensor named `name`; throws `tensorNotFound` when there is none.
    public func tensorData(named name: String) throws -> UnsafeRawBufferPointer {
        guard let tensor = tensor(named: name) else { throw GGUFError.tensorNotFound(name) }
        return tensorData(tensor)
    }
}
