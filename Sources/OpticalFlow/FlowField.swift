// FlowField: a dense displacement per pixel (u right, v down, in pixels): resized between pyramid levels, used to
// warp pictures, compared with another flow.

/// Where each pixel of one frame is found in another: pixel (x, y) moves to (x + u, y + v).
public struct FlowField: Sendable, Equatable {
    public let width: Int, height: Int
    public var u: [Float], v: [Float]

    public init(width: Int, height: Int, u: [Float], v: [Float]) {
        precondition(u.count == width * height && v.count == width * height, "FlowField: components do not fit the size")
        (self.width, self.height, self.u, self.v) = (width, height, u, v)
    }

    /// No motion.
    public init(zeroWidth width: Int, height: Int) {
        self.init(width: width, height: height, u: .init(repeating: 0, count: width * height),
                  v: .init(repeating: 0, count: width * height))
    }

    /// The flow at another size: sampled bilinearly at the corresponding places (pixel centres aligned) and scaled
    /// by the size ratio.
    public func resized(width w: Int, height h: Int) -> FlowField {
        let sx = Float(width) / Float(w), sy = Float(height) / Float(h)
        var out = FlowField(zeroWidth: w, height: h)
        u.withUnsafeBufferPointer { pu in
            v.withUnsafeBufferPointer { pv in
                for y in 0..<h {
                    let fy = (Float(y) + 0.5) * sy - 0.5
                    for x in 0..<w {
                        let fx = (Float(x) + 0.5) * sx - 0.5
                        out.u[y * w + x] = GreyImage.sample(pu, width, height, fx, fy) / sx
                        out.v[y * w + x] = GreyImage.sample(pv, width, height, fx, fy) / sy
                    }
                }
            }
        }
        return out
    }

    /// `planes` (each `width · height` values, planar) seen through the flow: out(x) = planes(x + w(x)), bilinear,
    /// the border repeated outside.
    /// `cubic`: Catmull–Rom instead of bilinear (sharper; a painting carried over frame after frame keeps its
    /// detail), the result clamped to the plane's own range at the four nearest samples.
    public func warp(_ planes: [Float], channels: Int, cubic: Bool = false) -> [Float] {
        let n = width * height
        precondition(planes.count == channels * n, "FlowField.warp: planes do not fit the flow")
        var out = [Float](repeating: 0, count: planes.count)
        planes.withUnsafeBufferPointer { all in
            for c in 0..<channels {
                let plane = UnsafeBufferPointer(rebasing: all[(c * n)..<((c + 1) * n)])
                for y in 0..<height {
                    for x in 0..<width {
                        let i = y * width + x
                        let (sx, sy) = (Float(x) + u[i], Float(y) + v[i])
                        out[c * n + i] = cubic ? Self.cubic(plane, width, height, sx, sy)
                            : GreyImage.sample(plane, width, height, sx, sy)
                    }
                }
            }
        }
        return out
    }

    /// Catmull–Rom at (x, y), the border repeated, clamped between the four nearest samples' least and greatest
    /// (no overshoot rings).
    static func cubic(_ p: UnsafeBufferPointer<Float>, _ width: Int, _ height: Int, _ x: Float, _ y: Float) -> Float {
        let xc = min(max(x, 0), Float(width - 1)), yc = min(max(y, 0), Float(height - 1))
        let x0 = Int(xc), y0 = Int(yc)
        let (tx, ty) = (xc - Float(x0), yc - Float(y0))
        func weights(_ t: Float) -> SIMD4<Float> {
            let t2 = t * t, t3 = t2 * t
            return SIMD4(-0.5 * t3 + t2 - 0.5 * t, 1.5 * t3 - 2.5 * t2 + 1, -1.5 * t3 + 2 * t2 + 0.5 * t, 0.5 * t3 - 0.5 * t2)
        }
        let (wx, wy) = (weights(tx), weights(ty))
        var sum: Float = 0, low = Float.infinity, high = -Float.infinity
        for j in 0..<4 {
            let row = min(max(y0 - 1 + j, 0), height - 1) * width
            var r: Float = 0
            for k in 0..<4 {
                let v = p[row + min(max(x0 - 1 + k, 0), width - 1)]
                r += wx[k] * v
                if (j == 1 || j == 2) && (k == 1 || k == 2) { low = min(low, v); high = max(high, v) }
            }
            sum += wy[j] * r
        }
        return min(max(sum, low), high)
    }

    /// The mean endpoint error against `other` over the pixels where `mask` (when given) is non-zero.
    public func endpointError(to other: FlowField, mask: [Float]? = nil) -> Double {
        precondition(other.width == width && other.height == height, "FlowField.endpointError: sizes differ")
        var sum = 0.0, count = 0.0
        for i in 0..<(width * height) where mask.map({ $0[i] != 0 }) ?? true {
            let du = Double(u[i] - other.u[i]), dv = Double(v[i] - other.v[i])
            sum += (du * du + dv * dv).squareRoot()
            count += 1
        }
        return count > 0 ? sum / count : 0
    }
}
