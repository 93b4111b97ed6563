import Foundation
import Workspace
import XCTest

/// A `quorum index` killed with SIGKILL in the middle leaves a store where every file is complete; the next
/// run finishes the job.
final class CrashTests: XCTestCase {
    func testKillNineMidIndexingLeavesConsistentStore() throws {
        let binary = packageRoot.appendingPathComponent(".build/debug/quorum").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("CrashTests: SKIPPED — \(binary) is not built; run `swift build` first")
            throw XCTSkip("\(binary) is not built; run `swift build` first")
        }
        let fileCount = 800
        var files: [String: String] = [:]
        for i in 0..<fileCount {
            let body = (0..<30).map { "def f\(i)_\($0)(x):\n    return helper(x) + \($0)\n\n" }.joined()
            files["pkg\(i % 20)/mod\(i).py"] = "import os\nfrom pkg\((i + 1) % 20) import mod\(i + 1)\n\n" + body
        }
        let p = try TestProject(files)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["index", p.root, "--store", p.store.path, "--format", "json"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Wait until the child has written some files but not all, then kill it.
        let index = try p.index()
        let deadline = Date().addingTimeInterval(60)
        var seen = 0
        while Date() < deadline {
            seen = (try? index.files().count) ?? 0
            if seen >= 50 || !process.isRunning { break }
            usleep(20_000)
        }
        let killedMidway = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let afterKill = try index.files().count
        print("CrashTests: killed=\(killedMidway) with \(afterKill)/\(fileCount) files written")
        XCTAssertTrue(killedMidway, "the child finished before it could be killed; make the tree bigger")
        XCTAssertLessThan(afterKill, fileCount)
        XCTAssertEqual(try index.verify(), [], "every file written before the kill is complete")
        for f in try index.files() { XCTAssertEqual(try index.symbols(in: f.path).count, 30, f.path) }

        // The next run re-parses only what is missing and ends consistent and complete.
        let report = try index.update()
        XCTAssertEqual(report.parsed, fileCount - afterKill)
        XCTAssertEqual(try index.files().count, fileCount)
        XCTAssertEqual(try index.verify(), [])
    }
}
