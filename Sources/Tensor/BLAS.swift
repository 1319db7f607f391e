import CBLAS
import Dispatch

/// Row-major single-precision GEMM: C = alpha * op(A) * op(B) + beta * C, with op(A) M×K and
/// op(B) K×N. Leading dimensions default to the packed row lengths.
/// Large products are split into blocks of rows (or columns) run on the configured threads,
/// each block one single-threaded OpenBLAS call (see ThreadConfig).
func gemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil,
    b: UnsafePointer<Float>, ldb: Int? = nil,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil
) {
    let lda = lda ?? (transA ? m : k), ldb = ldb ?? (transB ? k : n), ldc = ldc ?? n
    let threads = ThreadConfig.count
    func call(_ rows: Range<Int>, _ cols: Range<Int>) {
        // Row block of op(A): A[r, :] or Aᵀ[r, :] = A[:, r]; column block of op(B) likewise.
        let aBlock = a + (transA ? rows.lowerBound : rows.lowerBound * lda)
        let bBlock = b + (transB ? cols.lowerBound * ldb : cols.lowerBound)
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(rows.count), Int32(cols.count), Int32(k), alpha, aBlock, Int32(lda), bBlock, Int32(ldb),
            beta, c + rows.lowerBound * ldc + cols.lowerBound, Int32(ldc))
    }
    let split = GEMMSplit.choose(m: m, n: n, k: k, threads: threads)
    guard split != .single else {
        call(0..<m, 0..<n)
        return
    }
    let splitRows = split == .rows
    let extent = splitRows ? m : n, multiple = GEMMSplit.blockMultiple
    let blocks = min(threads, extent / multiple)
    let step = ((extent + blocks - 1) / blocks + multiple - 1) / multiple * multiple
    WorkerPool.shared.run(iterations: blocks, threads: ThreadConfig.count) { i in
        let lo = i * step, hi = min(extent, lo + step)
        guard lo < hi else { return }
        if splitRows { call(lo..<hi, 0..<n) } else { call(0..<m, lo..<hi) }
    }
}

/// A single-threaded row-major GEMM, for callers that already run on a worker thread.
/// Leading dimensions default to the packed row lengths.
@inline(__always)
func gemmSerial(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil, b: UnsafePointer<Float>, ldb: Int? = nil,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil
) {
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda ?? (transA ? m : k)), b, Int32(ldb ?? (transB ? k : n)),
        beta, c, Int32(ldc ?? n))
}

/// y += alpha * x over `count` elements.
@inline(__always)
func axpy(_ count: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
    cblas_saxpy(Int32(count), alpha, x, 1, y, 1)
}

/// The dot product of two vectors of `count` elements.
@inline(__always)
func dot(_ count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
    cblas_sdot(Int32(count), x, 1, y, 1)
}

/// Public GEMM entry for benchmarks: C (m×n) = A (m×k) · B (k×n), all row-major.
public func matmulInto(_ a: Tensor, _ b: Tensor, _ c: Tensor, m: Int, n: Int, k: Int) {
    gemm(m: m, n: n, k: k, a: a.data, b: b.data, c: c.data)
}
