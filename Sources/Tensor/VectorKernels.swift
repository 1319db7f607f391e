// Element-wise kernels written with SIMD vectors: the compiler does not vectorise plain loops
// over possibly aliasing pointers, and these run on every activation of every step.

typealias Vector = SIMD8<Float>

@inline(__always) private func load(_ p: UnsafePointer<Float>) -> Vector {
    UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
}

@inline(__always) private func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
}

enum VectorKernels {
    static let width = Vector.scalarCount

    /// Eight floats from any address.
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Vector { UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }
    /// Eight floats to any address.
    @inline(__always) static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// o += a · s.
    @inline(__always) static func scaleAccumulate(_ a: UnsafePointer<Float>, _ s: Float, _ o: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + width <= n { store(load(o + i) + s * load(a + i), o + i); i += width }
        while i < n { o[i] += s * a[i]; i += 1 }
    }

    /// Σ a · b.
    @inline(__always) static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Vector(repeating: 0)
        var i = 0
        while i + width <= n { acc += load(a + i) * load(b + i); i += width }
        var s = acc.sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// o = a + b.
    @inline(__always) static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + width <= n { store(load(a + i) + load(b + i), o + i); i += width }
        while i < n { o[i] = a[i] + b[i]; i += 1 }
    }

    /// o = a (short rows: cheaper inline than a memmove call).
    @inline(__always) static func copy(_ a: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + width <= n { store(load(a + i), o + i); i += width }
        while i < n { o[i] = a[i]; i += 1 }
    }

    /// o += a.
    @inline(__always) static func accumulate(_ a: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + width <= n { store(load(o + i) + load(a + i), o + i); i += width }
        while i < n { o[i] += a[i]; i += 1 }
    }

    /// o = a · b.
    @inline(__always) static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + width <= n { store(load(a + i) * load(b + i), o + i); i += width }
        while i < n { o[i] = a[i] * b[i]; i += 1 }
    }

    /// o += a · b.
    @inline(__always) static func multiplyAdd(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + width <= n { store(load(o + i) + load(a + i) * load(b + i), o + i); i += width }
        while i < n { o[i] += a[i] * b[i]; i += 1 }
    }

    /// o = x · scale + shift.
    @inline(__always) static func affine(_ x: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int, scale: Float, shift: Float) {
        let s = Vector(repeating: scale), t = Vector(repeating: shift)
        var i = 0
        while i + width <= n { store(load(x + i) * s + t, o + i); i += width }
        while i < n { o[i] = x[i] * scale + shift; i += 1 }
    }

    /// o = max(x, 0).
    @inline(__always) static func relu(_ x: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int) {
        let zero = Vector(repeating: 0)
        var i = 0
        while i + width <= n { let v = load(x + i); store(v.replacing(with: zero, where: v .< zero), o + i); i += width }
        while i < n { o[i] = max(x[i], 0); i += 1 }
    }

    /// gx += g where y > 0.
    @inline(__always) static func reluBackward(_ y: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>, _ n: Int) {
        let zero = Vector(repeating: 0)
        var i = 0
        while i + width <= n {
            let pass = load(g + i).replacing(with: zero, where: load(y + i) .<= zero)
            store(load(gx + i) + pass, gx + i)
            i += width
        }
        while i < n { if y[i] > 0 { gx[i] += g[i] }; i += 1 }
    }

    /// gx = g where y > 0, else 0.
    @inline(__always) static func reluGradient(_ y: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>, _ n: Int) {
        let zero = Vector(repeating: 0)
        var i = 0
        while i + width <= n { store(load(g + i).replacing(with: zero, where: load(y + i) .<= zero), gx + i); i += width }
        while i < n { gx[i] = y[i] > 0 ? g[i] : 0; i += 1 }
    }

    /// Σ x.
    @inline(__always) static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Vector(repeating: 0)
        var i = 0
        while i + width <= n { acc += load(x + i); i += width }
        var s = acc.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// (Σ (x − shift), Σ (x − shift)²).
    @inline(__always) static func shiftedMoments(_ x: UnsafePointer<Float>, _ n: Int, shift: Float) -> (Float, Float) {
        let k = Vector(repeating: shift)
        var s = Vector(repeating: 0), ss = Vector(repeating: 0)
        var i = 0
        while i + width <= n { let d = load(x + i) - k; s += d; ss += d * d; i += width }
        var a = s.sum(), b = ss.sum()
        while i < n { let d = x[i] - shift; a += d; b += d * d; i += 1 }
        return (a, b)
    }

    /// (Σ g, Σ g·(x − mean)).
    @inline(__always) static func gradientMoments(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int, mean: Float) -> (Float, Float) {
        let m = Vector(repeating: mean)
        var sg = Vector(repeating: 0), sgx = Vector(repeating: 0)
        var i = 0
        while i + width <= n { let gv = load(g + i); sg += gv; sgx += gv * (load(x + i) - m); i += width }
        var a = sg.sum(), b = sgx.sum()
        while i < n { a += g[i]; b += g[i] * (x[i] - mean); i += 1 }
        return (a, b)
    }

    /// gx (+)= scale · (g − meanG − (x − mean)·inv·meanGXhat): batch norm's input gradient,
    /// added to gx when `accumulate`, else stored.
    @inline(__always) static func batchNormBackward(
        _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>, _ n: Int,
        mean: Float, inv: Float, meanG: Float, meanGXhat: Float, scale: Float, accumulate: Bool
    ) {
        let vm = Vector(repeating: mean), vk = Vector(repeating: inv * meanGXhat)
        let vg = Vector(repeating: meanG), vs = Vector(repeating: scale)
        var i = 0
        if accumulate {
            while i + width <= n { store(load(gx + i) + vs * (load(g + i) - vg - (load(x + i) - vm) * vk), gx + i); i += width }
            while i < n { gx[i] += scale * (g[i] - meanG - (x[i] - mean) * inv * meanGXhat); i += 1 }
        } else {
            while i + width <= n { store(vs * (load(g + i) - vg - (load(x + i) - vm) * vk), gx + i); i += width }
            while i < n { gx[i] = scale * (g[i] - meanG - (x[i] - mean) * inv * meanGXhat); i += 1 }
        }
    }
}
