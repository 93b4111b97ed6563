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
        }
        XCTAssertEqual("/w/pkg/mod.py".directory, "/w/pkg")
        XCTAssertEqual("/w/pkg".appendingPath("sub/__init__.py"), "/w/pkg/sub/__init__.py")
        XCTAssertEqual("/w/é/mod.py".directory, "/w/é", "no Foundation trap on non-ASCII names")
    }
}
