// PatchSearch: DIS's two steps at one pyramid level (Kroeger et al. 2016): every patch of a grid over the first
// picture finds its displacement in the second by inverse-compositional Gauss–Newton (mean-normalised, so a change of
// brightness does not move it), then the patches' displacements are blended into a dense flow, each weighted at each
// pixel by how well it explains that pixel.

import Engine

struct PatchSearch {
    let patch: Int, stride: Int, iterations: Int

    /// The grid's starts along a side of `length`: every `stride`, the last one flush with the end.
    func starts(_ length: Int) -> [Int] {
        let last = max(length - patch, 0)
        var s = Swift.stride(from: 0, to: last, by: stride).map { $0 }
        s.append(last)
        return s
    }

    /// The dense flow from `i0` to `i1` at this level, starting from `initial` (the coarser level's flow, resized).
    func dense(_ i0: GreyImage, _ i1: GreyImage, initial: FlowField, parallel: Parallel) -> FlowField {
        let (w, h) = (i0.width, i0.height)
        let xs = starts(w), ys = starts(h)
        let p = min(patch, w, h)
        var pu = [Float](repeating: 0, count: xs.count * ys.count), pv = pu
        let (gx, gy) = i0.gradients()
        i0.pixels.withUnsafeBufferPointer { t in
            i1.pixels.withUnsafeBufferPointer { s in
                gx.withUnsafeBufferPointer { gx in
                    gy.withUnsafeBufferPointer { gy in
                        pu.withUnsafeMutableBufferPointer { pu in
                            pv.withUnsafeMutableBufferPointer { pv in
                                let out = (u: SendablePointer(pu.baseAddress!), v: SendablePointer(pv.baseAddress!))
                                parallel.forEach(ys.count) { r in
                                    for (c, x0) in xs.enumerated() {
                                        let centre = (ys[r] + p / 2) * w + x0 + p / 2
                                        let found = search(t, s, gx, gy, w, h, x0, ys[r], p,
                                                           start: (initial.u[centre], initial.v[centre]))
                                        out.u.pointer[r * xs.count + c] = found.u
                                        out.v.pointer[r * xs.count + c] = found.v
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return densify(i0, i1, xs: xs, ys: ys, size: p, u: pu, v: pv, parallel: parallel)
    }

    /// One patch's displacement: Gauss–Newton on the mean-normalised difference, the Hessian from the template's
    /// gradients (inverse compositional: computed once). Keeps `start` when the search makes the patch's match worse
    /// or wanders further than a patch.
    private func search(_ t: UnsafeBufferPointer<Float>, _ s: UnsafeBufferPointer<Float>,
                        _ gx: UnsafeBufferPointer<Float>, _ gy: UnsafeBufferPointer<Float>, _ w: Int, _ h: Int,
                        _ x0: Int, _ y0: Int, _ p: Int, start: (u: Float, v: Float)) -> (u: Float, v: Float) {
        var sx: Float = 0, sy: Float = 0, sxx: Float = 0, sxy: Float = 0, syy: Float = 0
        for y in y0..<(y0 + p) {
            for x in x0..<(x0 + p) {
                let a = gx[y * w + x], b = gy[y * w + x]
                sx += a; sy += b; sxx += a * a; sxy += a * b; syy += b * b
            }
        }
        let n = Float(p * p)
        // The mean-normalised Hessian, a little regularised so that a flat patch stays where it started.
        let hxx = sxx - sx * sx / n + 1e-2, hxy = sxy - sx * sy / n, hyy = syy - sy * sy / n + 1e-2
        let det = hxx * hyy - hxy * hxy
        guard det > 1e-6 else { return start }
        var u = start.u, v = start.v
        func residual(_ u: Float, _ v: Float) -> (sum: Float, squares: Float, bx: Float, by: Float) {
            var sum: Float = 0, squares: Float = 0, bx: Float = 0, by: Float = 0
            for y in y0..<(y0 + p) {
                for x in x0..<(x0 + p) {
                    let d = GreyImage.sample(s, w, h, Float(x) + u, Float(y) + v) - t[y * w + x]
                    sum += d; squares += d * d
                    bx += gx[y * w + x] * d; by += gy[y * w + x] * d
                }
            }
            // With the mean taken out: Σ (g − ḡ)(d − d̄) = Σ g·d − ḡ·Σd.
            return (sum, squares - sum * sum / n, bx - sx * sum / n, by - sy * sum / n)
        }
        let first = residual(u, v)
        var last = first
        for _ in 0..<iterations {
            let du = (hyy * last.bx - hxy * last.by) / det
            let dv = (hxx * last.by - hxy * last.bx) / det
            u -= du; v -= dv
            if du * du + dv * dv < 1e-6 { last = residual(u, v); break }
            last = residual(u, v)
        }
        let moved = (u - start.u) * (u - start.u) + (v - start.v) * (v - start.v)
        if !(last.squares <= first.squares) || moved > Float(p * p) { return start }
        return (u, v)
    }

    /// Every pixel's flow: the mean of the displacements of the patches covering it, each weighted by
    /// 1 / max(1, |I1(x + u) − I0(x)|).
    private func densify(_ i0: GreyImage, _ i1: GreyImage, xs: [Int], ys: [Int], size p: Int, u pu: [Float], v pv: [Float],
                         parallel: Parallel) -> FlowField {
        let (w, h) = (i0.width, i0.height)
        var flow = FlowField(zeroWidth: w, height: h)
        // The patches covering each column and each row, as index ranges into xs and ys (starts ascend).
        func covering(_ starts: [Int], _ length: Int) -> [Range<Int>] {
            (0..<length).map { c in
                let lo = starts.firstIndex { $0 + p > c } ?? starts.count
                let hi = starts.lastIndex { $0 <= c }.map { $0 + 1 } ?? 0
                return lo..<max(lo, hi)
            }
        }
        let columns = covering(xs, w), rows = covering(ys, h)
        i0.pixels.withUnsafeBufferPointer { t in
            i1.pixels.withUnsafeBufferPointer { s in
                flow.u.withUnsafeMutableBufferPointer { fu in
                    flow.v.withUnsafeMutableBufferPointer { fv in
                        let out = (u: SendablePointer(fu.baseAddress!), v: SendablePointer(fv.baseAddress!))
                        parallel.forEach(h) { y in
                            for x in 0..<w {
                                var su: Float = 0, sv: Float = 0, sw: Float = 0
                                for r in rows[y] {
                                    for c in columns[x] {
                                        let k = r * xs.count + c
                                        let d = GreyImage.sample(s, w, h, Float(x) + pu[k], Float(y) + pv[k]) - t[y * w + x]
                                        let weight = 1 / max(1, abs(d))
                                        su += weight * pu[k]; sv += weight * pv[k]; sw += weight
                                    }
                                }
                                out.u.pointer[y * w + x] = sw > 0 ? su / sw : 0
                                out.v.pointer[y * w + x] = sw > 0 ? sv / sw : 0
                            }
                        }
                    }
                }
            }
        }
        return flow
    }
}

/// A raw pointer handed to parallel workers that write disjoint parts of it.
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
