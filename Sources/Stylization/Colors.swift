// Colors: colour preservation (Gatys, Bethge, Hertzmann & Shechtman 2016, "Preserving Color in Neural Artistic
// Style Transfer"): luminance-only transfer, and linear colour transfer of the style image to the content's colours.

import ImageFiles

/// How the photo's colours are kept.
public enum ColorPreservation: String, Sendable, Codable, CaseIterable {
    /// The result's luminance with the content's chroma (BT.601 YUV), applied to every output picture.
    case luminance
    /// Before optimising, the style image's colours are mapped linearly onto the content's mean and covariance:
    /// x' = L_c L_s⁻¹ (x − μ_s) + μ_c, with L the Cholesky factors of the colour covariances.
    case transfer
}

public enum Colors {
    /// Planar RGB `result` (0…255) with its luminance kept and its chroma replaced by `content`'s (same size).
    public static func luminanceOnly(_ result: [Float], content: [Float]) -> [Float] {
        precondition(result.count == content.count && result.count % 3 == 0)
        let n = result.count / 3
        var out = [Float](repeating: 0, count: result.count)
        for p in 0..<n {
            let (r, g, b) = (result[p], result[n + p], result[2 * n + p])
            let (cr, cg, cb) = (content[p], content[n + p], content[2 * n + p])
            let y = 0.299 * r + 0.587 * g + 0.114 * b
            let u = -0.14713 * cr - 0.28886 * cg + 0.436 * cb
            let v = 0.615 * cr - 0.51499 * cg - 0.10001 * cb
            out[p] = y + 1.13983 * v
            out[n + p] = y - 0.39465 * u - 0.58060 * v
            out[2 * n + p] = y + 2.03211 * u
        }
        return out
    }

    /// Mean and covariance of the colours of planar RGB pixels.
    public static func statistics(_ planar: [Float]) -> (mean: [Double], covariance: [[Double]]) {
        let n = planar.count / 3
        var mean = [0.0, 0.0, 0.0]
        for c in 0..<3 { for p in 0..<n { mean[c] += Double(planar[c * n + p]) }; mean[c] /= Double(n) }
        var cov = [[Double]](repeating: [0, 0, 0], count: 3)
        for p in 0..<n {
            for i in 0..<3 {
                for j in 0..<3 {
                    cov[i][j] += (Double(planar[i * n + p]) - mean[i]) * (Double(planar[j * n + p]) - mean[j])
                }
            }
        }
        return (mean, cov.map { $0.map { $0 / Double(n) } })
    }

    /// The style picture recoloured to the content's colour mean and covariance (clamped to 0…255).
    public static func transfer(_ style: RGBImage, toColorsOf content: RGBImage) -> RGBImage {
        let s = style.planar
        let (ms, cs) = statistics(s), (mc, cc) = statistics(content.planar)
        let a = multiply(cholesky(cc), inverseLower(cholesky(cs)))
        let n = s.count / 3
        var out = [Float](repeating: 0, count: s.count)
        for p in 0..<n {
            let d = (0..<3).map { Double(s[$0 * n + p]) - ms[$0] }
            for i in 0..<3 { out[i * n + p] = Float(mc[i] + a[i][0] * d[0] + a[i][1] * d[1] + a[i][2] * d[2]) }
        }
        return RGBImage(width: style.width, height: style.height, planar: out)
    }

    /// Lower-triangular L with L Lᵀ = m (a small ridge keeps flat, grey pictures positive definite).
    static func cholesky(_ m: [[Double]]) -> [[Double]] {
        var l = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 {
            for j in 0...i {
                var sum = m[i][j] + (i == j ? 1e-3 : 0)
                for k in 0..<j { sum -= l[i][k] * l[j][k] }
                l[i][j] = i == j ? max(sum, 1e-12).squareRoot() : sum / l[j][j]
            }
        }
        return l
    }

    static func inverseLower(_ l: [[Double]]) -> [[Double]] {
        var inv = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 {
            inv[i][i] = 1 / l[i][i]
            for j in 0..<i {
                var sum = 0.0
                for k in j..<i { sum -= l[i][k] * inv[k][j] }
                inv[i][j] = sum / l[i][i]
            }
        }
        return inv
    }

    static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0) { $0 + a[i][$1] * b[$1][j] } } }
    }
}
