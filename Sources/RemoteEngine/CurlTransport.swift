import CCurl
import Foundation

/// One HTTP POST whose response body is streamed to a sink: the remote engine's only use of HTTP.
struct HTTPPost: Sendable {
    var url: String
    /// Whole header lines, "Name: value".
    var headers: [String]
    var body: Data
    /// Seconds; 0 or less means no limit of our own.
    var connectTimeout: Double
    var requestTimeout: Double
}

/// Receives the response of a transfer, on the transfer's thread.
protocol HTTPResponseSink: AnyObject {
    /// A piece of the body, with the response's HTTP status; returns false to close the connection.
    func receive(status: Int, bytes: UnsafeRawBufferPointer) -> Bool
    /// Asked while the transfer runs, also when the server is silent (about once a second then); true closes the
    /// connection.
    var shouldAbort: Bool { get }
}

/// How a transfer ended.
enum TransferEnd: Equatable {
    case completed
    /// The sink asked to stop (`receive` returned false or `shouldAbort` was true); it knows why.
    case aborted
    case timedOut
    /// No answer: no connection, a reset, a missing libcurl. `reason` is meant for people.
    case failed(reason: String)
}

/// HTTP through Debian's libcurl, loaded on first use by `CCurl` (so a process that never sends a completion
/// request never loads it, nor the ~30 libraries it depends on).
enum CurlTransport {
    /// Performs `post` on the calling thread, which it blocks until the transfer ends (one curl handle per request:
    /// completion requests are rare next to their cost, and a fresh connection keeps no state between them).
    static func perform(_ post: HTTPPost, sink: HTTPResponseSink) -> (status: Int, end: TransferEnd) {
        let box = SinkBox(sink)
        // strdup'd copies: the C request holds plain pointers for the whole transfer.
        let lines = post.headers.map { strdup($0) }
        defer { lines.forEach { free($0) } }
        let headerPointers: [UnsafePointer<CChar>?] = lines.map { $0.map { UnsafePointer($0) } }
        var status = 0
        var message = [CChar](repeating: 0, count: 512)
        let code: Int32 = withExtendedLifetime(box) {
            post.url.withCString { url in
                post.body.withUnsafeBytes { body in
                    headerPointers.withUnsafeBufferPointer { headers in
                        var request = quorum_curl_post_request(
                            url: url, headers: headers.baseAddress, header_count: headers.count,
                            body: body.baseAddress, body_length: body.count,
                            connect_timeout_ms: milliseconds(post.connectTimeout),
                            timeout_ms: milliseconds(post.requestTimeout),
                            on_data: onData, should_abort: shouldAbort,
                            context: Unmanaged.passUnretained(box).toOpaque())
                        return quorum_curl_post(&request, &status, &message, message.count)
                    }
                }
            }
        }
        let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch code {
        case Int32(QuorumCurlOK):
            return (status, .completed)
        case Int32(QuorumCurlWriteError), Int32(QuorumCurlAbortedByCallback):
            return (status, .aborted)
        case Int32(QuorumCurlTimedOut):
            return (status, .timedOut)
        case Int32(QuorumCurlUnavailable):
            return (status, .failed(reason: "libcurl could not be loaded (\(text)); install Debian's libcurl4 package"))
        default:
            return (status, .failed(reason: text.isEmpty ? "libcurl error \(code)" : text))
        }
    }

    /// Seconds as curl's milliseconds; 0 (curl's "no limit") for a non-positive or non-finite value.
    static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int(min(seconds * 1000, Double(Int32.max)).rounded(.up))
    }
}

/// The object behind the C context pointer: a class of our own, so `Unmanaged` can carry any sink.
private final class SinkBox {
    let sink: HTTPResponseSink
    init(_ sink: HTTPResponseSink) { self.sink = sink }
}

private let onData: quorum_curl_data_fn = { context, status, bytes, length in
    guard let context else { return 0 }
    let sink = Unmanaged<SinkBox>.fromOpaque(context).takeUnretainedValue().sink
    return sink.receive(status: status, bytes: UnsafeRawBufferPointer(start: bytes, count: length)) ? 1 : 0
}

private let shouldAbort: quorum_curl_abort_fn = { context in
    guard let context else { return 1 }
    return Unmanaged<SinkBox>.fromOpaque(context).takeUnretainedValue().sink.shouldAbort ? 1 : 0
}
