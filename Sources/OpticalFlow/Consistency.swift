// Consistency: which pixels a flow can be trusted at (Ruder, Dosovitskiy and Brox 2016, after Sundaram et al.):
// the forward–backward check marks occlusions, the flow's gradient marks motion boundaries.

/// Where the flow `flow` (frame A → B) is reliable, checked against `back` (B → A): 1 where it is, 0 where the
/// pixel is occluded (|w + ŵ(x + w)|² ≥ 0.01 (|w|² + |ŵ(x + w)|²) + 0.5), on a motion boundary
/// (|∇u|² + |∇v|² > 0.01 |w|² + 0.002) or leaves the frame.
public func consistencyMask(_ flow: FlowField, back: FlowField) -> [Float] {
    consistency(flow, back: back, boundaries: true)
}

/// Where the pixel can be seen in the other frame at all: 1, or 0 where it is occluded (the forward–backward check
/// of `consistencyMask`) or leaves the frame; motion boundaries are kept.
public func visibilityMask(_ flow: FlowField, back: FlowField) -> [Float] {
    consistency(flow, back: back, boundaries: false)
}

private func consistency(_ flow: FlowField, back: FlowField, boundaries: Bool) -> [Float] {
    precondition(flow.width == back.width && flow.height == back.height, "consistencyMask: the flows differ in size")
    let (w, h) = (flow.width, flow.height)
    var mask = [Float](repeating: 0, count: w * h)
    back.u.withUnsafeBufferPointer { bu in
        back.v.withUnsafeBufferPointer { bv in
            for y in 0..<h {
                for x in 0..<w {
                    let i = y * w + x
                    let u = flow.u[i], v = flow.v[i]
                    let tx = Float(x) + u, ty = Float(y) + v
                    guard tx >= 0, ty >= 0, tx <= Float(w - 1), ty <= Float(h - 1) else { continue }
                    let ru = GreyImage.sample(bu, w, h, tx, ty), rv = GreyImage.sample(bv, w, h, tx, ty)
                    let sx = u + ru, sy = v + rv
                    if sx * sx + sy * sy >= 0.01 * (u * u + v * v + ru * ru + rv * rv) + 0.5 { continue }
                    guard boundaries else { mask[i] = 1; continue }
                    // Central differences of the flow (one-sided at the border).
                    let l = max(x - 1, 0), r = min(x + 1, w - 1), t = max(y - 1, 0), b = min(y + 1, h - 1)
                    let kx = 1 / Float(max(r - l, 1)), ky = 1 / Float(max(b - t, 1))
                    let ux = (flow.u[y * w + r] - flow.u[y * w + l]) * kx, vx = (flow.v[y * w + r] - flow.v[y * w + l]) * kx
                    let uy = (flow.u[b * w + x] - flow.u[t * w + x]) * ky, vy = (flow.v[b * w + x] - flow.v[t * w + x]) * ky
                    if ux * ux + uy * uy + vx * vx + vy * vy > 0.01 * (u * u + v * v) + 0.002 { continue }
                    mask[i] = 1
                }
            }
        }
    }
    return mask
}
