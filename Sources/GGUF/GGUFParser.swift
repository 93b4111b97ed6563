import Base

/// Reads the GGUF header, metadata and tensor table from raw bytes, checking every size against the file.
///
/// Layout (all little-endian): magic "GGUF", uint32 version, uint64 tensor count, uint64 metadata count,
/// metadata pairs (string key, uint32 type, value), tensor infos (string name, uint32 n_dims,
/// uint64 dims[n_dims], uint32 type, uint64 offset), padding to `general.alignment`, then tensor data.
enum GGUFParser {
    struct Result {
        var version: UInt32
        var metadata: GGUFMetadata
        var tensors: [GGUFTensorInfo]
        var alignment: Int
        var dataOffset: Int
    }

    static let magic: UInt32 = 0x4655_4747  // "GGUF" read as a little-endian uint32
    static let defaultAlignment = 32
    /// Deepest array nesting accepted; real files use none, and unbounded recursion would be a stack overflow.
    static let maxNesting = 8
    /// GGML tensors have at most 4 dimensions.
    static let maxDimensions: UInt32 = 4

    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> Result {
        var reader = ByteReader(bytes)
        let magicFound = try reader.read(UInt32.self, "the magic")
        guard magicFound == magic else { throw GGUFError.badMagic(found: magicFound) }
        let version = try reader.read(UInt32.self, "the version")
        guard version == 2 || version == 3 else {
            let swapped = version.byteSwapped
            if swapped == 2 || swapped == 3 { throw GGUFError.bigEndian(version: swapped) }
            throw GGUFError.unsupportedVersion(version)
        }
        // A tensor info takes at least 24 bytes (empty name, no dims), a metadata pair at least 13.
        let tensorCount = try reader.readCount(minimumSize: 24, "the tensor count")
        let metadataCount = try reader.readCount(minimumSize: 13, "the metadata count")

        var metadata = GGUFMetadata()
        for i in 0..<metadataCount {
            let key = try reader.readString("metadata key #\(i)")
            let value = try readValue(&reader, key: key)
            guard metadata.append(key: key, value: value) else { throw GGUFError.duplicateKey(key) }
        }

        let alignment = try readAlignment(metadata)
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(tensorCount)
        var names = Set<String>()
        for i in 0..<tensorCount {
            let tensor = try readTensorInfo(&reader, index: i, alignment: alignment)
            guard names.insert(tensor.name).inserted else { throw GGUFError.duplicateTensor(tensor.name) }
            tensors.append(tensor)
        }

        // The data section starts at the next multiple of the alignment (it may be exactly the file's end
        // when there is no tensor data).
        let (padded, overflow) = reader.offset.addingReportingOverflow(alignment - 1)
        let dataOffset = overflow ? Int.max : padded / alignment * alignment
        if !tensors.isEmpty && dataOffset > bytes.count {
            throw GGUFError.truncated(what: "the padding before the data section", offset: reader.offset,
                                      needed: dataOffset - reader.offset, available: reader.remaining)
        }
        for tensor in tensors {
            let (start, startOverflow) = dataOffset.addingReportingOverflow(tensor.offset)
            let (end, endOverflow) = start.addingReportingOverflow(tensor.byteCount)
            if startOverflow || endOverflow || end > bytes.count {
                throw GGUFError.tensorOutOfBounds(tensor: tensor.name, start: UInt64(dataOffset) &+ UInt64(tensor.offset),
                                                  byteCount: tensor.byteCount, fileSize: bytes.count)
            }
        }
        return Result(version: version, metadata: metadata, tensors: tensors, alignment: alignment,
                      dataOffset: min(dataOffset, bytes.count))
    }

    /// `general.alignment`: any integer type is accepted (the spec says uint32), but it must be a power of two.
    /// The upper bound keeps padding arithmetic far from overflow; real files use 32.
    private static func readAlignment(_ metadata: GGUFMetadata) throws -> Int {
        guard let value = metadata["general.alignment"] else { return defaultAlignment }
        guard let alignment = value.intValue else {
            if case let .uint64(big) = value { throw GGUFError.badAlignment(big) }
            throw GGUFError.wrongValueType(key: "general.alignment", expected: "uint32", found: value.type.description)
        }
        guard alignment > 0, alignment <= 1 << 30, alignment & (alignment - 1) == 0 else {
            throw GGUFError.badAlignment(UInt64(bitPattern: Int64(alignment)))
        }
        return alignment
    }

    private static func readValue(_ reader: inout ByteReader, key: String, depth: Int = 0) throws -> GGUFValue {
        let typeOffset = reader.offset
        let typeID = try reader.read(UInt32.self, "the value type of \(key)")
        guard let type = GGUFValueType(rawValue: typeID) else {
            throw GGUFError.unknownValueType(key: key, typeID: typeID, offset: typeOffset)
        }
        return try readValue(&reader, type: type, key: key, depth: depth)
    }

    private static func readValue(_ reader: inout ByteReader, type: GGUFValueType, key: String,
                                  depth: Int) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try reader.read(UInt8.self, "the value of \(key)"))
        case .int8: return .int8(try reader.read(Int8.self, "the value of \(key)"))
        case .uint16: return .uint16(try reader.read(UInt16.self, "the value of \(key)"))
        case .int16: return .int16(try reader.read(Int16.self, "the value of \(key)"))
        case .uint32: return .uint32(try reader.read(UInt32.self, "the value of \(key)"))
        case .int32: return .int32(try reader.read(Int32.self, "the value of \(key)"))
        case .uint64: return .uint64(try reader.read(UInt64.self, "the value of \(key)"))
        case .int64: return .int64(try reader.read(Int64.self, "the value of \(key)"))
        case .float32: return .float32(try reader.readFloat("the value of \(key)"))
        case .float64: return .float64(try reader.readDouble("the value of \(key)"))
        // Any non-zero byte counts as true, as in llama.cpp, which reads the byte as a C bool.
        case .bool: return .bool(try reader.read(UInt8.self, "the value of \(key)") != 0)
        case .string: return .string(try reader.readString("the string value of \(key)"))
        case .array: return .array(try readArray(&reader, key: key, depth: depth + 1))
        }
    }

    private static func readArray(_ reader: inout ByteReader, key: String, depth: Int) throws -> GGUFArray {
        guard depth <= maxNesting else { throw GGUFError.nestingTooDeep(key: key, depth: depth) }
        let typeOffset = reader.offset
        let typeID = try reader.read(UInt32.self, "the element type of array \(key)")
        guard let elementType = GGUFValueType(rawValue: typeID) else {
            throw GGUFError.unknownValueType(key: key, typeID: typeID, offset: typeOffset)
        }
        let count = try reader.readCount(minimumSize: elementType.minimumSize, "the length of array \(key)")
        var values: [GGUFValue] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            values.append(try readValue(&reader, type: elementType, key: key, depth: depth))
        }
        return GGUFArray(elementType: elementType, values: values)
    }

    private static func readTensorInfo(_ reader: inout ByteReader, index: Int,
                                       alignment: Int) throws -> GGUFTensorInfo {
        let name = try reader.readString("the name of tensor #\(index)")
        let dimsOffset = reader.offset
        let dimCount = try reader.read(UInt32.self, "the dimension count of tensor \(name)")
        guard dimCount <= maxDimensions else {
            throw GGUFError.tooManyDimensions(tensor: name, count: dimCount, offset: dimsOffset)
        }
        var raw: [UInt64] = []
        for d in 0..<Int(dimCount) { raw.append(try reader.read(UInt64.self, "dimension \(d) of tensor \(name)")) }
        // Dimensions are int64 in GGML: each must be non-negative and their product must fit.
        var dims: [Int] = []
        var elements = 1
        for value in raw {
            guard value <= UInt64(Int64.max) else { throw GGUFError.dimensionsOverflow(tensor: name, dimensions: raw) }
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int(value))
            guard !overflow else { throw GGUFError.dimensionsOverflow(tensor: name, dimensions: raw) }
            elements = product
            dims.append(Int(value))
        }
        let typeOffset = reader.offset
        let typeID = try reader.read(UInt32.self, "the type of tensor \(name)")
        guard let type = GGMLType(rawValue: typeID) else {
            throw GGUFError.unknownTensorType(tensor: name, typeID: typeID, offset: typeOffset)
        }
        let rowLength = dims.first ?? 1
        guard rowLength % type.blockSize == 0, let byteCount = type.byteCount(for: elements) else {
            throw GGUFError.rowNotBlockAligned(tensor: name, rowLength: rowLength, type: type.name,
                                               blockSize: type.blockSize)
        }
        let offset = try reader.read(UInt64.self, "the data offset of tensor \(name)")
        guard offset % UInt64(alignment) == 0 else {
            throw GGUFError.misalignedTensor(tensor: name, offset: offset, alignment: alignment)
        }
        guard offset <= UInt64(Int.max) else {
            throw GGUFError.tensorOutOfBounds(tensor: name, start: offset, byteCount: byteCount, fileSize: reader.bytes.count)
        }
        return GGUFTensorInfo(name: name, dimensions: dims, type: type, offset: Int(offset), byteCount: byteCount)
    }
}
