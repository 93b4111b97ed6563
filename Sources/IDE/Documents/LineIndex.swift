/// Where each line starts in a UTF-8 buffer, and conversions between byte offsets and line/column positions.
///
/// Lines end at `\n`, `\r\n` or a lone `\r`, as LSP specifies.
/// A line's length never includes its terminator.
///
/// Policy for positions that do not fall on a character (see ARCHITECTURE.md, "Positions"):
/// - a column past the end of its line is clamped to the line end (what the LSP specification asks for);
/// - a column that falls inside a character (half a UTF-16 surrogate pair, a byte in the middle of a UTF-8 sequence)
///   is rounded down to the start of that character;
/// - a line past the last line, or a negative line or column, is rejected with `DocumentError`.
public struct LineIndex: Sendable, Equatable {
    /// UTF-8 offset of the first byte of each line. Never empty: an empty text has one empty line.
    public private(set) var lineStarts: [Int]

    /// Builds the index of `bytes`, which must be valid UTF-8.
    public init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8, Bytes.Index == Int {
        var starts = [0]
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\n") {
                starts.append(i + 1 - bytes.startIndex)
            } else if byte == UInt8(ascii: "\r") {
                // A `\r\n` pair is one terminator; the line starts after the `\n`.
                if i + 1 < end, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                starts.append(i + 1 - bytes.startIndex)
            }
            i += 1
        }
        lineStarts = starts
    }

    /// The same for a byte array, over its buffer: the generic initialiser is not specialised across modules, and
    /// every edit of an open document rebuilds its index (2 ms for 100 KB that way).
    public init(_ bytes: [UInt8]) {
        self = bytes.withUnsafeBufferPointer { LineIndex(buffer: $0) }
    }

    private init(buffer bytes: UnsafeBufferPointer<UInt8>) {
        var starts = [0]
        var i = 0
        let end = bytes.count
        while i < end {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\n") {
                starts.append(i + 1)
            } else if byte == UInt8(ascii: "\r") {
                if i + 1 < end, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        lineStarts = starts
    }

    /// Number of lines; a text ending in a terminator has a last, empty line.
    public var lineCount: Int { lineStarts.count }

    /// The byte range of `line`'s content, without its terminator. `line` must be valid.
    public func contentRange(ofLine line: Int, in bytes: [UInt8]) -> Range<Int> {
        let start = lineStarts[line]
        guard line + 1 < lineStarts.count else { return start..<bytes.count }
        var end = lineStarts[line + 1]
        // Strip the terminator: `\n`, `\r`, or `\r\n`.
        if end > start, bytes[end - 1] == UInt8(ascii: "\n") {
            end -= 1
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        } else if end > start, bytes[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        return start..<end
    }

    /// The UTF-8 offset of `position`, whose column counts units of `encoding`.
    ///
    /// Columns past the line end are clamped and columns inside a character round down (see the type's policy).
    public func utf8Offset(of position: TextPosition, encoding: PositionEncoding, in bytes: [UInt8]) throws -> Int {
        guard position.line >= 0, position.column >= 0 else { throw DocumentError.negativePosition(position) }
        guard position.line < lineCount else {
            throw DocumentError.lineOutOfRange(position, lineCount: lineCount)
        }
        let range = contentRange(ofLine: position.line, in: bytes)
        var offset = range.lowerBound
        var units = 0
        while offset < range.upperBound {
            let length = LineIndex.scalarLength(leadByte: bytes[offset])
            let width = encoding.width(ofScalarWithUTF8Length: length)
            // Stop before a character that would carry us past the column: this rounds down inside a character.
            if units + width > position.column { break }
            units += width
            offset += length
        }
        return min(offset, range.upperBound)
    }

    /// The position of a UTF-8 offset, with the column counted in `encoding`.
    ///
    /// Offsets past the end are clamped to the end; an offset inside a character counts as that character's start.
    public func position(ofUTF8Offset rawOffset: Int, encoding: PositionEncoding, in bytes: [UInt8]) -> TextPosition {
        let target = max(0, min(rawOffset, bytes.count))
        // The last line whose start is at or before the offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= target { low = mid } else { high = mid - 1 }
        }
        let line = low
        let range = contentRange(ofLine: line, in: bytes)
        var offset = range.lowerBound
        var column = 0
        while offset < min(target, range.upperBound) {
            let length = LineIndex.scalarLength(leadByte: bytes[offset])
            if offset + length > target { break }
            column += encoding.width(ofScalarWithUTF8Length: length)
            offset += length
        }
        return TextPosition(line: line, column: column)
    }

    /// The length of `line` in units of `encoding`, terminator excluded.
    public func length(ofLine line: Int, encoding: PositionEncoding, in bytes: [UInt8]) -> Int {
        let range = contentRange(ofLine: line, in: bytes)
        if encoding == .utf8 { return range.count }
        var offset = range.lowerBound
        var units = 0
        while offset < range.upperBound {
            let length = LineIndex.scalarLength(leadByte: bytes[offset])
            units += encoding.width(ofScalarWithUTF8Length: length)
            offset += length
        }
        return units
    }

    /// Byte length of the UTF-8 sequence a lead byte starts. Continuation bytes count as 1 so a walk always advances.
    @inlinable
    static func scalarLength(leadByte: UInt8) -> Int {
        switch leadByte {
        case 0xF0...: return 4
        case 0xE0...: return 3
        case 0xC0...: return 2
        default: return 1
        }
    }
}
