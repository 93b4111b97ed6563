import Foundation
@testable import Inference
import Kernels
import XCTest

/// Tiled attention with the online softmax against the whole-span implementation it replaced and a naive
/// double-precision reference, at lengths below, at and past one tile, with and without sliding windows.
final class AttentionTests: XCTestCase {
    struct Shape { let heads: Int, kvHeads: Int, headDim: Int }
    /// Qwen-like grouped query attention, and Gemma 3 270M's 4 query heads on 1 KV head of 256.
    let shapes = [Shape(heads: 4, kvHeads: 2, headDim: 64), Shape(heads: 4, kvHeads: 1, headDim: 256)]
    let lengths = [1, 7, 255, 256, 257, 600, 1100]
    /// Nil is global attention; 512 is Gemma's sliding window.
    let windows: [Int?] = [nil, 512, 100]

    struct Generator {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
        }
        /// Values in ±spread: scores of a few units, so the softmax is neither flat nor one-hot.
        mutating func array(_ n: Int, spread: Float) -> [Float] { (0..<n).map { _ in next() * spread } }
    }

    /// softmax(q·Kᵀ·scale)·V per head, in Double, positions first...position.
    func naive(_ q: [Float], _ k: [Float], _ v: [Float], _ s: Shape, position: Int, window: Int?, scale: Float) -> [Float] {
        let group = s.heads / s.kvHeads, stride = s.kvHeads * s.headDim
        let first = window.map { max(0, position - $0 + 1) } ?? 0
        var out = [Float](repeating: 0, count: s.heads * s.headDim)
        for h in 0..<s.heads {
            let kv = h / group
            var scores: [Double] = []
            for t in first...position {
                var dot = 0.0
                for i in 0..<s.headDim { dot += Double(q[h * s.headDim + i]) * Double(k[t * stride + kv * s.headDim + i]) }
                scores.append(dot * Double(scale))
            }
            let m = scores.max()!
            let e = scores.map { exp($0 - m) }, sum = e.reduce(0, +)
            for i in 0..<s.headDim {
                var acc = 0.0
                for (j, t) in (first...position).enumerated() { acc += e[j] * Double(v[t * stride + kv * s.headDim + i]) }
                out[h * s.headDim + i] = Float(acc / sum)
            }
        }
        return out
    }

    /// The implementation before tiling: one score row over the whole span, normalised, then P·V.
    func wholeSpan(_ q: [Float], _ k: [Float], _ v: [Float], _ s: Shape, position: Int, window: Int?, scale: Float) -> [Float] {
        let group = s.heads / s.kvHeads, stride = s.kvHeads * s.headDim
        let first = window.map { max(0, position - $0 + 1) } ?? 0
        let span = position - first + 1
        var out = [Float](repeating: 0, count: s.heads * s.headDim)
        var scores = [Float](repeating: 0, count: group * span)
        for kv in 0..<s.kvHeads {
            q.withUnsafeBufferPointer { qp in k.withUnsafeBufferPointer { kp in v.withUnsafeBufferPointer { vp in
                scores.withUnsafeMutableBufferPointer { sp in out.withUnsafeMutableBufferPointer { op in
                    BLAS.sgemm(m: group, n: span, k: s.headDim, alpha: scale, a: qp.baseAddress! + kv * group * s.headDim,
                               lda: s.headDim, b: kp.baseAddress! + first * stride + kv * s.headDim, ldb: stride,
                               transposeB: true, c: sp.baseAddress!, ldc: span)
                    for h in 0..<group {
                        let row = sp.baseAddress! + h * span
                        var mx = -Float.infinity
                        for t in 0..<span { mx = max(mx, row[t]) }
                        var sum = 0.0
                        for t in 0..<span { row[t] = expf(row[t] - mx); sum += Double(row[t]) }
                        let inv = Float(1 / sum)
                        for t in 0..<span { row[t] *= inv }
                    }
                    BLAS.sgemm(m: group, n: s.headDim, k: span, a: sp.baseAddress!, lda: span,
                               b: vp.baseAddress! + first * stride + kv * s.headDim, ldb: stride, transposeB: false,
                               c: op.baseAddress! + kv * group * s.headDim, ldc: s.headDim)
                } }
            } } }
        }
        return out
    }

    func tiled(_ q: [Float], _ k: [Float], _ v: [Float], _ s: Shape, position: Int, window: Int?, scale: Float,
               type: KVElementType, pool: Workers? = nil) -> [Float] {
        let stride = s.kvHeads * s.headDim, length = k.count / stride
        let cache = KVCache(layers: 1, width: stride, capacity: length, type: type)
        k.withUnsafeBufferPointer { kp in v.withUnsafeBufferPointer { vp in
            cache.write(layer: 0, position: 0, keys: kp.baseAddress!, values: vp.baseAddress!, count: length)
        } }
        var out = [Float](repeating: .nan, count: s.heads * s.headDim)
        let scratch = AttentionScratch(group: s.heads / s.kvHeads, headDim: s.headDim)
        q.withUnsafeBufferPointer { qp in out.withUnsafeMutableBufferPointer { op in
            attend(AttentionArguments(query: qp.baseAddress!, keys: cache.keyRows(layer: 0), values: cache.valueRows(layer: 0),
                                      position: position, heads: s.heads, kvHeads: s.kvHeads, headDim: s.headDim,
                                      scale: scale, window: window, output: op.baseAddress!, scratch: scratch), pool: pool)
        } }
        return out
    }

    /// max |a − b| over each head's output, relative to that head's largest |b|.
    func relativeError(_ a: [Float], _ b: [Float], headDim: Int) -> Float {
        var worst: Float = 0
        for h in 0..<(a.count / headDim) {
            let range = (h * headDim)..<((h + 1) * headDim)
            let scale = max(range.map { abs(b[$0]) }.max()!, 1e-6)
            for i in range { worst = max(worst, abs(a[i] - b[i]) / scale) }
        }
        return worst
    }

    func testTiledEqualsWholeSpanAndNaiveOnF32() {
        var g = Generator(state: 42)
        var compared = 0
        for s in shapes {
            let scale = 1 / Float(s.headDim).squareRoot()
            let longest = lengths.max()!
            let stride = s.kvHeads * s.headDim
            let k = g.array(longest * stride, spread: 2), v = g.array(longest * stride, spread: 1)
            let q = g.array(s.heads * s.headDim, spread: 2)
            for n in lengths {
                for window in windows {
                    let kn = Array(k[..<(n * stride)]), vn = Array(v[..<(n * stride)])
                    let position = n - 1
                    let ours = tiled(q, kn, vn, s, position: position, window: window, scale: scale, type: .f32)
                    let before = wholeSpan(q, kn, vn, s, position: position, window: window, scale: scale)
                    let exact = naive(q, kn, vn, s, position: position, window: window, scale: scale)
                    let context = "heads \(s.heads)/\(s.kvHeads)×\(s.headDim), \(n) keys, window \(window.map(String.init) ?? "none")"
                    XCTAssertLessThan(relativeError(ours, before, headDim: s.headDim), 1e-5, "vs whole span: \(context)")
                    XCTAssertLessThan(relativeError(ours, exact, headDim: s.headDim), 1e-5, "vs naive: \(context)")
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, shapes.count * lengths.count * windows.count)
    }

    /// A batch of consecutive queries (prefill: each tile converted once for all of them) gives what each
    /// query alone gives, across tile boundaries and windows, on f32 and f16 caches.
    func testBatchedQueriesEqualSingleQueries() {
        var g = Generator(state: 5)
        let s = Shape(heads: 4, kvHeads: 2, headDim: 64), stride = 128, n = 600, batch = 90
        let k = g.array(n * stride, spread: 2), v = g.array(n * stride, spread: 1)
        let qs = g.array(batch * s.heads * s.headDim, spread: 2)
        let start = n - batch
        for type in KVElementType.allCases {
            let cache = KVCache(layers: 1, width: stride, capacity: n, type: type)
            k.withUnsafeBufferPointer { kp in v.withUnsafeBufferPointer { vp in
                cache.write(layer: 0, position: 0, keys: kp.baseAddress!, values: vp.baseAddress!, count: n)
            } }
            for window in windows {
                let scratch = AttentionScratch(group: 2, headDim: 64)
                var batched = [Float](repeating: .nan, count: qs.count)
                qs.withUnsafeBufferPointer { qp in batched.withUnsafeMutableBufferPointer { op in
                    attend(AttentionArguments(query: qp.baseAddress!, keys: cache.keyRows(layer: 0), values: cache.valueRows(layer: 0),
                                              position: start, heads: 4, kvHeads: 2, headDim: 64, scale: 0.125, window: window,
                                              output: op.baseAddress!, scratch: scratch, count: batch), pool: nil)
                } }
                let width = s.heads * s.headDim
                for t in 0..<batch {
                    let q = Array(qs[(t * width)..<((t + 1) * width)])
                    let single = tiled(q, Array(k[..<((start + t + 1) * stride)]), Array(v[..<((start + t + 1) * stride)]), s,
                                       position: start + t, window: window, scale: 0.125, type: type)
                    let error = relativeError(Array(batched[(t * width)..<((t + 1) * width)]), single, headDim: 64)
                    XCTAssertLessThan(error, 1e-5, "\(type), window \(String(describing: window)), query \(start + t)")
                }
            }
        }
    }

    /// Large scores (a softmax that would overflow exp without the running maximum) stay finite and exact.
    func testLargeScoresStayStable() {
        var g = Generator(state: 7)
        let s = Shape(heads: 2, kvHeads: 1, headDim: 32), n = 700
        let k = g.array(n * 32, spread: 30), v = g.array(n * 32, spread: 1), q = g.array(2 * 32, spread: 30)
        let ours = tiled(q, k, v, s, position: n - 1, window: nil, scale: 1, type: .f32)
        XCTAssertTrue(ours.allSatisfy(\.isFinite))
        XCTAssertLessThan(relativeError(ours, naive(q, k, v, s, position: n - 1, window: nil, scale: 1), headDim: 32), 1e-5)
    }

    /// An f16 cache gives what exact attention gives on the f16-rounded keys and values.
    func testTiledOnF16EqualsNaiveOnRoundedRows() {
        var g = Generator(state: 3)
        for s in shapes {
            let stride = s.kvHeads * s.headDim, n = 600
            let round = { (x: [Float]) in x.map { Float(Float16(bitPattern: Self.half($0))) } }
            let k = g.array(n * stride, spread: 2), v = g.array(n * stride, spread: 1), q = g.array(s.heads * s.headDim, spread: 2)
            for window in windows {
                let ours = tiled(q, k, v, s, position: n - 1, window: window, scale: 0.125, type: .f16)
                let exact = naive(q, round(k), round(v), s, position: n - 1, window: window, scale: 0.125)
                XCTAssertLessThan(relativeError(ours, exact, headDim: s.headDim), 1e-5, "\(s.heads)/\(s.kvHeads), window \(String(describing: window))")
            }
        }
    }

    static func half(_ x: Float) -> UInt16 {
        var h: UInt16 = 0
        withUnsafePointer(to: x) { Half.fromFloat($0, into: &h, count: 1) }
        return h
    }

    /// The F16C and portable conversions give the same bits, both ways, including subnormals, ±65504,
    /// overflow to infinity, halfway cases and NaN.
    func testHalfConversionsAgree() throws {
        var g = Generator(state: 11)
        var xs: [Float] = g.array(1000, spread: 70000) + g.array(1000, spread: 1e-4) + g.array(1000, spread: 1)
        xs += [0, -0, 65504, -65504, 65520, 1e9, .infinity, -.infinity, 6e-8, 3e-8, 1 + 1 / 2048, 1 + 3 / 2048, .nan]
        for impl in [KernelImplementation.portable, .best] {
            var h = [UInt16](repeating: 0, count: xs.count)
            Half.fromFloat(xs, into: &h, count: xs.count, implementation: impl)
            var portable = [UInt16](repeating: 0, count: xs.count)
            Half.fromFloat(xs, into: &portable, count: xs.count, implementation: .portable)
            XCTAssertEqual(h, portable, "\(impl) f32 → f16")
            for (x, bits) in zip(xs, h) where !x.isNaN {
                XCTAssertEqual(bits, Float16(x).bitPattern, "\(x)")
            }
            let all = (0...UInt16.max).map { $0 }
            var back = [Float](repeating: 0, count: all.count)
            Half.toFloat(all, into: &back, count: all.count, implementation: impl)
            for (bits, f) in zip(all, back) {
                let expected = Float(Float16(bitPattern: bits))
                XCTAssertTrue(f.bitPattern == expected.bitPattern || (f.isNaN && expected.isNaN), "\(bits)")
            }
        }
    }

    /// Split across a pool (KV heads, query heads of a head, queries of a batch) attention gives what one
    /// thread gives: decoding on Gemma's single KV head, Qwen's grouped heads, and a batch across tiles.
    func testParallelUnitsEqualOneThread() {
        var g = Generator(state: 13)
        let pool = Workers(threads: 3)
        for s in shapes + [Shape(heads: 16, kvHeads: 4, headDim: 128)] {
            let stride = s.kvHeads * s.headDim, n = 700
            let k = g.array(n * stride, spread: 2), v = g.array(n * stride, spread: 1), q = g.array(s.heads * s.headDim, spread: 2)
            for type in KVElementType.allCases {
                for window in windows {
                    let one = tiled(q, k, v, s, position: n - 1, window: window, scale: 0.125, type: type)
                    let many = tiled(q, k, v, s, position: n - 1, window: window, scale: 0.125, type: type, pool: pool)
                    XCTAssertTrue(one == many, "\(s.heads)/\(s.kvHeads)×\(s.headDim) \(type) window \(String(describing: window))")
                }
            }
        }
        // A batch: every query of it, split in chunks across the pool, equals the single-thread batch.
        let s = Shape(heads: 4, kvHeads: 1, headDim: 256), stride = 256, n = 600, batch = 90, start = n - batch
        let k = g.array(n * stride, spread: 2), v = g.array(n * stride, spread: 1)
        let qs = g.array(batch * s.heads * s.headDim, spread: 2)
        let cache = KVCache(layers: 1, width: stride, capacity: n, type: .f16)
        k.withUnsafeBufferPointer { kp in v.withUnsafeBufferPointer { vp in
            cache.write(layer: 0, position: 0, keys: kp.baseAddress!, values: vp.baseAddress!, count: n)
        } }
        var results: [[Float]] = []
        for p in [nil, pool] {
            var out = [Float](repeating: .nan, count: qs.count)
            qs.withUnsafeBufferPointer { qp in out.withUnsafeMutableBufferPointer { op in
                attend(AttentionArguments(query: qp.baseAddress!, keys: cache.keyRows(layer: 0), values: cache.valueRows(layer: 0),
                                          position: start, heads: 4, kvHeads: 1, headDim: 256, scale: 0.0625, window: 512,
                                          output: op.baseAddress!, scratch: AttentionScratch(group: 4, headDim: 256),
                                          count: batch), pool: p)
            } }
            results.append(out)
        }
        // Chunks start their tiles at their own first query's first key, so sums may round differently.
        XCTAssertTrue(results[0].allSatisfy(\.isFinite))
        XCTAssertLessThan(relativeError(results[1], results[0], headDim: 256), 1e-5)
    }

    /// The SIMD single-query products equal the portable ones (up to summation order) on f32 and f16 rows,
    /// for group sizes that fill, and do not fill, the kernel's four heads per pass.
    func testDirectProductsMatchPortable() {
        var g = Generator(state: 17)
        for (group, dim) in [(1, 64), (3, 128), (4, 256), (6, 32), (2, 48)] {
            let n = 37, stride = dim * 2 + 16
            let rows = g.array(n * stride, spread: 2), q = g.array(group * dim, spread: 1), p = g.array(group * n, spread: 1)
            let halves = rows.map(Self.half)
            for isHalf in [false, true] {
                var results: [[Float]] = []
                for impl in [KernelImplementation.portable, .best] {
                    var scores = [Float](repeating: 0, count: group * n)
                    var out = g.array(group * dim, spread: 1)
                    let seed = out
                    func run(_ base: UnsafeRawPointer) {
                        let r = AttentionProducts.Rows(base: base, isHalf: isHalf, stride: stride)
                        AttentionProducts.scores(query: q, group: group, dim: dim, keys: r, count: n, scale: 0.5,
                                                 into: &scores, implementation: impl)
                        AttentionProducts.values(weights: p, group: group, count: n, values: r, dim: dim, into: &out,
                                                 accumulate: true, implementation: impl)
                    }
                    if isHalf { halves.withUnsafeBytes { run($0.baseAddress!) } } else { rows.withUnsafeBytes { run($0.baseAddress!) } }
                    results.append(scores + out.enumerated().map { $1 - seed[$0] })
                }
                for (a, b) in zip(results[0], results[1]) {
                    XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(a)), "group \(group) dim \(dim) half \(isHalf)")
                }
            }
        }
    }
}
