/// Why a frame header was refused. The decoder resynchronises after each of these and keeps going.
public enum FramingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A header block with no `Content-Length`.
    case missingContentLength(header: String)
    /// `Content-Length` that is not a non-negative decimal integer.
    case invalidContentLength(String)
    /// `Content-Length` above the limit; the body is never allocated.
    case tooLarge(length: Int, limit: Int)
    /// No blank line ending the header within the limit.
    case headerTooLong(limit: Int)
    /// A header line without `name: value`.
    case malformedHeaderLine(String)

    public var description: String {
        switch self {
        case .missingContentLength(let header):
            return "message header has no Content-Length (header was \(header.debugDescription))"
        case .invalidContentLength(let value):
            return "Content-Length \(value.debugDescription) is not a non-negative decimal integer"
        case .tooLarge(let length, let limit):
            return "Content-Length \(length) exceeds the limit of \(limit) bytes; the message was skipped"
        case .headerTooLong(let limit):
            return "message header longer than \(limit) bytes without the blank line that ends it"
        case .malformedHeaderLine(let line):
            return "header line \(line.debugDescription) is not `Name: value`"
        }
    }
}

/// What the decoder found in the byte stream.
public enum FrameEvent: Equatable, Sendable {
    /// A complete body, exactly `Content-Length` bytes, not yet checked for UTF-8 or JSON.
    case message([UInt8])
    /// A refused header; the decoder is now looking for the next `Content-Length` header.
    case error(FramingError)
}

/// Splits the LSP base protocol stream (`Content-Length: N\r\n[other headers]\r\n\r\n` + N bytes) into bodies.
///
/// It never trusts the peer: header names are case-insensitive, `Content-Type` and unknown headers are ignored,
/// and after a bad header it drops bytes until the next `Content-Length:` so one broken message does not
/// take the rest of the session with it. A too-large length is refused before anything is allocated for it.
public struct FrameDecoder: Sendable {
    /// Largest body accepted. Larger ones are refused and skipped.
    public let maxContentLength: Int
    /// Largest header block accepted.
    public let maxHeaderLength: Int

    private enum State: Sendable {
        case header
        case body(length: Int)
        case resync
    }

    private var state = State.header
    private var buffer: [UInt8] = []
    /// Bytes of `buffer` already consumed; compacted lazily so pushing many small chunks stays linear.
    private var position = 0

    private static let contentLengthName = Array("content-length:".utf8)
    private static let headerEnd = Array("\r\n\r\n".utf8)

    public init(maxContentLength: Int = 64 << 20, maxHeaderLength: Int = 8 << 10) {
        self.maxContentLength = maxContentLength
        self.maxHeaderLength = maxHeaderLength
    }

    /// Appends bytes read from the stream; take the events they complete with `next()`.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Appends bytes and returns every event they complete, in order.
    public mutating func push<Bytes: Sequence>(_ bytes: Bytes) -> [FrameEvent] where Bytes.Element == UInt8 {
        append(bytes)
        var events: [FrameEvent] = []
        while let event = next() { events.append(event) }
        return events
    }

    /// Puts bytes back at the front of the stream. Used when a body turned out to contain the start of the next
    /// message (a peer that sent fewer bytes than it announced), so that next message is not lost.
    /// Call it right after `next()` returned that body: the decoder is then between frames.
    public mutating func pushFront(_ bytes: [UInt8]) {
        buffer.replaceSubrange(0..<position, with: bytes)
        position = 0
        state = .header
    }

    /// Bytes held that do not yet form an event.
    public var bufferedByteCount: Int { buffer.count - position }

    /// The next complete event in the bytes appended so far, or `nil` until more bytes arrive.
    public mutating func next() -> FrameEvent? {
        switch state {
        case .header:
            // Tolerate blank lines between messages.
            while position < buffer.count, buffer[position] == UInt8(ascii: "\r") || buffer[position] == UInt8(ascii: "\n") {
                position += 1
            }
            guard let end = find(FrameDecoder.headerEnd, from: position) else {
                if buffer.count - position > maxHeaderLength {
                    state = .resync
                    position = buffer.count
                    return .error(.headerTooLong(limit: maxHeaderLength))
                }
                return nil
            }
            let header = String(decoding: buffer[position..<end], as: UTF8.self)
            position = end + FrameDecoder.headerEnd.count
            switch parseHeader(header) {
            case .success(let length):
                state = .body(length: length)
                return next()
            case .failure(let error):
                state = .resync
                return .error(error)
            }
        case .body(let length):
            guard buffer.count - position >= length else { return nil }
            let body = Array(buffer[position..<(position + length)])
            position += length
            state = .header
            return .message(body)
        case .resync:
            if let start = findCaseInsensitive(FrameDecoder.contentLengthName, from: position) {
                position = start
                state = .header
                return next()
            }
            // Keep a tail that could be the beginning of a `Content-Length:` split across reads.
            position = max(position, buffer.count - (FrameDecoder.contentLengthName.count - 1))
            return nil
        }
    }

    private func parseHeader(_ header: String) -> Result<Int, FramingError> {
        var length: Int?
        for line in header.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else {
                return .failure(.malformedHeaderLine(String(line)))
            }
            let name = line[..<colon].trimmingSpaces().lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            guard name == "content-length" else { continue }  // Content-Type and unknown headers are ignored.
            // At most 18 digits so the value can never overflow Int before the limit check.
            guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let parsed = Int(value) else {
                return .failure(.invalidContentLength(String(value)))
            }
            guard parsed <= maxContentLength else {
                return .failure(.tooLarge(length: parsed, limit: maxContentLength))
            }
            length = parsed
        }
        guard let length else { return .failure(.missingContentLength(header: header)) }
        return .success(length)
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard buffer.count - start >= needle.count else { return nil }
        var i = start
        while i + needle.count <= buffer.count {
            if buffer[i] == needle[0] {
                var j = 1
                while j < needle.count, buffer[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    private func findCaseInsensitive(_ needle: [UInt8], from start: Int) -> Int? {
        guard buffer.count - start >= needle.count else { return nil }
        var i = start
        while i + needle.count <= buffer.count {
            var j = 0
            while j < needle.count, FrameDecoder.lower(buffer[i + j]) == needle[j] { j += 1 }
            if j == needle.count { return i }
            i += 1
        }
        return nil
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (byte >= 65 && byte <= 90) ? byte + 32 : byte
    }

    private mutating func compact() {
        if position > 0, position >= buffer.count / 2 {
            buffer.removeFirst(position)
            position = 0
        }
    }

    /// Finds where the next message's header starts inside a body that failed to parse, if anywhere.
    public static func embeddedHeaderStart(in body: [UInt8]) -> Int? {
        var decoder = FrameDecoder()
        decoder.buffer = body
        return decoder.findCaseInsensitive(contentLengthName, from: 1)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}

/// Frames a body for the wire.
public func frame(_ body: [UInt8]) -> [UInt8] {
    Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
}
