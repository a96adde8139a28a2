// FeatureWalk: the one walk over VGG19's layers that every evaluation takes, on either tape — the whole picture's
// (`VGGTape`) or the recomputing one, band by band (`RecomputingTape`). The forward hands each observed layer's rows
// to a visitor; the backward asks a seeder for each seeded layer's gradient on the same rows. On the whole tape a
// "band" is the whole map.

import Engine
import Network

/// The tape an objective evaluates on, and its walk.
enum FeatureWalk {
    /// Every activation of the whole picture kept from the forward to the backward.
    case whole(VGGTape)
    /// Only the blocks' inputs kept; the first blocks computed again band by band in the backward.
    case recomputing(RecomputingTape)

    /// The tape for a picture of `shape` as far as `deepest`: recomputing when `plan` says how, else whole.
    init(network: VGGNetwork, shape: Shape, deepest: VGGLayer, plan: RecomputePlan?) {
        if let plan {
            self = .recomputing(RecomputingTape(network: network, height: shape.height, width: shape.width,
                                                deepest: deepest, plan: plan))
        } else {
            self = .whole(VGGTape(network: network, height: shape.height, width: shape.width, deepest: deepest))
        }
    }

    /// Runs the network forward on `image` (RGB 0…255): `visit(layer, map, rows, row)` gets every layer of
    /// `observed`, the rows of `map` that are this band's own and the first one's row in the whole map; every row of
    /// each observed map is visited once, in order.
    func forward(_ image: BlockedTensor, observed: Set<VGGLayer>, parallel: Parallel, profile: Profile?,
                 visit: (VGGLayer, BlockedTensor, Range<Int>, Int) -> Void) {
        switch self {
        case .whole(let tape):
            tape.network.forward(image, recording: tape, parallel: parallel, profile: profile)
            for layer in observed.sorted() {
                let f = tape.output(layer)
                visit(layer, f, 0..<f.shape.height, 0)
            }
        case .recomputing(let tape):
            // The visits' own stages are measured inside this one (a profile of a recomputing run counts them twice).
            profile.measure("recomputing forward") {
                tape.forward(image, observed: observed, parallel: parallel, visit: visit)
            }
        }
    }

    /// After `forward` of the same image: `gradient` = ∂L/∂image, where `seed(layer, g, map, rows, row, accumulate)`
    /// puts ∂L/∂map (after ReLU) on `rows` of `g` for each layer of `seeded` — added to what `g` holds when
    /// `accumulate`, else written.
    func backward(_ image: BlockedTensor, seeded: Set<VGGLayer>, into gradient: BlockedTensor, parallel: Parallel,
                  profile: Profile?,
                  seed: (VGGLayer, BlockedTensor, BlockedTensor, Range<Int>, Int, Bool) -> Void) {
        switch self {
        case .whole(let tape):
            tape.network.backward(tape, seeded: seeded, seed: { layer, g, accumulate in
                let f = tape.output(layer)
                seed(layer, g, f, 0..<f.shape.height, 0, accumulate)
            }, into: gradient, parallel: parallel, profile: profile)
        case .recomputing(let tape):
            profile.measure("recomputing backward") {
                tape.backward(image, seeded: seeded, into: gradient, parallel: parallel) { layer, g, f, rows, row in
                    seed(layer, g, f, rows, row, true)
                }
            }
        }
    }
}
