import Base
import GGUF
import XCTest

final class ModelSummaryTests: XCTestCase {
    /// The counts gguf_make_fixtures.py computed while writing the model: experts count at 2 of 4.
    func testTinyMoEParameterCounts() throws {
        let summary = GGUFModelSummary(try GGUFFile(url: Fixtures.tinyMoE))
        let want = try Fixtures.tinyMoECounts()
        XCTAssertEqual(summary.totalParameters, want.total_parameters)
        XCTAssertEqual(summary.activeParameters, want.active_parameters)
        XCTAssertLessThan(summary.activeParameters, summary.totalParameters)
        XCTAssertEqual(summary.architecture, "qwen3moe")
        XCTAssertEqual(summary.name, "tiny-moe")
        XCTAssertEqual(summary.contextLength, 256)
        XCTAssertEqual(summary.embeddingLength, 64)
        XCTAssertEqual(summary.blockCount, 2)
        XCTAssertEqual(summary.headCount, 4)
        XCTAssertEqual(summary.headCountKV, 2)
        XCTAssertEqual(summary.expertCount, 4)
        XCTAssertEqual(summary.expertUsedCount, 2)
        XCTAssertEqual(summary.tokenizerModel, "gpt2")
        XCTAssertEqual(summary.vocabSize, 96)
        XCTAssertEqual(summary.types.map(\.type), [.q8_0, .f32])
        XCTAssertEqual(summary.types.reduce(0) { $0 + $1.parameters }, summary.totalParameters)
    }

    func testDenseModelIsFullyActive() throws {
        let summary = GGUFModelSummary(try GGUFFile(url: Fixtures.types))
        XCTAssertEqual(summary.totalParameters, 11 * 2048)
        XCTAssertEqual(summary.activeParameters, summary.totalParameters)
        XCTAssertEqual(summary.types.count, 11)
    }
}
