import Base
import Kernels

/// The cores the forward pass may use: the kernels' thread pool, shared by every product of one model.
struct Workers: @unchecked Sendable {
    let pool: ThreadPool
    var threads: Int { pool.threads }
    /// f32 copies of weights and activations for batched products, reused across calls (evaluation is
    /// serialised per model, so one set per model suffices).
    let weights = GrowableBuffer(), activations = GrowableBuffer()
    /// Quantized activations of one `Matrix.apply`, and the single-token product group of `applyGroup`.
    let quantized = GrowableBytes()
    let group = ProductGroup()

    /// OpenBLAS is kept to one thread: every product, BLAS ones included, is split across our pool
    /// instead, so BLAS threads and pool workers never compete for the same cores.
    init(threads: Int) {
        pool = ThreadPool(threads: threads)
        BLAS.setThreads(1)
    }

    /// Runs body(0..<tasks) across the threads; returns when all are done.
    func run(tasks: Int, _ body: (Int) -> Void) { pool.run(tasks: tasks, body) }
}

extension Matrix {
    /// out[n, rows] = x[n, cols] · Wᵀ: the same product for each of `n` activation rows.
    ///
    /// Quantized weights take llama.cpp's int8 path: each activation row is quantized once (Q8_0 blocks of
    /// 32 for the legacy types, Q8_K blocks of 256 for the K-quants) and multiplied as integers, which is
    /// both faster and what the peer computes (see notes/engine-parity.md).
    ///
    /// This is the hot loop of the whole engine. With one row (decoding) it is bound by reading the weights;
    /// with a batch (prefill) each weight row is read once and dotted with every activation row while it
    /// sits in L1. Every output is the same single dot kernel call either way, so results do not depend on
    /// how tokens were batched.
    /// - Parameter outStride: distance between output rows (≥ rows), e.g. a KV cache row width.
    func apply(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int = 1,
               outStride: Int? = nil, pool: Workers?) {
        let stride = outStride ?? rows
        if n >= Self.gemmThreshold, let pool, applyGEMM(x, into: out, count: n, stride: stride, pool: pool) { return }
        if let bytes = Kernels.activationByteCount(for: type, count: cols),
           let dot = Kernels.quantizedDotKernel(type) {
            // The model's buffer when there is one; a bare call (tests) allocates its own.
            let xq: UnsafeMutableRawPointer, owned: Bool
            if let pool { xq = pool.quantized.pointer(bytes * n); owned = false } else {
                xq = .allocate(byteCount: max(bytes * n, 4), alignment: 64); owned = true
            }
            defer { if owned { xq.deallocate() } }
            for t in 0..<n { Kernels.quantizeActivations(x + t * cols, count: cols, for: type, into: xq + t * bytes) }
            if n == 1, stride == rows {
                Kernels.matvec(type: type, weights: data, rows: rows, cols: cols, xq: xq, out: out, pool: pool?.pool)
                return
            }
            forEachRowChunk(pool: pool) { r in
                let w = data + r * rowBytes
                for t in 0..<n { out[t * stride + r] = dot(row: w, xq: xq + t * bytes, count: cols) }
            }
            return
        }
        // F16 weights: llama.cpp multiplies f16 by f16, so round the activations to f16 first.
        var input = x
        let rounded = UnsafeMutablePointer<Float>.allocate(capacity: type == .f16 ? n * cols : 1)
        defer { rounded.deallocate() }
        if type == .f16 {
            for i in 0..<(n * cols) { rounded[i] = roundToHalf(x[i]) }
            input = UnsafePointer(rounded)
        }
        if n == 1, stride == rows {
            Kernels.matvec(type: type, weights: data, rows: rows, cols: cols, x: input, out: out, pool: pool?.pool)
            return
        }
        guard let dot = Kernels.dotKernel(type) else {
            preconditionFailure("Matrix.apply: no kernel for \(type); WeightsFile checks Kernels.supports at load")
        }
        forEachRowChunk(pool: pool) { r in
            let w = data + r * rowBytes
            for t in 0..<n { out[t * stride + r] = dot(row: w, x: input + t * cols, count: cols) }
        }
    }

    /// Batches at least this large go through BLAS (see applyGEMM); smaller ones through the dot kernels.
    static let gemmThreshold = 16

    /// The prefill path: the weights dequantized to f32 once per batch, the activations replaced by the
    /// exact values their int8 copy stands for, and one sgemm. Same numbers as the int8 dots up to
    /// summation order, several times faster once a batch amortises the dequantization.
    /// Returns false (nothing done) when a type lacks the kernels this needs.
    private func applyGEMM(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int,
                           stride: Int, pool: Workers) -> Bool {
        guard Kernels.supports(type) else { return false }
        let xs = pool.activations.pointer(n * cols)                      // [n, cols]
        if let actType = Kernels.activationType(for: type), Kernels.supports(actType),
           let bytes = Kernels.activationByteCount(for: type, count: cols) {
            let xq = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 4), alignment: 16)
            defer { xq.deallocate() }
            for t in 0..<n {
                Kernels.quantizeActivations(x + t * cols, count: cols, for: type, into: xq)
                Kernels.dequantize(type: actType, src: xq, count: cols, into: xs + t * cols)
            }
        } else if type == .f16 {
            for i in 0..<(n * cols) { xs[i] = roundToHalf(x[i]) }
        } else if type == .f32 {
            xs.update(from: x, count: n * cols)
        } else {
            return false
        }
        let w = pool.weights.pointer(rows * cols)                        // [rows, cols]
        let chunks = max(1, min(rows / 16, 4 * pool.threads))
        pool.run(tasks: chunks) { c in
            let begin = rows * c / chunks, end = rows * (c + 1) / chunks
            Kernels.dequantize(type: type, src: data + begin * rowBytes, count: (end - begin) * cols, into: w + begin * cols)
        }
        // One sgemm per thread, each over its share of the output features.
        let shares = rows >= 64 * pool.threads ? pool.threads : 1
        pool.run(tasks: shares) { c in
            let begin = rows * c / shares, end = rows * (c + 1) / shares
            BLAS.sgemm(m: n, n: end - begin, k: cols, a: xs, lda: cols, b: w + begin * cols, ldb: cols,
                       transposeB: true, c: out + begin, ldc: stride)
        }
        return true
    }

    /// Calls body(r) for every weight row, rows split in chunks across the pool.
    private func forEachRowChunk(pool: Workers?, _ body: (Int) -> Void) {
        let chunks = pool.map { max(1, min(rows / 8, 4 * $0.threads)) } ?? 1
        guard let pool, chunks > 1 else { for r in 0..<rows { body(r) }; return }
        pool.run(tasks: chunks) { c in
            for r in (rows * c / chunks)..<(rows * (c + 1) / chunks) { body(r) }
        }
    }
}

/// A scratch buffer that grows to the largest size asked of it and is then reused.
final class GrowableBuffer: @unchecked Sendable {
    private let bytes = GrowableBytes()

    func pointer(_ count: Int) -> UnsafeMutablePointer<Float> {
        bytes.pointer(count * MemoryLayout<Float>.stride).bindMemory(to: Float.self, capacity: count)
    }
}

/// A 64-byte aligned byte buffer that grows to the largest size asked of it and is then reused (quantized
/// activations; `GrowableBuffer` is its f32 view).
final class GrowableBytes: @unchecked Sendable {
    private var storage = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
    private var capacity = 64

    /// At least `count` bytes; the contents are not kept when it grows.
    func pointer(_ count: Int) -> UnsafeMutableRawPointer {
        if count > capacity {
            storage.deallocate()
            capacity = count   // exactly: the f32 view holds whole dequantized weight matrices
            storage = .allocate(byteCount: capacity, alignment: 64)
        }
        return storage
    }

    deinit { storage.deallocate() }
}

/// Several single-token products run as one parallel loop (one pool wake-up instead of one per product):
/// a MoE layer's expert projections, or an FFN's gate and up. Each result equals `Matrix.apply` on its own.
/// Products sharing an `x` quantize it once. Its arrays and buffer are kept between calls (one group per
/// model, evaluation is serialised), so a decoding step allocates nothing here.
final class ProductGroup: @unchecked Sendable {
    /// A distinct activation vector, quantized for `type`'s dots at `offset` in the buffer.
    private struct Input { let x: UnsafePointer<Float>; let activation: GGMLType; let type: GGMLType; let offset: Int; let cols: Int }
    private struct Pending { let matrix: Matrix; let input: Int?; let x: UnsafePointer<Float>; let out: UnsafeMutablePointer<Float> }
    private var inputs: [Input] = []
    private var pending: [Pending] = []
    private var products: [MatvecProduct] = []
    private var bytes = 0
    private let activations = GrowableBytes()

    /// Adds out[rows] = matrix · x[cols].
    func add(_ matrix: Matrix, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        guard let activation = Kernels.activationType(for: matrix.type),
              let size = Kernels.activationByteCount(for: matrix.type, count: matrix.cols) else {
            pending.append(Pending(matrix: matrix, input: nil, x: x, out: out))
            return
        }
        let index: Int
        if let hit = inputs.firstIndex(where: { $0.x == x && $0.activation == activation && $0.cols == matrix.cols }) {
            index = hit
        } else {
            index = inputs.count
            inputs.append(Input(x: x, activation: activation, type: matrix.type, offset: bytes, cols: matrix.cols))
            bytes += (size + 63) / 64 * 64
        }
        pending.append(Pending(matrix: matrix, input: index, x: x, out: out))
    }

    /// Runs every added product, then forgets them (keeping the storage).
    func run(pool: Workers?) {
        let base = activations.pointer(max(bytes, 64))
        for input in inputs {
            // Every weight type with this activation type quantizes x the same way.
            Kernels.quantizeActivations(input.x, count: input.cols, for: input.type, into: base + input.offset)
        }
        for p in pending {
            let m = p.matrix
            if let i = p.input {
                products.append(MatvecProduct(type: m.type, weights: m.data, rows: m.rows, cols: m.cols,
                                              x: UnsafeRawPointer(base + inputs[i].offset), quantized: true, out: p.out))
            } else if m.type == .f32 {
                products.append(MatvecProduct(type: m.type, weights: m.data, rows: m.rows, cols: m.cols,
                                              x: UnsafeRawPointer(p.x), quantized: false, out: p.out))
            } else {
                m.apply(p.x, into: p.out, pool: pool)   // f16 and others: the general path
            }
        }
        products.withUnsafeBufferPointer { Kernels.matvec(group: $0, pool: pool?.pool) }
        inputs.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        products.removeAll(keepingCapacity: true)
        bytes = 0
    }
}

/// Builds a group of single-token products with `body` and runs it as one parallel loop (see ProductGroup).
func applyGroup(_ pool: Workers?, _ body: (ProductGroup) -> Void) {
    let group = pool?.group ?? ProductGroup()
    body(group)
    group.run(pool: pool)
}
