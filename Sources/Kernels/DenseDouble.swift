// The W2 loss's Double arithmetic: dense n × n products (blocks of 4 rows × 16 columns held in registers while k
// runs) and the inner loops of the symmetric eigendecomposition (Engine's SymmetricEigen: dot products, plane
// rotations, the Householder updates). Here, not in Engine, so each instruction set's copy runs them at its width
// (Engine is built for the baseline: SSE2's two doubles a register, and 8 accumulators of 8 doubles spilled). Every
// sum keeps one order and multiplies and adds are never fused, so every copy gives the same bits.

public typealias Double8 = SIMD8<Double>

@inlinable @inline(__always) func load(_ p: UnsafePointer<Double>) -> Double8 {
    UnsafeRawPointer(p).loadUnaligned(as: Double8.self)
}

@inlinable @inline(__always) func store(_ v: Double8, _ p: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Double8.self)
}

/// out[i0…i0+3][j] = Σ_k a(i, k)·b(k, j) in k order for every column j (n × n, row major; a(i, k) at
/// i·rowStep + k·columnStep): 16 columns at a time in registers, the last n mod 16 by a row loop.
@inlinable @inline(__always)
func denseRows(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, n: Int,
               rows i0: Int, count: Int, rowStep: Int, columnStep: Int) {
    var j0 = 0
    if count == 4 {
        let a0 = a + i0 * rowStep, a1 = a0 + rowStep, a2 = a1 + rowStep, a3 = a2 + rowStep
        while j0 + 16 <= n {
            var (s00, s01, s10, s11) = (Double8(), Double8(), Double8(), Double8())
            var (s20, s21, s30, s31) = (Double8(), Double8(), Double8(), Double8())
            var bk = b + j0
            for k in 0..<n {
                let (b0, b1) = (load(bk), load(bk + 8))
                let c = k * columnStep
                let (x0, x1) = (Double8(repeating: a0[c]), Double8(repeating: a1[c]))
                let (x2, x3) = (Double8(repeating: a2[c]), Double8(repeating: a3[c]))
                s00 = s00 + x0 * b0; s01 = s01 + x0 * b1
                s10 = s10 + x1 * b0; s11 = s11 + x1 * b1
                s20 = s20 + x2 * b0; s21 = s21 + x2 * b1
                s30 = s30 + x3 * b0; s31 = s31 + x3 * b1
                bk += n
            }
            let o = out + i0 * n + j0
            store(s00, o); store(s01, o + 8)
            store(s10, o + n); store(s11, o + n + 8)
            store(s20, o + 2 * n); store(s21, o + 2 * n + 8)
            store(s30, o + 3 * n); store(s31, o + 3 * n + 8)
            j0 += 16
        }
    }
    guard j0 < n else { return }
    for i in i0..<(i0 + count) {
        let row = out + i * n
        (row + j0).update(repeating: 0, count: n - j0)
        for k in 0..<n {
            let x = a[i * rowStep + k * columnStep]
            let bk = b + k * n
            for j in j0..<n { row[j] = row[j] + x * bk[j] }
        }
    }
}

/// Σ_k a[k]·b[k] over `count` values: four partial sums (lane k mod 4), added lane by lane at the end, then the rest.
@inlinable @inline(__always)
func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
    var acc = SIMD4<Double>.zero, k = 0
    while k + 4 <= count {
        acc = acc + UnsafeRawPointer(a + k).loadUnaligned(as: SIMD4<Double>.self)
            * UnsafeRawPointer(b + k).loadUnaligned(as: SIMD4<Double>.self)
        k += 4
    }
    var sum = acc.sum()
    while k < count { sum = sum + a[k] * b[k]; k += 1 }
    return sum
}

/// The plane rotation of two columns: b ← s·a + c·b, a ← c·a − s·b (both from the old values), over `count`.
@inlinable @inline(__always)
func rotate(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, count: Int, c: Double, s: Double) {
    var k = 0
    let (cv, sv) = (Double8(repeating: c), Double8(repeating: s))
    while k + 8 <= count {
        let (x, t) = (load(a + k), load(b + k))
        store(sv * x + cv * t, b + k)
        store(cv * x - sv * t, a + k)
        k += 8
    }
    while k < count {
        let (x, t) = (a[k], b[k])
        b[k] = s * x + c * t
        a[k] = c * x - s * t
        k += 1
    }
}

/// y[k] ← y[k] − (f·e[k] + g·d[k]) over `count` (g = 0: y[k] ← y[k] − f·e[k] with the same bits as that form).
@inlinable @inline(__always)
func subtractTwo(_ y: UnsafeMutablePointer<Double>, _ e: UnsafePointer<Double>, _ f: Double, _ d: UnsafePointer<Double>,
                 _ g: Double, count: Int) {
    var k = 0
    let (fv, gv) = (Double8(repeating: f), Double8(repeating: g))
    while k + 8 <= count {
        store(load(y + k) - (fv * load(e + k) + gv * load(d + k)), y + k)
        k += 8
    }
    while k < count { y[k] = y[k] - (f * e[k] + g * d[k]); k += 1 }
}

/// y[k] ← y[k] + x[k]·f over `count`.
@inlinable @inline(__always)
func addScaled(_ y: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>, _ f: Double, count: Int) {
    var k = 0
    let fv = Double8(repeating: f)
    while k + 8 <= count {
        store(load(y + k) + load(x + k) * fv, y + k)
        k += 8
    }
    while k < count { y[k] = y[k] + x[k] * f; k += 1 }
}
