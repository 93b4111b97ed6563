import Base
import CKernels

/// One matrix-vector product of a group run together by `Kernels.matvec(group:pool:)`.
public struct MatvecProduct {
    /// `[rows, cols]` weights in `type`'s blocks.
    public var type: GGMLType
    public var weights: UnsafeRawPointer
    public var rows: Int
    public var cols: Int
    /// `[cols]` f32 activations, or with `quantized` the activations as `Kernels.quantizeActivations` left them.
    public var x: UnsafeRawPointer
    public var quantized: Bool
    /// `[rows]` results.
    public var out: UnsafeMutablePointer<Float>

    public init(type: GGMLType, weights: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafeRawPointer,
                quantized: Bool, out: UnsafeMutablePointer<Float>) {
        self.type = type
        self.weights = weights
        self.rows = rows
        self.cols = cols
        self.x = x
        self.quantized = quantized
        self.out = out
    }
}

extension Kernels {
    /// Runs several independent products as one parallel loop: e.g. the gate and up projections of every
    /// active expert of a MoE layer, which are small, so one wake-up of the pool per group instead of one per
    /// product saves most of the synchronization. Each product's results equal `matvec` run on its own.
    public static func matvec(group products: UnsafeBufferPointer<MatvecProduct>, pool: ThreadPool?) {
        let group = ProductGroupTasks(products: products, threads: pool?.threads ?? 1)
        var tasks = 0
        for p in products {
            precondition(p.type.byteCount(for: p.cols) != nil, "Kernels.matvec(group:): \(p.cols) columns is not a multiple of \(p.type)'s block")
            precondition(p.quantized ? qdotKernel(p.type) != nil : bestDot[Int(p.type.rawValue)] != nil,
                         "Kernels.matvec(group:): no \(p.quantized ? "int8" : "f32") kernel for \(p.type)")
            tasks += group.chunks(rows: p.rows)
        }
        guard let pool, tasks > 1 else {
            for task in 0..<tasks { group.run(task: task) }
            return
        }
        // The loop's context is this struct on our stack: a group costs no allocation (decoding runs several
        // per layer).
        withUnsafePointer(to: group) {
            pool.run(tasks: tasks, context: $0) { context, task in
                context.assumingMemoryBound(to: ProductGroupTasks.self).pointee.run(task: task)
            }
        }
    }

    /// Best int8 kernels per type id, resolved once.
    nonisolated(unsafe) static let bestQDot: [qk_qdot_fn?] = (0..<64).map { qk_qdot_kernel(UInt32($0), UInt32(QK_IMPL_BEST)) }
    static func qdotKernel(_ type: GGMLType) -> qk_qdot_fn? { bestQDot[Int(type.rawValue)] }
}

/// The tasks of one product group: each product cut into row ranges, numbered product by product.
struct ProductGroupTasks {
    let products: UnsafeBufferPointer<MatvecProduct>
    let threads: Int

    /// Row ranges per product: about 4 tasks per thread over the whole group, so a MoE layer's 16 expert
    /// products run whole (one ~300 KB stream each, which the hardware prefetcher follows better than eight
    /// 37 KB pieces) while a group of 2 or 3 large products is still cut finely enough to balance.
    func chunks(rows: Int) -> Int {
        guard threads > 1 else { return 1 }
        let wanted = (4 * threads + products.count - 1) / max(1, products.count)
        return max(1, min(rows / 8, wanted))
    }

    func run(task: Int) {
        // Find the product owning this task; groups are a handful of products, so a scan is cheapest.
        var first = 0
        for p in products {
            let chunks = chunks(rows: p.rows)
            if task < first + chunks {
                let chunk = task - first
                let begin = Int64(p.rows * chunk / chunks), end = Int64(p.rows * (chunk + 1) / chunks)
                let rowBytes = p.type.byteCount(for: p.cols) ?? 0
                if p.quantized, let kernel = Kernels.qdotKernel(p.type) {
                    qk_matvec_rows_q(kernel, p.weights, rowBytes, p.x, Int64(p.cols), p.out, begin, end)
                } else if let kernel = Kernels.bestDot[Int(p.type.rawValue)] {
                    qk_matvec_rows(kernel, p.weights, rowBytes, p.x.assumingMemoryBound(to: Float.self),
                                   Int64(p.cols), p.out, begin, end)
                }
                return
            }
            first += chunks
        }
    }
}
