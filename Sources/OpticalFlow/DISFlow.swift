// DISFlow: dense optical flow by Dense Inverse Search (Kroeger, Timofte, Dai and Van Gool, ECCV 2016) on a pyramid,
// coarse to fine: at each level the patch search starts from the coarser level's flow, is densified, and refined
// variationally. The defaults are OpenCV's "medium" preset carried down to full resolution.

import Engine
import Foundation

/// How DIS searches; the defaults are measured in docs/clip.md.
public struct DISSettings: Sendable, Equatable {
    /// The side of a patch, in pixels.
    public var patchSize = 8
    /// The distance between neighbouring patches (smaller: more overlap, slower, smoother).
    public var patchStride = 3
    /// Gauss–Newton steps per patch at most.
    public var searchIterations = 25
    /// Fixed-point iterations of the variational refinement at each level (0: none).
    public var refinementIterations = 5
    /// The finest level searched: 0 is full resolution, 1 half (then the flow is enlarged).
    public var finestLevel = 0

    public init() {}
}

public enum DISFlow {
    /// The flow from `i0` to `i1` (same size): pixel x of `i0` is seen at x + w(x) in `i1`.
    package static func flow(from i0: GreyImage, to i1: GreyImage, settings: DISSettings = DISSettings(),
                            parallel: Parallel = .serial) -> FlowField {
        precondition(i0.width == i1.width && i0.height == i1.height, "DISFlow: the two pictures differ in size")
        let levels = coarsestLevel(width: i0.width, height: i0.height, patch: settings.patchSize)
        var pyramid = [(i0, i1)]
        for _ in 0..<levels { let (a, b) = pyramid.last!; pyramid.append((a.halved(), b.halved())) }
        let search = PatchSearch(patch: settings.patchSize, stride: settings.patchStride, iterations: settings.searchIterations)
        var refinement = VariationalRefinement()
        refinement.fixedPointIterations = settings.refinementIterations
        let finest = min(settings.finestLevel, levels)
        var flow: FlowField?
        for level in stride(from: levels, through: finest, by: -1) {
            let (a, b) = pyramid[level]
            let initial = flow?.resized(width: a.width, height: a.height) ?? FlowField(zeroWidth: a.width, height: a.height)
            let found = search.dense(a, b, initial: initial, parallel: parallel)
            flow = refinement.refine(a, b, found, parallel: parallel)
        }
        return finest == 0 ? flow! : flow!.resized(width: i0.width, height: i0.height)
    }

    /// The coarsest level: about four patches across the longer side (OpenCV's rule), no level under a patch.
    static func coarsestLevel(width: Int, height: Int, patch: Int) -> Int {
        let wanted = Int((Double(max(width, height)) / Double(4 * patch)).logBase2 + 0.5)
        var level = 0
        var (w, h) = (width, height)
        while level < max(0, wanted) && (w + 1) / 2 >= patch && (h + 1) / 2 >= patch {
            (w, h) = ((w + 1) / 2, (h + 1) / 2)
            level += 1
        }
        return level
    }
}

extension Double {
    var logBase2: Double { self > 0 ? log2(self) : 0 }
}
