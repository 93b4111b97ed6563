import Foundation
import LanguageServerProtocol
import XCTest

/// Responses that write their own JSON (`JSONWritable`) must write what their `Encodable` conformance encodes.
final class JSONWritableTests: XCTestCase {
    func written(_ value: some JSONWritable) -> [UInt8] {
        var out = JSONOutput()
        value.writeJSON(to: &out)
        return out.bytes
    }

    func assertSameJSON<T: JSONWritable & Encodable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let expected = try JSONSerialization.jsonObject(with: try encoder.encode(value), options: [.fragmentsAllowed]) as? NSObject
        let got = try JSONSerialization.jsonObject(with: Data(written(value)), options: [.fragmentsAllowed]) as? NSObject
        XCTAssertEqual(got, expected, String(decoding: written(value), as: UTF8.self), file: file, line: line)
    }

    static let awkward = ["plain", "with \"quotes\" and \\backslashes\\", "lines\nand\r\ttabs", "control \u{01}\u{1F}\u{7F}",
                          "a/slash", "ünïcödé λ 🙂", ""]

    func testOutlinesSymbolsAndLocationsWriteWhatTheyEncode() throws {
        let range = LSPRange(start: Position(line: 0, character: 3), end: Position(line: 12_345, character: -1))
        for text in Self.awkward {
            let leaf = DocumentSymbol(name: text, detail: nil, kind: 12, range: range, selectionRange: range, children: nil)
            let parent = DocumentSymbol(name: "p", detail: text, kind: 5, range: range, selectionRange: range, children: [leaf, leaf])
            try assertSameJSON([parent, leaf])
            try assertSameJSON(DocumentSymbol(name: "e", detail: nil, kind: 5, range: range, selectionRange: range, children: []))
            let location = Location(uri: "file:///tmp/" + text, range: range)
            try assertSameJSON([location])
            try assertSameJSON([SymbolInformation(name: text, kind: 12, location: location, containerName: nil),
                                SymbolInformation(name: "x", kind: 6, location: location, containerName: text)])
        }
        try assertSameJSON([DocumentSymbol]())
        XCTAssertEqual(String(decoding: written([RequestID.number(-42), .string("a\"b")]), as: UTF8.self), #"[-42,"a\"b"]"#)
    }
}
