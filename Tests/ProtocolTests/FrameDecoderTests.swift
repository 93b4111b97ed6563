import JSONRPC
import XCTest

final class FrameDecoderTests: XCTestCase {
    private func framed(_ body: String) -> [UInt8] { frame(Array(body.utf8)) }

    func testOneMessage() {
        var decoder = FrameDecoder()
        XCTAssertEqual(decoder.push(framed("{}")), [.message(Array("{}".utf8))])
    }

    func testMessageSplitIntoSingleBytes() {
        var decoder = FrameDecoder()
        var events: [FrameEvent] = []
        for byte in framed("{\"a\":1}") { events += decoder.push([byte]) }
        XCTAssertEqual(events, [.message(Array("{\"a\":1}".utf8))])
    }

    func testTwoMessagesInOneChunk() {
        var decoder = FrameDecoder()
        XCTAssertEqual(decoder.push(framed("[1]") + framed("[2]")),
                       [.message(Array("[1]".utf8)), .message(Array("[2]".utf8))])
    }

    func testContentTypeAndCaseInsensitiveNames() {
        var decoder = FrameDecoder()
        let bytes = Array("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".utf8)
        XCTAssertEqual(decoder.push(bytes), [.message(Array("{}".utf8))])
    }

    func testBodyCountsBytesNotCharacters() {
        var decoder = FrameDecoder()
        let body = "{\"t\":\"😀é\"}"
        XCTAssertEqual(decoder.push(framed(body)), [.message(Array(body.utf8))])
    }

    func testMissingContentLengthResyncsAtNextHeader() {
        var decoder = FrameDecoder()
        let bytes = Array("Content-Type: x\r\n\r\n{\"lost\":1}".utf8) + framed("{}")
        let events = decoder.push(bytes)
        XCTAssertEqual(events.count, 2)
        guard case .error(.missingContentLength) = events[0] else { return XCTFail("\(events)") }
        XCTAssertEqual(events[1], .message(Array("{}".utf8)))
    }

    func testNonNumericAndNegativeLengths() {
        for value in ["abc", "-5", "1e3", "", "99999999999999999999999"] {
            var decoder = FrameDecoder()
            let events = decoder.push(Array("Content-Length: \(value)\r\n\r\n".utf8) + framed("{}"))
            XCTAssertEqual(events.count, 2, value)
            guard case .error(.invalidContentLength) = events[0] else { return XCTFail("\(value): \(events)") }
            XCTAssertEqual(events[1], .message(Array("{}".utf8)), value)
        }
    }

    func testTooLargeIsRefusedWithoutBuffering() {
        var decoder = FrameDecoder(maxContentLength: 1000)
        let events = decoder.push(Array("Content-Length: 200000000\r\n\r\n{\"x\":".utf8))
        XCTAssertEqual(events, [.error(.tooLarge(length: 200_000_000, limit: 1000))])
        // Only a short tail is kept while looking for the next header.
        XCTAssertLessThan(decoder.bufferedByteCount, 20)
        XCTAssertEqual(decoder.push(framed("{}")), [.message(Array("{}".utf8))])
    }

    func testHeaderTooLong() {
        var decoder = FrameDecoder(maxHeaderLength: 64)
        let events = decoder.push(Array(repeating: UInt8(ascii: "x"), count: 100))
        XCTAssertEqual(events, [.error(.headerTooLong(limit: 64))])
        XCTAssertEqual(decoder.push(framed("{}")), [.message(Array("{}".utf8))])
    }

    func testMalformedHeaderLine() {
        var decoder = FrameDecoder()
        let events = decoder.push(Array("garbage\r\n\r\n".utf8) + framed("{}"))
        guard case .error(.malformedHeaderLine("garbage")) = events.first else { return XCTFail("\(events)") }
        XCTAssertEqual(events.last, .message(Array("{}".utf8)))
    }

    func testPushFrontRecoversSwallowedMessage() {
        // A peer announced 30 bytes but sent a 5-byte body: the next frame's start ends up inside the body.
        var decoder = FrameDecoder()
        let bytes = Array("Content-Length: 30\r\n\r\n{bad}".utf8) + framed("{\"ok\":true}")
        let events = decoder.push(bytes)
        guard case .message(let body) = events.first else { return XCTFail("\(events)") }
        let start = FrameDecoder.embeddedHeaderStart(in: body)
        XCTAssertEqual(start, 5)
        decoder.pushFront(Array(body[(start ?? 0)...]))
        XCTAssertEqual(decoder.push([]), [.message(Array("{\"ok\":true}".utf8))])
    }
}
