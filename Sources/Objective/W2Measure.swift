// W2Measure: the Wasserstein-2 style loss at one layer and region (crowsonkb's style-transfer-pytorch, 2023) — the squared
// 2-Wasserstein distance between two Gaussians fitted to the features, the image's and the painting's — with its
// exact gradient through the matrix square root.
//
// With μ the features' channel means, M = FFᵀ/N their second raw moment (N pixels) and Σ = M − μμᵀ + εI:
//
//   E = Σ_c (μ_c − μ_s,c)² / C + tr(Σ_s + Σ − 2·(S Σ S)^½) / C,   S = Σ_s^½ (fixed with the painting).
//
// With A = S Σ S = V·diag(λ)·Vᵀ, tr A^½ = Σ √|λ| and ∂ tr A^½ / ∂A = V·diag(1 / (2√|λ|))·Vᵀ, so
//
//   ∂E/∂Σ = D = (I − 2·S V diag(1/(2√|λ|)) Vᵀ S) / C,   ∂E/∂M = D,   ∂E/∂μ = 2(μ − μ_s)/C − 2·D μ.
//
// The square roots are taken by eigendecomposition in Double (`SymmetricEigen`), not by a fixed number of
// Newton–Schulz iterations: the loss and its gradient are the exact ones.

import Engine

/// A painting's statistics at one layer and the loss of an image's against them, with the workspaces (allocated
/// once per term).
final class W2Measure: StyleMeasure {
    /// ε in Σ = M − μμᵀ + ε·I, for both pictures.
    static let epsilon = 1e-4
    let channels: Int
    let targetMean: [Double]
    /// S = Σ_s^½.
    let root: [Double]
    let targetTrace: Double
    /// (Σ μ_s² + tr Σ_s) / C: the loss of an image whose features are all zero, the relative loss's unit.
    let magnitude: Double
    let targetGram: [Float]
    /// 1 / `magnitude` under relative losses, else 1.
    let scale: Double
    /// ∂E/∂M and ∂E/∂μ of the last evaluation.
    private(set) var dMoment: [Double], dMean: [Double]
    private var moment: [Double], sigma: [Double], product: [Double], a: [Double], eigen: SymmetricEigen

    /// The painting's channel means and second raw moment FFᵀ/N (C·C values) from `target`.
    init(target: PaintingStatistics, shape: Shape, settings: ObjectiveSettings) {
        let (mean, moment) = (target.mean, target.moment)
        let c = mean.count
        precondition(moment.count == c * c, "W2Measure: moment and mean disagree")
        channels = c
        targetMean = mean
        let covariance = Self.covariance(moment: moment, mean: mean)
        root = SymmetricEigen(covariance, n: c).map { abs($0).squareRoot() }
        targetTrace = (0..<c).reduce(0) { $0 + covariance[$1 * c + $1] }
        magnitude = (mean.reduce(0) { $0 + $1 * $1 } + targetTrace) / Double(c)
        (dMoment, dMean) = ([Double](repeating: 0, count: c * c), [Double](repeating: 0, count: c))
        (self.moment, sigma, product, a) = (dMoment, dMoment, dMoment, dMoment)
        eigen = SymmetricEigen(n: c)
        targetGram = target.gram
        scale = settings.normalization == .relative ? 1 / (magnitude > 0 ? magnitude : 1) : 1
    }

    /// W2 takes the second raw moment FFᵀ/N, whatever the convention.
    static func gramNormalization(_ shape: Shape, _ settings: ObjectiveSettings) -> Double { Double(shape.pixels) }

    static var readsMoments: Bool { true }

    /// E of the picture's statistics; k · its gradient into `dGram` (∂E/∂M) and `dMean` (∂E/∂μ).
    func evaluate(_ picture: PictureStatistics, k: Double, dGram: inout [Float], dMean: inout [Double]) -> Double {
        let value = evaluate(mean: picture.means, sums: picture.sums, pixels: picture.pixels)
        for j in dGram.indices { dGram[j] = Float(k * dMoment[j]) }
        for j in dMean.indices { dMean[j] = k * self.dMean[j] }
        return value
    }

    /// Σ = M − μμᵀ + ε·I.
    static func covariance(moment: [Double], mean: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: moment.count)
        covariance(moment: moment, mean: mean, into: &out)
        return out
    }

    static func covariance(moment: [Double], mean: [Double], into out: inout [Double]) {
        let c = mean.count
        for i in 0..<c {
            for j in 0..<c { out[i * c + j] = moment[i * c + j] - mean[i] * mean[j] }
            out[i * c + i] += epsilon
        }
    }

    /// E for the image's channel means and its second raw moment (`sums` over `pixels`, taken in Double);
    /// `dMoment` and `dMean` become its gradient.
    func evaluate(mean: [Double], sums: GramSums, pixels: Int) -> Double {
        let c = channels, cd = Double(c)
        precondition(mean.count == c && sums.channels == c, "W2Measure.evaluate: shapes")
        sums.result(normalization: Double(pixels), into: &moment)
        Self.covariance(moment: moment, mean: mean, into: &sigma)
        DenseMatrix.multiply(root, sigma, into: &product, n: c)
        DenseMatrix.multiply(product, root, into: &a, n: c)
        eigen.decompose(a)
        var meanTerm = 0.0, trace = 0.0, rootTrace = 0.0
        for i in 0..<c {
            meanTerm += (mean[i] - targetMean[i]) * (mean[i] - targetMean[i])
            trace += sigma[i * c + i]
            rootTrace += abs(eigen.values[i]).squareRoot()
        }
        // S·V·diag(d)·Vᵀ·S as Uᵀ·diag(d)·U with U = Vᵀ·S (the rows of `eigen.vectors` are V's columns).
        DenseMatrix.multiply(eigen.vectors, root, into: &product, n: c)
        for i in 0..<c {
            let l = eigen.values[i]
            let d = l == 0 ? 0 : (l > 0 ? 1 : -1) / (2 * abs(l).squareRoot())
            for k in 0..<c { a[i * c + k] = d * product[i * c + k] }
        }
        DenseMatrix.multiply(a, product, into: &dMoment, n: c, transposingA: true)
        for i in 0..<(c * c) { dMoment[i] = -2 * dMoment[i] / cd }
        for i in 0..<c { dMoment[i * c + i] += 1 / cd }
        for i in 0..<c {
            var dm = 0.0
            for j in 0..<c { dm += dMoment[i * c + j] * mean[j] }
            dMean[i] = 2 * (mean[i] - targetMean[i]) / cd - 2 * dm
        }
        return meanTerm / cd + (targetTrace + trace - 2 * rootTrace) / cd
    }
}
