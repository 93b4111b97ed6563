/// Everything that can be wrong with a GGUF file, with where and what was found.
///
/// Every case names the thing (key, tensor, offset) and its description says what a reader of the message
/// can do about it; most of them mean the file is truncated, corrupt or not a GGUF model at all.
public enum GGUFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or mapped (`reason` is the system's message).
    case cannotOpen(path: String, reason: String)
    /// The first four bytes are not "GGUF".
    case badMagic(found: UInt32)
    /// A version other than 2 or 3; version 1 used 32-bit counts and is not read.
    case unsupportedVersion(UInt32)
    /// The header is byte-swapped: a big-endian GGUF, which this little-endian reader does not handle.
    case bigEndian(version: UInt32)
    /// The file ends before `what` at `offset` (`needed` bytes, `available` left).
    case truncated(what: String, offset: Int, needed: Int, available: Int)
    /// A count (`what`) larger than the rest of the file could hold.
    case countTooLarge(what: String, count: UInt64, offset: Int, limit: Int)
    /// A string whose stated length runs past the end of the file.
    case stringTooLong(what: String, length: UInt64, offset: Int, available: Int)
    /// A metadata value type id that is not one of GGUF's 13.
    case unknownValueType(key: String, typeID: UInt32, offset: Int)
    /// Arrays nested deeper than the reader allows (a hostile file could otherwise exhaust the stack).
    case nestingTooDeep(key: String, depth: Int)
    /// The same metadata key twice.
    case duplicateKey(String)
    /// The same tensor name twice.
    case duplicateTensor(String)
    /// `general.alignment` is zero, not a power of two, or absurdly large.
    case badAlignment(UInt64)
    /// A key holds a value of another type than the one asked for or required.
    case wrongValueType(key: String, expected: String, found: String)
    /// A required key is absent.
    case missingKey(String)
    /// A tensor with more dimensions than GGML's 4.
    case tooManyDimensions(tensor: String, count: UInt32, offset: Int)
    /// A tensor whose dimensions are negative (as int64) or multiply past Int.max.
    case dimensionsOverflow(tensor: String, dimensions: [UInt64])
    /// A tensor type id this reader does not know.
    case unknownTensorType(tensor: String, typeID: UInt32, offset: Int)
    /// A tensor whose rows (first dimension) are not a whole number of its type's blocks.
    case rowNotBlockAligned(tensor: String, rowLength: Int, type: String, blockSize: Int)
    /// A tensor offset that is not a multiple of the file's alignment.
    case misalignedTensor(tensor: String, offset: UInt64, alignment: Int)
    /// A tensor's bytes would lie (partly) outside the file.
    case tensorOutOfBounds(tensor: String, start: UInt64, byteCount: Int, fileSize: Int)
    /// No tensor of that name.
    case tensorNotFound(String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot open GGUF file \(path): \(reason); check the path and permissions"
        case let .badMagic(found):
            return "not a GGUF file: magic is 0x\(String(found, radix: 16)) instead of 0x46554747 (\"GGUF\"); pass a .gguf model"
        case let .unsupportedVersion(v):
            return "unsupported GGUF version \(v): only versions 2 and 3 are read; re-convert the model with a current llama.cpp"
        case let .bigEndian(v):
            return "big-endian GGUF (version reads as \(v) byte-swapped); use the little-endian build of the model"
        case let .truncated(what, offset, needed, available):
            return "GGUF file truncated: \(what) at offset \(offset) needs \(needed) bytes but only \(available) remain; re-download the file"
        case let .countTooLarge(what, count, offset, limit):
            return "corrupt or truncated GGUF: \(what) at offset \(offset) is \(count), more than the \(limit) the rest of the file can hold; re-download the file"
        case let .stringTooLong(what, length, offset, available):
            return "corrupt GGUF: \(what) at offset \(offset) claims \(length) bytes but only \(available) remain"
        case let .unknownValueType(key, typeID, offset):
            return "corrupt GGUF: metadata \(key) at offset \(offset) has unknown value type \(typeID) (known: 0...12)"
        case let .nestingTooDeep(key, depth):
            return "corrupt GGUF: metadata \(key) nests arrays \(depth) deep, more than this reader allows"
        case let .duplicateKey(key):
            return "corrupt GGUF: metadata key \(key) appears twice"
        case let .duplicateTensor(name):
            return "corrupt GGUF: tensor \(name) appears twice"
        case let .badAlignment(a):
            return "corrupt GGUF: general.alignment is \(a); it must be a power of two"
        case let .wrongValueType(key, expected, found):
            return "GGUF metadata \(key) is \(found), expected \(expected); the file was written for another reader or is corrupt"
        case let .missingKey(key):
            return "GGUF metadata \(key) is missing; the model file is incomplete or of an unsupported architecture"
        case let .tooManyDimensions(tensor, count, offset):
            return "corrupt GGUF: tensor \(tensor) at offset \(offset) has \(count) dimensions (at most 4)"
        case let .dimensionsOverflow(tensor, dims):
            return "corrupt GGUF: tensor \(tensor) has dimensions \(dims) whose product overflows"
        case let .unknownTensorType(tensor, typeID, offset):
            return "GGUF tensor \(tensor) at offset \(offset) has unknown type id \(typeID); the file needs a newer reader or is corrupt"
        case let .rowNotBlockAligned(tensor, rowLength, type, blockSize):
            return "corrupt GGUF: tensor \(tensor) has rows of \(rowLength) values, not a multiple of \(type)'s block of \(blockSize)"
        case let .misalignedTensor(tensor, offset, alignment):
            return "corrupt GGUF: tensor \(tensor) data offset \(offset) is not a multiple of the alignment \(alignment)"
        case let .tensorOutOfBounds(tensor, start, byteCount, fileSize):
            return "GGUF tensor \(tensor) needs bytes \(start)..<\(start &+ UInt64(byteCount)) but the file has \(fileSize); the file is truncated"
        case let .tensorNotFound(name):
            return "GGUF file has no tensor named \(name)"
        }
    }
}
