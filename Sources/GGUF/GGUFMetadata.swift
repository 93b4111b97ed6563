/// The metadata of a GGUF file: key-value pairs in file order, with lookup by key and typed accessors.
public struct GGUFMetadata: Sendable, RandomAccessCollection {
    /// The keys in the order the file lists them.
    public private(set) var keys: [String] = []
    private var values: [GGUFValue] = []
    private var index: [String: Int] = [:]

    init() {}

    /// Appends a pair; returns false when the key is already present (the caller reports it).
    mutating func append(key: String, value: GGUFValue) -> Bool {
        guard index[key] == nil else { return false }
        index[key] = keys.count
        keys.append(key)
        values.append(value)
        return true
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { keys.count }
    /// The pair at a position, in file order.
    public subscript(position: Int) -> (key: String, value: GGUFValue) { (keys[position], values[position]) }

    /// The value stored under `key`, if any.
    public subscript(key: String) -> GGUFValue? { index[key].map { values[$0] } }

    /// A string value, or nil when absent or of another type.
    public func string(_ key: String) -> String? { self[key]?.stringValue }
    /// Any integer value that fits in Int, or nil.
    public func int(_ key: String) -> Int? { self[key]?.intValue }
    /// A float (or integer) value as Double, or nil.
    public func float(_ key: String) -> Double? { self[key]?.doubleValue }
    /// A bool value, or nil.
    public func bool(_ key: String) -> Bool? { self[key]?.boolValue }
    /// An array value, or nil.
    public func array(_ key: String) -> GGUFArray? { self[key]?.arrayValue }
    /// An array of strings (e.g. `tokenizer.ggml.tokens`), or nil when absent or not all strings.
    public func strings(_ key: String) -> [String]? { elements(key) { $0.stringValue } }
    /// An array of integers (e.g. `tokenizer.ggml.token_type`), or nil when absent or not all integers.
    public func ints(_ key: String) -> [Int]? { elements(key) { $0.intValue } }
    /// An array of numbers as Float (e.g. `tokenizer.ggml.scores`), or nil when absent or not all numbers.
    public func floats(_ key: String) -> [Float]? { elements(key) { $0.doubleValue.map(Float.init) } }

    /// A required string; throws `missingKey` or `wrongValueType` naming the key.
    public func requireString(_ key: String) throws -> String {
        try require(key, expected: "a string") { $0.stringValue }
    }
    /// A required integer; throws `missingKey` or `wrongValueType` naming the key.
    public func requireInt(_ key: String) throws -> Int {
        try require(key, expected: "an integer") { $0.intValue }
    }
    /// A required number; throws `missingKey` or `wrongValueType` naming the key.
    public func requireFloat(_ key: String) throws -> Double {
        try require(key, expected: "a number") { $0.doubleValue }
    }

    private func require<T>(_ key: String, expected: String, _ convert: (GGUFValue) -> T?) throws -> T {
        guard let value = self[key] else { throw GGUFError.missingKey(key) }
        guard let converted = convert(value) else {
            throw GGUFError.wrongValueType(key: key, expected: expected, found: value.type.description)
        }
        return converted
    }

    private func elements<T>(_ key: String, _ convert: (GGUFValue) -> T?) -> [T]? {
        guard let array = array(key) else { return nil }
        var out: [T] = []
        out.reserveCapacity(array.values.count)
        for value in array.values {
            guard let element = convert(value) else { return nil }
            out.append(element)
        }
        return out
    }
}
