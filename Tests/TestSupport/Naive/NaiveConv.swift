// Naive convolution: the reference twin of Conv2D, on planar CHW arrays, generic so gradient checks run in Double.

import Engine

/// Straightforward reference kernels, written for clarity; the fast kernels are tested against them.
public enum Naive {}

extension Naive {
    /// 3×3 convolution, stride 1, padding 1 (`padding`'s values beyond the edge), with bias. input [Cin][H][W],
    /// weights OIHW [Cout][Cin][3][3], returns [Cout][H][W]. Specialised for Float and Double (unspecialised, a
    /// generic across modules does every operation through the protocol: VGG19's layers in Double took minutes).
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public static func conv3x3<T: BinaryFloatingPoint>(_ input: [T], _ shape: Shape, weights: [T], bias: [T],
                                                        outChannels: Int, padding: PaddingMode = .zeros) -> [T] {
        let (cin, h, w) = (shape.channels, shape.height, shape.width)
        var out = [T](repeating: 0, count: outChannels * h * w)
        for o in 0..<outChannels {
            for y in 0..<h {
                for x in 0..<w {
                    var sum = bias.isEmpty ? 0 : bias[o]
                    for i in 0..<cin {
                        for ky in 0..<3 {
                            guard let iy = padded(y + ky - 1, h, padding) else { continue }
                            for kx in 0..<3 {
                                guard let ix = padded(x + kx - 1, w, padding) else { continue }
                                sum += weights[((o * cin + i) * 3 + ky) * 3 + kx] * input[(i * h + iy) * w + ix]
                            }
                        }
                    }
                    out[(o * h + y) * w + x] = sum
                }
            }
        }
        return out
    }

    /// Gradient of `conv3x3` with respect to its input: gradOutput [Cout][H][W] → [Cin][H][W].
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public static func conv3x3BackwardInput<T: BinaryFloatingPoint>(_ gradOutput: [T], _ shape: Shape,
                                                                     weights: [T], outChannels: Int,
                                                                     padding: PaddingMode = .zeros) -> [T] {
        let (cin, h, w) = (shape.channels, shape.height, shape.width)
        var grad = [T](repeating: 0, count: cin * h * w)
        for o in 0..<outChannels {
            for y in 0..<h {
                for x in 0..<w {
                    let g = gradOutput[(o * h + y) * w + x]
                    for i in 0..<cin {
                        for ky in 0..<3 {
                            guard let iy = padded(y + ky - 1, h, padding) else { continue }
                            for kx in 0..<3 {
                                guard let ix = padded(x + kx - 1, w, padding) else { continue }
                                grad[(i * h + iy) * w + ix] += weights[((o * cin + i) * 3 + ky) * 3 + kx] * g
                            }
                        }
                    }
                }
            }
        }
        return grad
    }

    /// The input index a tap at index `i` reads on a side of `n` pixels, or nil for a zero.
    private static func padded(_ i: Int, _ n: Int, _ padding: PaddingMode) -> Int? {
        if i >= 0 && i < n { return i }
        return padding == .zeros ? nil : padding.source(i, n)
    }
}

extension Naive {
    /// (rel, abs) within which a fast convolution of `strategy` matches this twin on random weights in ±1 (outputs up
    /// to ~10). Winograd's transforms add a few roundings: F(2×2)'s bound is a little wider than the direct
    /// kernel's, and F(4×4) with the points 0, ±7/10, ±3/2 holds the same (the textbook points 0, ±1, ±2 needed
    /// 1.5e-4). Their error on VGG19's layers, relative to their scale: WinogradAccuracyTests.
    public static func tolerance(_ strategy: ConvStrategy) -> (rel: Double, abs: Double) {
        switch strategy {
        case .direct: (1e-5, 1e-5)
        case .winograd: (1e-5, 4e-5)
        case .winograd4x4: (1e-5, 4e-5)
        }
    }
}
