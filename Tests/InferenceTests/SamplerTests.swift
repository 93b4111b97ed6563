import Foundation
@testable import Inference
import XCTest

final class SamplerTests: XCTestCase {
    let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 2.9]

    func testGreedyIsArgmax() {
        var s = Sampler(.greedy)
        XCTAssertEqual(s.sample(logits), 1)
        XCTAssertEqual(Sampler.argmax([0, 5, 5]), 1, "ties go to the lower id")
    }

    func testSameSeedSameDraws() {
        let settings = SamplerSettings(temperature: 1.0, seed: 42)
        var a = Sampler(settings), b = Sampler(settings)
        let da = (0..<50).map { _ in a.sample(logits) }, db = (0..<50).map { _ in b.sample(logits) }
        XCTAssertEqual(da, db)
        XCTAssertGreaterThan(Set(da).count, 1, "temperature 1 should not always pick the same token")
    }

    func testTopKOneIsGreedy() {
        var s = Sampler(SamplerSettings(temperature: 2, topK: 1, seed: 7))
        for _ in 0..<20 { XCTAssertEqual(s.sample(logits), 1) }
    }

    func testTopPAndMinPCutTheTail() {
        var topP = Sampler(SamplerSettings(temperature: 1, topP: 0.5, seed: 3))
        var minP = Sampler(SamplerSettings(temperature: 1, minP: 0.8, seed: 3))
        for _ in 0..<100 {
            XCTAssertTrue([1, 4].contains(topP.sample(logits)))
            XCTAssertTrue([1, 4, 2].contains(minP.sample(logits)))
        }
    }

    func testTemperatureFollowsTheDistribution() {
        var s = Sampler(SamplerSettings(temperature: 1, seed: 11))
        var counts = [Int](repeating: 0, count: logits.count)
        for _ in 0..<20_000 { counts[Int(s.sample(logits))] += 1 }
        let z = logits.map { expf($0) }.reduce(0, +)
        for (i, l) in logits.enumerated() {
            XCTAssertEqual(Double(counts[i]) / 20_000, Double(expf(l) / z), accuracy: 0.02, "token \(i)")
        }
    }

    func testRepetitionPenaltyDemotesSeenTokens() {
        var s = Sampler(SamplerSettings(repetitionPenalty: 2))
        XCTAssertEqual(s.sample(logits, history: [1]), 4)
    }

    /// Generation stops at a stop string and leaves it out of the text.
    func testStopStringCutsTheText() throws {
        let model = try Fixtures.model(Fixtures.tinyModel("qwen3-f32"))
        let prompt = model.tokenizer.encode("def f(x):\n")
        let free = try model.generate(prompt: prompt, cache: model.makeCache(capacity: 64), maxTokens: 12)
        XCTAssertEqual(free.stopReason, .maxTokens)
        guard free.text.count > 3 else { return }
        let stop = String(free.text.dropFirst(2).prefix(2))
        var streamed = ""
        let cut = try model.generate(prompt: prompt, cache: model.makeCache(capacity: 64), maxTokens: 12,
                                     stop: [stop]) { streamed += $0; return true }
        XCTAssertEqual(cut.stopReason, .stopString(stop))
        XCTAssertFalse(cut.text.contains(stop))
        XCTAssertTrue(free.text.hasPrefix(cut.text))
        XCTAssertEqual(streamed, cut.text)
    }
}

/// The f16 helpers behind llama.cpp-compatible GELU.
final class HalfPrecisionTests: XCTestCase {
    func testHalfRoundTripMatchesFloat16Semantics() {
        for x: Float in [0, 1, -1, 0.1, 3.14159, 65504, 1e-7, -2.5e-5, 6.1e-5, 1000.3, 0.333333] {
            let h = halfBits(x)
            XCTAssertEqual(halfToFloat(h), roundToHalf(x), "\(x)")
        }
        XCTAssertEqual(halfBits(1), 0x3C00)
        XCTAssertEqual(halfBits(-2), 0xC000)
        XCTAssertEqual(halfToFloat(0x7BFF), 65504)
    }
}
