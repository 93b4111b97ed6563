import IDE
import XCTest

final class DocumentStoreTests: XCTestCase {
    private func range(_ l1: Int, _ c1: Int, _ l2: Int, _ c2: Int) -> (start: TextPosition, end: TextPosition) {
        (TextPosition(line: l1, column: c1), TextPosition(line: l2, column: c2))
    }

    func testIncrementalEditsInUTF16() throws {
        var store = DocumentStore()
        try store.open(uri: "u", languageId: "python", version: 1, text: "a😀b\nline2\n")
        // Replace "b" (after the emoji: UTF-16 columns 3..4) with "é", then insert a line.
        try store.change(uri: "u", version: 2, changes: [
            DocumentChange(range: range(0, 3, 0, 4), text: "é"),
            DocumentChange(range: range(1, 0, 1, 0), text: "new\n"),
        ], encoding: .utf16)
        let document = try store.document("u")
        XCTAssertEqual(document.text, "a😀é\nnew\nline2\n")
        XCTAssertEqual(document.version, 2)
        XCTAssertEqual(document.lineCount, 4)
    }

    func testFullReplacement() throws {
        var store = DocumentStore()
        try store.open(uri: "u", languageId: "", version: 1, text: "old")
        try store.change(uri: "u", version: 5, changes: [DocumentChange(range: nil, text: "new\ntext")], encoding: .utf8)
        XCTAssertEqual(try store.document("u").text, "new\ntext")
        XCTAssertEqual(try store.document("u").version, 5)
    }

    func testBadChangeLeavesDocumentUntouched() throws {
        var store = DocumentStore()
        try store.open(uri: "u", languageId: "", version: 1, text: "one\ntwo")
        XCTAssertThrowsError(try store.change(uri: "u", version: 2, changes: [
            DocumentChange(range: range(0, 0, 0, 0), text: "X"),
            DocumentChange(range: range(7, 0, 7, 1), text: "Y"),
        ], encoding: .utf16))
        XCTAssertEqual(try store.document("u").text, "one\ntwo")
        XCTAssertEqual(try store.document("u").version, 1)
        XCTAssertThrowsError(try store.change(uri: "u", version: 2, changes: [
            DocumentChange(range: range(1, 2, 0, 1), text: "Z"),
        ], encoding: .utf16)) {
            guard case .invertedRange = $0 as? DocumentError else { return XCTFail("\($0)") }
        }
    }

    func testClosedAndUnknownDocuments() throws {
        var store = DocumentStore()
        XCTAssertThrowsError(try store.change(uri: "nope", version: 1, changes: [], encoding: .utf16)) {
            XCTAssertEqual($0 as? DocumentError, .notOpen(uri: "nope"))
        }
        try store.open(uri: "u", languageId: "", version: 1, text: "")
        XCTAssertThrowsError(try store.open(uri: "u", languageId: "", version: 1, text: ""))
        try store.close(uri: "u")
        XCTAssertThrowsError(try store.close(uri: "u"))
        XCTAssertFalse(store.isOpen("u"))
    }

    func testSnapshotsAreUnaffectedByLaterEdits() throws {
        var store = DocumentStore()
        try store.open(uri: "u", languageId: "", version: 1, text: "v1")
        let snapshot = store
        try store.change(uri: "u", version: 2, changes: [DocumentChange(range: nil, text: "v2")], encoding: .utf16)
        XCTAssertEqual(try snapshot.document("u").text, "v1")
        XCTAssertEqual(try store.document("u").text, "v2")
    }

    func testEditsAtCRLFBoundaries() throws {
        var store = DocumentStore()
        try store.open(uri: "u", languageId: "", version: 1, text: "a\r\nb")
        // Joining the lines: delete from the end of line 0 to the start of line 1.
        try store.change(uri: "u", version: 2, changes: [DocumentChange(range: range(0, 1, 1, 0), text: "")],
                         encoding: .utf16)
        XCTAssertEqual(try store.document("u").text, "ab")
    }
}
