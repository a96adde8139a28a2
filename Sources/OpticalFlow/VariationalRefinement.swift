// VariationalRefinement: the last step of DIS at each pyramid level (Kroeger et al. 2016, after Brox et al. 2004):
// the flow is refined by minimising a robust energy, brightness and gradient constancy (each normalised by the
// image's gradient, as OpenCV's does) plus a smoothness term; fixed-point iterations around the current flow, each
// solving its linear system by red-black successive over-relaxation (each colour's pixels read only the other's, so
// the rows of a colour run in parallel and the result does not depend on the number of workers).

import Engine

struct VariationalRefinement {
    var alpha: Float = 20, delta: Float = 5, gamma: Float = 10
    var fixedPointIterations = 5, sorIterations = 5
    var omega: Float = 1.6, zeta: Float = 0.1, epsilon: Float = 0.001

    func refine(_ i0: GreyImage, _ i1: GreyImage, _ flow: FlowField, parallel: Parallel) -> FlowField {
        guard fixedPointIterations > 0 else { return flow }
        let (w, h) = (i0.width, i0.height), n = w * h
        let warped = flow.warp(i1.pixels, channels: 1)
        var average = [Float](repeating: 0, count: n), iz = average
        for i in 0..<n { average[i] = 0.5 * (i0.pixels[i] + warped[i]); iz[i] = warped[i] - i0.pixels[i] }
        let (ix, iy) = GreyImage(width: w, height: h, pixels: average).gradients()
        let (ixx, ixy) = GreyImage(width: w, height: h, pixels: ix).gradients()
        let iyy = GreyImage(width: w, height: h, pixels: iy).gradients().y
        let (ixz, iyz) = GreyImage(width: w, height: h, pixels: iz).gradients()
        var du = [Float](repeating: 0, count: n), dv = du
        var weight = du, a11 = du, a12 = du, a22 = du, b1 = du, b2 = du
        let (zeta2, eps2, delta2, gamma2, alpha2) = (zeta * zeta, epsilon * epsilon, delta / 2, gamma / 2, alpha / 2)
        let (wu, wv) = (flow.u, flow.v)
        for _ in 0..<fixedPointIterations {
            // The smoothness weight of each pixel's right and lower edges, from the flow with its increment.
            for y in 0..<h {
                for x in 0..<w {
                    let p = y * w + x
                    let r = x < w - 1 ? p + 1 : p, d = y < h - 1 ? p + w : p
                    let ux = wu[r] + du[r] - wu[p] - du[p], uy = wu[d] + du[d] - wu[p] - du[p]
                    let vx = wv[r] + dv[r] - wv[p] - dv[p], vy = wv[d] + dv[d] - wv[p] - dv[p]
                    weight[p] = alpha2 / (ux * ux + uy * uy + vx * vx + vy * vy + eps2).squareRoot()
                }
            }
            // The data term's coefficients, linearised around the current increment.
            for p in 0..<n {
                var norm = ix[p] * ix[p] + iy[p] * iy[p] + zeta2
                let e = iz[p] + ix[p] * du[p] + iy[p] * dv[p]
                var k = (delta2 / (e * e / norm + eps2).squareRoot()) / norm
                a11[p] = k * ix[p] * ix[p] + zeta2
                a12[p] = k * ix[p] * iy[p]
                a22[p] = k * iy[p] * iy[p] + zeta2
                b1[p] = -k * iz[p] * ix[p]
                b2[p] = -k * iz[p] * iy[p]
                norm = ixx[p] * ixx[p] + ixy[p] * ixy[p] + zeta2
                let norm2 = iyy[p] * iyy[p] + ixy[p] * ixy[p] + zeta2
                let ex = ixz[p] + ixx[p] * du[p] + ixy[p] * dv[p]
                let ey = iyz[p] + ixy[p] * du[p] + iyy[p] * dv[p]
                k = gamma2 / (ex * ex / norm + ey * ey / norm2 + eps2).squareRoot()
                a11[p] += k * (ixx[p] * ixx[p] / norm + ixy[p] * ixy[p] / norm2)
                a12[p] += k * (ixx[p] * ixy[p] / norm + ixy[p] * iyy[p] / norm2)
                a22[p] += k * (ixy[p] * ixy[p] / norm + iyy[p] * iyy[p] / norm2)
                b1[p] -= k * (ixx[p] * ixz[p] / norm + ixy[p] * iyz[p] / norm2)
                b2[p] -= k * (ixy[p] * ixz[p] / norm + iyy[p] * iyz[p] / norm2)
            }
            du.withUnsafeMutableBufferPointer { du in
                dv.withUnsafeMutableBufferPointer { dv in
                    let (pu, pv) = (SendablePointer(du.baseAddress!), SendablePointer(dv.baseAddress!))
                    for _ in 0..<sorIterations {
                        for colour in 0..<2 {
                            parallel.forEach(h) { y in
                                let du = pu.pointer, dv = pv.pointer
                                var x = (y + colour) & 1
                                while x < w {
                                    let p = y * w + x
                                    var sum: Float = 0, nu: Float = 0, nv: Float = 0
                                    func edge(_ q: Int, _ k: Float) {
                                        sum += k
                                        nu += k * (wu[q] + du[q] - wu[p])
                                        nv += k * (wv[q] + dv[q] - wv[p])
                                    }
                                    if x < w - 1 { edge(p + 1, weight[p]) }
                                    if x > 0 { edge(p - 1, weight[p - 1]) }
                                    if y < h - 1 { edge(p + w, weight[p]) }
                                    if y > 0 { edge(p - w, weight[p - w]) }
                                    du[p] += omega * ((b1[p] - a12[p] * dv[p] + nu) / (a11[p] + sum) - du[p])
                                    dv[p] += omega * ((b2[p] - a12[p] * du[p] + nv) / (a22[p] + sum) - dv[p])
                                    x += 2
                                }
                            }
                        }
                    }
                }
            }
        }
        var out = flow
        for p in 0..<n { out.u[p] += du[p]; out.v[p] += dv[p] }
        return out
    }
}
