/// An incremental parser of `text/event-stream` bodies: feed it bytes as they arrive, get whole events out.
///
/// Only what completion servers send is kept: the `data` field (multi-line data joined with "\n").
/// Comments (`:` lines), `event`, `id` and `retry` fields are accepted and ignored.
public struct ServerSentEventParser {
    private var buffer: [UInt8] = []
    private var data: [String] = []

    public init() {}

    /// Appends bytes and returns the data of every event they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        buffer.append(contentsOf: bytes)
        var events: [String] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = buffer[..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            buffer.removeSubrange(...newline)
            if line.isEmpty {
                if !data.isEmpty { events.append(data.joined(separator: "\n")) }
                data.removeAll()
                continue
            }
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix(":") { continue }
            let field: Substring, value: Substring
            if let colon = text.firstIndex(of: ":") {
                field = text[..<colon]
                var v = text[text.index(after: colon)...]
                if v.first == " " { v = v.dropFirst() }
                value = v
            } else {
                field = Substring(text)
                value = ""
            }
            if field == "data" { data.append(String(value)) }
        }
        return events
    }

    /// The data of an event left unterminated when the stream ended, if any.
    public mutating func finish() -> String? {
        if !buffer.isEmpty { _ = feed([UInt8(ascii: "\n")]) }
        defer { data.removeAll() }
        return data.isEmpty ? nil : data.joined(separator: "\n")
    }
}
