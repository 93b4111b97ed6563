import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// The BLAS calls the engine uses, row-major, f32. BLAS is for big contiguous matmuls (prefill) only.
///
/// OpenBLAS (Debian's `libopenblas.so.0`) is loaded the first time one of these is called, not when the process
/// starts: its threads spin for about 0.1 s after it loads, which a command that never multiplies matrices (a full
/// index, a graph query) would pay for on every run. Should the library be missing, `sgemm` falls back to a plain
/// loop and `backend` says so (the engine is then slow, never wrong).
public enum BLAS {
    private struct Library {
        let sgemm: quorum_cblas_sgemm_fn
        let setThreads: quorum_openblas_set_num_threads_fn
        let getThreads: quorum_openblas_get_num_threads_fn
    }

    private static let library: Library? = {
        for name in ["libopenblas.so.0", "libopenblas.so"] {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            if let sgemm = dlsym(handle, "cblas_sgemm"), let set = dlsym(handle, "openblas_set_num_threads"),
               let get = dlsym(handle, "openblas_get_num_threads") {
                return Library(sgemm: unsafeBitCast(sgemm, to: quorum_cblas_sgemm_fn.self),
                               setThreads: unsafeBitCast(set, to: quorum_openblas_set_num_threads_fn.self),
                               getThreads: unsafeBitCast(get, to: quorum_openblas_get_num_threads_fn.self))
            }
            dlclose(handle)
        }
        return nil
    }()

    /// "openblas" when the library loaded, else "portable" (the fallback loop).
    public static var backend: String { library == nil ? "portable" : "openblas" }

    /// C[m, n] = alpha · A[m, k] · op(B) + beta · C, all row-major.
    /// With `transposeB`, B is stored as [n, k]: the GGUF weight layout, one row per output feature.
    public static func sgemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard let library else {
            portableSgemm(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, transposeB: transposeB,
                          beta: beta, c: c, ldc: ldc)
            return
        }
        library.sgemm(Int32(QuorumCblasRowMajor), Int32(QuorumCblasNoTrans),
                      Int32(transposeB ? QuorumCblasTrans : QuorumCblasNoTrans),
                      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The same product without OpenBLAS: a row of A against each row (or column) of B.
    static func portableSgemm(m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                              b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                              beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                if transposeB {
                    for p in 0..<k { sum += a[i * lda + p] * b[j * ldb + p] }
                } else {
                    for p in 0..<k { sum += a[i * lda + p] * b[p * ldb + j] }
                }
                // beta 0 must not read C: it may hold NaNs (BLAS's rule).
                c[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * ldc + j])
            }
        }
    }

    /// Sets OpenBLAS's own thread count, so its pthreads and our pool do not oversubscribe the cores.
    public static func setThreads(_ n: Int) { library?.setThreads(Int32(max(1, n))) }
    public static var threads: Int { library.map { Int($0.getThreads()) } ?? 1 }
}
