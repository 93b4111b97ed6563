/// A response that writes its own JSON, byte by byte.
///
/// Foundation's `JSONEncoder` builds a tree of boxed values and dictionaries for every object: answering the
/// outline of a 100 KB file (800 symbols, 3,200 positions) spent 70% of its time there. The few responses that
/// carry many positions (outlines, symbol lists, locations) write themselves instead; the JSON is the one their
/// `Encodable` conformance gives (the same members, `nil` members left out), which a test holds them to.
public protocol JSONWritable {
    func writeJSON(to out: inout JSONOutput)
}

/// JSON text being written: UTF-8 bytes, strings escaped as JSON requires.
public struct JSONOutput {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Punctuation or a literal that needs no escaping (`{`, `"key":`, `null`).
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func int(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        // Digits last to first, then turned around in place: no buffer per number.
        let first = bytes.count
        var v = value.magnitude
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(v % 10))
            v /= 10
        } while v > 0
        bytes[first...].reverse()
    }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else as UTF-8.
    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hex[Int(b >> 4)]); bytes.append(hex[Int(b & 0xF)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func value(_ v: some JSONWritable) { v.writeJSON(to: &self) }
}

extension Array: JSONWritable where Element: JSONWritable {
    public func writeJSON(to out: inout JSONOutput) {
        out.raw("[")
        for (i, element) in enumerated() {
            if i > 0 { out.raw(",") }
            element.writeJSON(to: &out)
        }
        out.raw("]")
    }
}

extension RequestID: JSONWritable {
    public func writeJSON(to out: inout JSONOutput) {
        switch self {
        case .number(let value): out.int(value)
        case .string(let value): out.string(value)
        }
    }
}

extension Position: JSONWritable {
    public func writeJSON(to out: inout JSONOutput) {
        out.raw("{\"line\":"); out.int(line); out.raw(",\"character\":"); out.int(character); out.raw("}")
    }
}

extension LSPRange: JSONWritable {
    public func writeJSON(to out: inout JSONOutput) {
        out.raw("{\"start\":"); start.writeJSON(to: &out); out.raw(",\"end\":"); end.writeJSON(to: &out); out.raw("}")
    }
}

extension Location: JSONWritable {
    public func writeJSON(to out: inout JSONOutput) {
        out.raw("{\"uri\":"); out.string(uri); out.raw(",\"range\":"); range.writeJSON(to: &out); out.raw("}")
    }
}

extension DocumentSymbol: JSONWritable {
    public func writeJSON(to out: inout JSONOutput) {
        out.raw("{\"name\":"); out.string(name)
        if let detail { out.raw(",\"detail\":"); out.string(detail) }
        out.raw(",\"kind\":"); out.int(kind)
        out.raw(",\"range\":"); range.writeJSON(to: &out)
        out.raw(",\"selectionRange\":"); selectionRange.writeJSON(to: &out)
        if let children { out.raw(",\"children\":"); children.writeJSON(to: &out) }
        out.raw("}")
    }
}

extension SymbolInformation: JSONWritable {
    public func writeJSON(to out: inout JSONOutput) {
        out.raw("{\"name\":"); out.string(name)
        out.raw(",\"kind\":"); out.int(kind)
        out.raw(",\"location\":"); location.writeJSON(to: &out)
        if let containerName { out.raw(",\"containerName\":"); out.string(containerName) }
        out.raw("}")
    }
}
