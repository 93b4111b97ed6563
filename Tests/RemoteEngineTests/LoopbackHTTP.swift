import Foundation
#if canImport(Glibc)
import Glibc
#endif

// HTTP on loopback for the tests, over plain POSIX sockets: the test process does not load FoundationNetworking
// (nothing in the package does), so `Data(contentsOf:)` cannot fetch an http URL here.

/// One GET to 127.0.0.1 with HTTP/1.0 (the server closes the connection after the answer); nil when nothing answers.
func loopbackGet(port: Int, path: String) -> (status: Int, body: Data)? {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { return nil }
    defer { close(socket) }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = loopbackAddress(port: port)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
    guard connected else { return nil }
    let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
    guard send(socket, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
    var answer: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = recv(socket, &chunk, chunk.count, 0)
        if n < 0 { return nil }
        if n == 0 { break }
        answer.append(contentsOf: chunk[..<n])
    }
    // "HTTP/1.1 200 OK\r\n...\r\n\r\nbody"
    guard let headEnd = answer.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound else { return nil }
    let statusLine = String(decoding: answer.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
    let fields = statusLine.split(separator: " ")
    guard fields.count >= 2, let status = Int(fields[1]) else { return nil }
    return (status, Data(answer[headEnd...]))
}

func loopbackAddress(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return address
}

/// An HTTP/1.1 server on 127.0.0.1 over plain POSIX sockets: it serves connections one after another, reads each
/// request whole (head and Content-Length body), then hands the connection to the test's script.
final class ScriptedHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var head: String
        var body: Data
    }

    /// One accepted connection, as the script sees it; what the script records is read by the test afterwards.
    final class Connection: @unchecked Sendable {
        let socket: Int32
        /// 0 for the first connection the server accepted.
        let index: Int
        var closedByPeer = false
        var eventsSent = 0

        init(socket: Int32, index: Int) {
            self.socket = socket
            self.index = index
        }

        /// One write; a peer that has gone makes it fail quietly (MSG_NOSIGNAL: no SIGPIPE).
        func send(_ text: String) {
            let bytes = Array(text.utf8)
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes {
                    Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if n <= 0 { return }
                sent += n
            }
        }

        /// Whether the client closed the connection within `seconds` (end of stream or a reset).
        func waitForPeerClose(seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while true {
                let left = deadline.timeIntervalSinceNow
                if left < 0 { return false }
                var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, Int32(left * 1000) + 1)
                if ready < 0 && errno != EINTR { return true }
                if ready <= 0 { continue }
                var byte: UInt8 = 0
                let n = recv(socket, &byte, 1, Int32(MSG_DONTWAIT))
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { return true }
            }
        }
    }

    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var requests: [Request] = []
    private var finished: [Connection] = []

    init(script: @escaping @Sendable (Connection) -> Void) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = loopbackAddress(port: 0)  // port 0: the kernel picks a free one
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            var index = 0
            while true {
                let socket = accept(listener, nil, nil)
                if socket < 0 { return }  // stop() shut the listener down
                var one: Int32 = 1
                setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                let connection = Connection(socket: socket, index: index)
                index += 1
                if let request = Self.readRequest(socket) {
                    lock.lock(); requests.append(request); lock.unlock()
                    script(connection)
                }
                close(socket)
                lock.lock(); finished.append(connection); lock.unlock()
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// The requests received so far, once there are `count` of them (or after 5 s).
    func waitForRequests(_ count: Int) -> [Request] {
        waitFor { self.requests.count >= count ? self.requests : nil } ?? requests
    }

    /// The connections the script has finished with, once there are `count` of them (or after 5 s).
    func waitForConnections(_ count: Int) -> [Connection] {
        waitFor { self.finished.count >= count ? self.finished : nil } ?? finished
    }

    private func waitFor<T>(_ check: () -> T?) -> T? {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            lock.lock()
            let value = check()
            lock.unlock()
            if let value { return value }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return nil
    }

    private static func readRequest(_ socket: Int32) -> Request? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        var bodyLength = 0
        while true {
            if headEnd == nil, let end = bytes.firstRange(of: separator)?.upperBound {
                headEnd = end
                let head = String(decoding: bytes[..<end], as: UTF8.self)
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    bodyLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let headEnd, bytes.count >= headEnd + bodyLength {
                return Request(head: String(decoding: bytes[..<headEnd], as: UTF8.self),
                               body: Data(bytes[headEnd..<(headEnd + bodyLength)]))
            }
            let n = recv(socket, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            bytes.append(contentsOf: chunk[..<n])
        }
    }
}
