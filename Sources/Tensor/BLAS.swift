import CBLAS

/// Row-major single-precision GEMM: C = alpha * op(A) * op(B) + beta * C, with op(A) M×K and
/// op(B) K×N. Leading dimensions default to the packed row lengths.
@inline(__always)
func gemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil,
    b: UnsafePointer<Float>, ldb: Int? = nil,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil
) {
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha,
        a, Int32(lda ?? (transA ? m : k)),
        b, Int32(ldb ?? (transB ? k : n)),
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
