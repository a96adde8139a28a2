// StyleObjective W2: the style layers' losses as Wasserstein-2 distances (`W2Layer`), from the same Gram sums (the
// second raw moment, FFᵀ/N) and the channel sums taken beside them; their gradients seed the backward through
// `seedGram` as the Gram loss's do.

import Engine

extension StyleObjective {
    /// E_l of each style layer (Σ over regions of λ · s · W2), writing ∂total/∂M into `gramGradients` and
    /// ∂total/∂μ into `meanGradients`. The layers and regions are shared among the workers (each eigendecomposition
    /// on one thread).
    func w2Losses() -> [Double] {
        let s = settings
        let pairs = s.styleLayers.indices.flatMap { i in (0..<regions).map { (i, $0) } }
        var values = [Double](repeating: 0, count: pairs.count)
        profile.measure("W2 loss (eigendecompositions)") {
            values.withUnsafeMutableBufferPointer { values in
                let out = values.baseAddress!
                parallel.forEach(pairs.count) { k in
                    let (i, r) = pairs[k]
                    out[k] = w2[i][r].evaluate(mean: means[i][r], sums: gramSums[i][r], pixels: styleShapes[i].pixels)
                }
            }
        }
        var layers = [Double](repeating: 0, count: s.styleLayers.count)
        for (k, (i, r)) in pairs.enumerated() {
            let scale = styleScales[i][r], lambda = regionWeights[i][r]
            let factor = scale * lambda * s.styleLayers[i].weight * s.styleWeight
            let layer = w2[i][r]
            for j in gramGradients[i][r].indices { gramGradients[i][r][j] = Float(factor * layer.dMoment[j]) }
            for j in meanGradients[i][r].indices { meanGradients[i][r][j] = factor * layer.dMean[j] }
            layers[i] += lambda * scale * values[k]
        }
        return layers
    }
}
