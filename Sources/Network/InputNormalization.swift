// InputNormalization: how RGB pixels become the network's input, as the weights expect it.

/// The input convention of a set of weights. The optimizer works on RGB values in 0…255; the network sees them
/// normalised, and gradients flow back through the same per-channel affine map.
public enum InputNormalization: String, Sendable, CaseIterable {
    /// Keras/Caffe VGG ("caffe" preprocessing): BGR order, 0…255, minus the ImageNet mean (B 103.939, G 116.779,
    /// R 123.68). The Keras weights, and the origin report, use this.
    case caffeBGR = "caffe_bgr"
    /// torchvision: RGB order, 0…1, minus mean (0.485, 0.456, 0.406), over std (0.229, 0.224, 0.225).
    case torchvisionRGB = "torchvision_rgb"

    /// For network input channel k: which RGB channel it reads, and (scale, offset) with input = scale·rgb + offset.
    public func channel(_ k: Int) -> (rgb: Int, scale: Float, offset: Float) {
        switch self {
        case .caffeBGR:
            let mean: [Float] = [103.939, 116.779, 123.68]
            return (2 - k, 1, -mean[k])
        case .torchvisionRGB:
            let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
            return (k, 1 / (255 * std[k]), -mean[k] / std[k])
        }
    }
}
