import IDE
import XCTest

/// Position conversion with text where the encodings disagree: emoji (4 UTF-8 bytes, 2 UTF-16 units, 1 scalar),
/// CJK (3 bytes, 1 unit), combining characters (a base plus a separate scalar).
final class PositionConversionTests: XCTestCase {
    // "a😀b" : a=1 byte, 😀=4 bytes/2 units/1 scalar, b=1 byte.
    // "日本語": 3 bytes each, 1 unit each.
    // "e\u{301}x": e, combining acute (2 bytes, 1 unit, 1 scalar), x.
    let text = "a😀b\n日本語\r\ne\u{301}x\rlast"
    lazy var bytes = Array(text.utf8)
    lazy var index = LineIndex(bytes)

    func testLinesEndAtLFCRLFAndCR() {
        XCTAssertEqual(index.lineCount, 4)
        XCTAssertEqual(index.lineStarts, [0, 7, 18, 23])
        XCTAssertEqual(index.contentRange(ofLine: 1, in: bytes), 7..<16)
        XCTAssertEqual(index.contentRange(ofLine: 2, in: bytes), 18..<22)
    }

    /// A byte array is indexed over its buffer; any other collection of bytes generically: the same lines.
    func testArraysAndOtherCollectionsGiveTheSameLines() {
        for sample in [text, "", "\n", "\r", "\r\n", "a\r\r\nb\n\rc", "no terminator"] {
            XCTAssertEqual(LineIndex(Array(sample.utf8)), LineIndex(ContiguousArray(sample.utf8)), sample.debugDescription)
        }
    }

    func testEmojiInEachEncoding() throws {
        // The position just after the emoji.
        XCTAssertEqual(try index.utf8Offset(of: .init(line: 0, column: 5), encoding: .utf8, in: bytes), 5)
        XCTAssertEqual(try index.utf8Offset(of: .init(line: 0, column: 3), encoding: .utf16, in: bytes), 5)
        XCTAssertEqual(try index.utf8Offset(of: .init(line: 0, column: 2), encoding: .utf32, in: bytes), 5)
        XCTAssertEqual(index.position(ofUTF8Offset: 5, encoding: .utf16, in: bytes), .init(line: 0, column: 3))
        XCTAssertEqual(index.position(ofUTF8Offset: 5, encoding: .utf32, in: bytes), .init(line: 0, column: 2))
        XCTAssertEqual(index.position(ofUTF8Offset: 5, encoding: .utf8, in: bytes), .init(line: 0, column: 5))
    }

    func testInsideACharacterRoundsDown() throws {
        // UTF-16 column 2 is between the two surrogates of 😀.
        XCTAssertEqual(try index.utf8Offset(of: .init(line: 0, column: 2), encoding: .utf16, in: bytes), 1)
        // UTF-8 column 3 is inside the emoji's bytes.
        XCTAssertEqual(try index.utf8Offset(of: .init(line: 0, column: 3), encoding: .utf8, in: bytes), 1)
        XCTAssertEqual(index.position(ofUTF8Offset: 3, encoding: .utf16, in: bytes), .init(line: 0, column: 1))
    }

    func testCJK() throws {
        XCTAssertEqual(try index.utf8Offset(of: .init(line: 1, column: 2), encoding: .utf16, in: bytes), 13)
        XCTAssertEqual(try index.utf8Offset(of: .init(line: 1, column: 2), encoding: .utf32, in: bytes), 13)
        XCTAssertEqual(try index.utf8Offset(of: .init(line: 1, column: 6), encoding: .utf8, in: bytes), 13)
        XCTAssertEqual(index.length(ofLine: 1, encoding: .utf16, in: bytes), 3)
        XCTAssertEqual(index.length(ofLine: 1, encoding: .utf8, in: bytes), 9)
    }

    func testCombiningCharacterCountsAsItsOwnScalar() throws {
        // After "e" + U+0301 comes "x": column 2 in UTF-16 and UTF-32, 3 in UTF-8.
        XCTAssertEqual(try index.utf8Offset(of: .init(line: 2, column: 2), encoding: .utf16, in: bytes), 21)
        XCTAssertEqual(try index.utf8Offset(of: .init(line: 2, column: 2), encoding: .utf32, in: bytes), 21)
        XCTAssertEqual(try index.utf8Offset(of: .init(line: 2, column: 3), encoding: .utf8, in: bytes), 21)
    }

    func testPastLineEndIsClampedBeforeTheTerminator() throws {
        for encoding in PositionEncoding.allCases {
            XCTAssertEqual(try index.utf8Offset(of: .init(line: 1, column: 999), encoding: encoding, in: bytes), 16)
            XCTAssertEqual(try index.utf8Offset(of: .init(line: 3, column: 999), encoding: encoding, in: bytes), bytes.count)
        }
    }

    func testPastLastLineAndNegativeAreRejected() {
        XCTAssertThrowsError(try index.utf8Offset(of: .init(line: 4, column: 0), encoding: .utf16, in: bytes)) {
            XCTAssertEqual($0 as? DocumentError, .lineOutOfRange(.init(line: 4, column: 0), lineCount: 4))
        }
        XCTAssertThrowsError(try index.utf8Offset(of: .init(line: 0, column: -1), encoding: .utf16, in: bytes)) {
            XCTAssertEqual($0 as? DocumentError, .negativePosition(.init(line: 0, column: -1)))
        }
    }

    func testRoundTripEveryCharacterBoundary() throws {
        for encoding in PositionEncoding.allCases {
            var offset = 0
            for scalar in text.unicodeScalars {
                let position = index.position(ofUTF8Offset: offset, encoding: encoding, in: bytes)
                // Terminator bytes map to the end of their line, which maps back to the terminator's start.
                let back = try index.utf8Offset(of: position, encoding: encoding, in: bytes)
                if scalar != "\n" && scalar != "\r" { XCTAssertEqual(back, offset, "\(encoding) \(offset)") }
                offset += String(scalar).utf8.count
            }
        }
    }

    func testEmptyTextHasOneLine() throws {
        let empty = LineIndex([UInt8]())
        XCTAssertEqual(empty.lineCount, 1)
        XCTAssertEqual(try empty.utf8Offset(of: .init(line: 0, column: 5), encoding: .utf16, in: []), 0)
    }
}
