import Foundation
import IDE
import Syntax
import Workspace
import XCTest

/// Shared helpers of the refactor tests: the refactors are plain functions over an indexed workspace on disk, and
/// each test applies the edit to the text and compares with what the file should become.
class RefactorTestCase: XCTestCase {
    /// The text of `path` after `edit`.
    func applied(_ edit: RefactorEdit, _ f: NavigationFixture, _ path: String) throws -> String {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: f.path(path))))
        return String(decoding: edit.applied(to: bytes, path: f.path(path)), as: UTF8.self)
    }

    /// The point of the first `needle` in `path` (plus `offset` columns).
    func point(_ f: NavigationFixture, _ path: String, _ needle: String, offset: Int = 0) throws -> SyntaxPoint {
        let text = try String(contentsOfFile: f.path(path), encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: needle))
        let before = text[..<range.lowerBound]
        let row = before.filter { $0 == "\n" }.count
        let column = before.utf8.count - (before.lastIndex(of: "\n").map { before[...$0].utf8.count } ?? 0)
        return SyntaxPoint(row: row, column: column + offset)
    }

    func bytes(_ f: NavigationFixture, _ path: String, _ needle: String) throws -> Range<Int> {
        let text = try String(contentsOfFile: f.path(path), encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: needle))
        let lo = text[..<range.lowerBound].utf8.count
        return lo..<(lo + needle.utf8.count)
    }
}
