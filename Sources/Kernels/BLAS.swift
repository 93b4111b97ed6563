import COpenBLAS

/// The BLAS calls the engine uses, row-major, f32. BLAS is for big contiguous matmuls (prefill) only.
public enum BLAS {
    /// C[m, n] = alpha · A[m, k] · op(B) + beta · C, all row-major.
    /// With `transposeB`, B is stored as [n, k]: the GGUF weight layout, one row per output feature.
    public static func sgemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Sets OpenBLAS's own thread count, so its pthreads and our pool do not oversubscribe the cores.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
    public static var threads: Int { Int(openblas_get_num_threads()) }
}
