import Foundation
@testable import Workspace
import XCTest

/// The path helpers of import resolution take a string-only path for plain paths; they must answer as
/// NSString does for the paths resolution builds: absolute, sometimes with `.`/`..`, doubled or trailing
/// slashes. (Not for bare one-character names, on which Foundation on Linux traps.)
final class PathHelperTests: XCTestCase {
    func testHelpersAgreeWithNSString() {
        let names = ["ab", "pkg", "b.py", "..", ".", "src", "x y", "lib.rs", "__init__.py"]
        var generator = SystemRandomNumberGenerator()
        func path(_ parts: Int) -> String {
            (0..<parts).map { _ in (Bool.random(using: &generator) ? "/" : "//") + names.randomElement(using: &generator)! }.joined()
                + (Int.random(in: 0..<4, using: &generator) == 0 ? "/" : "")
        }
        for _ in 0..<20_000 {
            let a = path(Int.random(in: 1...5, using: &generator))
            let b = String(path(Int.random(in: 1...3, using: &generator)).dropFirst(Bool.random(using: &generator) ? 1 : 0))
            XCTAssertEqual(a.directory, (a as NSString).deletingLastPathComponent, a.debugDescription)
            XCTAssertEqual(a.appendingPath(b), (a as NSString).appendingPathComponent(b), "\(a.debugDescription) + \(b.debugDescription)")
            XCTAssertEqual(a.fileName, (a as NSString).lastPathComponent, a.debugDescription)
            let relative = String(a.dropFirst(Bool.random(using: &generator) ? 1 : 0))
            XCTAssertEqual(normalizeASCIIPath(relative), normalizeByCharacters(relative), relative.debugDescription)
        }
        XCTAssertEqual("/w/pkg/mod.py".directory, "/w/pkg")
        XCTAssertEqual("/w/pkg".appendingPath("sub/__init__.py"), "/w/pkg/sub/__init__.py")
        XCTAssertEqual("/w/é/mod.py".directory, "/w/é", "no Foundation trap on non-ASCII names")
    }

    /// The byte-level trims and the alias search answer as Foundation does, also where they hand over to it
    /// (non-ASCII text at the edges, which may be whitespace such as U+00A0).
    func testTrimsAndAliasAgreeWithFoundation() {
        let pieces = [" ", "\t", "\u{A0}", "\u{3000}", "é", "\"", "<", ">", "a", "std::io", " as ", "x", "\n", "e\u{301}"]
        var generator = SystemRandomNumberGenerator()
        let quotes = CharacterSet(charactersIn: "\"<>")
        for _ in 0..<20_000 {
            let s = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            XCTAssertEqual(s.trimmingWhitespace(), s.trimmingCharacters(in: .whitespaces), s.debugDescription)
            XCTAssertEqual(s.trimmingASCII(where: { $0 == 0x22 || $0 == 0x3C || $0 == 0x3E }, orElse: quotes),
                           s.trimmingCharacters(in: quotes), s.debugDescription)
            XCTAssertEqual(RustImports.aliasStart(s), s.range(of: " as ")?.lowerBound, s.debugDescription)
        }
    }
}
