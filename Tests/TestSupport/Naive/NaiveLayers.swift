// Naive ReLU, pooling, Gram, MSE and TV: the reference twins of the fast kernels, on planar CHW arrays.

import Engine

extension Naive {
    public static func relu<T: BinaryFloatingPoint>(_ x: [T]) -> [T] { x.map { $0 > 0 ? $0 : 0 } }

    /// gradient of relu, from the forward's output.
    public static func reluBackward<T: BinaryFloatingPoint>(_ gradOutput: [T], output: [T]) -> [T] {
        zip(gradOutput, output).map { $1 > 0 ? $0 : 0 }
    }

    /// 2×2 stride-2 max pooling (rounding down); also returns each window's first maximal position (0…3).
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public static func maxPool<T: BinaryFloatingPoint>(_ input: [T], _ shape: Shape) -> (output: [T], argmax: [Int]) {
        let (c, h, w) = (shape.channels, shape.height, shape.width)
        let (ho, wo) = (h / 2, w / 2)
        var out = [T](), arg = [Int]()
        for ch in 0..<c {
            for y in 0..<ho {
                for x in 0..<wo {
                    var best = input[(ch * h + 2 * y) * w + 2 * x], at = 0
                    for k in 1..<4 {
                        let v = input[(ch * h + 2 * y + k / 2) * w + 2 * x + k % 2]
                        if v > best { best = v; at = k }
                    }
                    out.append(best); arg.append(at)
                }
            }
        }
        return (out, arg)
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public static func maxPoolBackward<T: BinaryFloatingPoint>(_ gradOutput: [T], argmax: [Int], _ shape: Shape) -> [T] {
        let (c, h, w) = (shape.channels, shape.height, shape.width)
        let (ho, wo) = (h / 2, w / 2)
        var grad = [T](repeating: 0, count: shape.count)
        for ch in 0..<c {
            for y in 0..<ho {
                for x in 0..<wo {
                    let i = (ch * ho + y) * wo + x, k = argmax[i]
                    grad[(ch * h + 2 * y + k / 2) * w + 2 * x + k % 2] = gradOutput[i]
                }
            }
        }
        return grad
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public static func avgPool<T: BinaryFloatingPoint>(_ input: [T], _ shape: Shape) -> [T] {
        let (c, h, w) = (shape.channels, shape.height, shape.width)
        var out = [T]()
        for ch in 0..<c {
            for y in 0..<(h / 2) {
                for x in 0..<(w / 2) {
                    let i = (ch * h + 2 * y) * w + 2 * x
                    let top: T = input[i] + input[i + 1], bottom: T = input[i + w] + input[i + w + 1]
                    out.append((top + bottom) / 4)
                }
            }
        }
        return out
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public static func avgPoolBackward<T: BinaryFloatingPoint>(_ gradOutput: [T], _ shape: Shape) -> [T] {
        let (c, h, w) = (shape.channels, shape.height, shape.width)
        let (ho, wo) = (h / 2, w / 2)
        var grad = [T](repeating: 0, count: shape.count)
        for ch in 0..<c {
            for y in 0..<ho {
                for x in 0..<wo {
                    let g = gradOutput[(ch * ho + y) * wo + x] / 4
                    let i = (ch * h + 2 * y) * w + 2 * x
                    grad[i] = g; grad[i + 1] = g; grad[i + w] = g; grad[i + w + 1] = g
                }
            }
        }
        return grad
    }

    /// G = F·Fᵀ / n, F of shape C × (H·W); returns C·C values.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public static func gram<T: BinaryFloatingPoint>(_ f: [T], _ shape: Shape, normalization n: T) -> [T] {
        let (c, p) = (shape.channels, shape.pixels)
        var g = [T](repeating: 0, count: c * c)
        for i in 0..<c {
            for j in 0..<c {
                var s: T = 0
                for k in 0..<p { s += f[i * p + k] * f[j * p + k] }
                g[i * c + j] = s / n
            }
        }
        return g
    }

    /// dF = (dG + dGᵀ)·F / n.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public static func gramBackward<T: BinaryFloatingPoint>(_ gradGram: [T], features f: [T], _ shape: Shape,
                                                             normalization n: T) -> [T] {
        let (c, p) = (shape.channels, shape.pixels)
        var grad = [T](repeating: 0, count: c * p)
        for i in 0..<c {
            for j in 0..<c {
                let s = (gradGram[i * c + j] + gradGram[j * c + i]) / n
                for k in 0..<p { grad[i * p + k] += s * f[j * p + k] }
            }
        }
        return grad
    }

    /// Σ (a − b)² / count.
    public static func mse<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> T {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / T(a.count)
    }

    public static func mseBackward<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> [T] {
        zip(a, b).map { 2 * ($0 - $1) / T(a.count) }
    }

    /// Σ squared differences of vertical and horizontal neighbours, over all channels.
    public static func totalVariation<T: BinaryFloatingPoint>(_ x: [T], _ shape: Shape) -> T {
        let (c, h, w) = (shape.channels, shape.height, shape.width)
        var s: T = 0
        for ch in 0..<c {
            for y in 0..<h {
                for xx in 0..<w {
                    let i = (ch * h + y) * w + xx
                    if y + 1 < h { s += (x[i + w] - x[i]) * (x[i + w] - x[i]) }
                    if xx + 1 < w { s += (x[i + 1] - x[i]) * (x[i + 1] - x[i]) }
                }
            }
        }
        return s
    }

    public static func totalVariationBackward<T: BinaryFloatingPoint>(_ x: [T], _ shape: Shape) -> [T] {
        let (c, h, w) = (shape.channels, shape.height, shape.width)
        var g = [T](repeating: 0, count: shape.count)
        for ch in 0..<c {
            for y in 0..<h {
                for xx in 0..<w {
                    let i = (ch * h + y) * w + xx
                    if y + 1 < h { let d = x[i + w] - x[i]; g[i] -= 2 * d; g[i + w] += 2 * d }
                    if xx + 1 < w { let d = x[i + 1] - x[i]; g[i] -= 2 * d; g[i + 1] += 2 * d }
                }
            }
        }
        return g
    }
}
