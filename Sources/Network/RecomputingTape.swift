// RecomputingTape: VGG forward and backward in bounded memory. Only each block's input is kept whole (what the
// literature calls gradient checkpoints; here "checkpoint" means a resumable run, so: the blocks' kept inputs); the
// first blocks — the large maps — are computed on slabs of rows of their input and computed
// again, slab by slab, in the backward; the last blocks may be kept whole from the forward to the backward, as the
// full tape keeps them. A block's slab needs a halo of as many rows as it has convolutions (each reads one row
// beyond), not the whole network's reach: the cost over the full tape is one more forward of the recomputed blocks.
// A block's input gradient takes its kept input's place as the backward walks down the bands (rows no later slab
// reads), so the gradients need no whole maps of their own.

import Engine

/// How a recomputing evaluation runs: blocks before `keptFrom` recomputed (in bands of `bandRows` rows of each
/// block's own map, or whole), blocks from `keptFrom` on kept from the forward to the backward.
public struct RecomputePlan: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The 0-based index of the first block kept whole (the blocks' count: none).
    public var keptFrom: Int
    /// Rows of a recomputed block's own map per band (nil: each recomputed block whole). The same count at every
    /// level: a row of every VGG19 block's map holds about as many values (channels double as widths halve).
    public var bandRows: Int?

    public init(keptFrom: Int, bandRows: Int?) {
        (self.keptFrom, self.bandRows) = (keptFrom, bandRows)
    }

    /// The convolutions' FLOPs (2·9·Cin·Cout·H·W) this plan adds to an evaluation of the full tape at `height` ×
    /// `width`: the recomputed blocks' forward again, over their slabs' rows.
    public func extraFLOPs(_ a: VGGArchitecture, height: Int, width: Int, deepest: VGGLayer) -> Double {
        a.blocks(depth: a.index(of: deepest)! + 1).prefix(keptFrom).reduce(0) { total, b in
            let (h, w) = (height >> b.index, width >> b.index)
            let rows = layout(b, height: h).map { $0.slabRows * $0.bands.count } ?? h
            return total + b.layers.reduce(0.0) { $0 + 18 * Double(a.layers[$1].inChannels * a.layers[$1].outChannels) }
                * Double(rows * w)
        }
    }

    /// The bands block `b` of a map of `height` rows is recomputed in: nil when it is kept or recomputed whole. The
    /// halo is one row per convolution, rounded up to the pooling's 2.
    public func layout(_ b: VGGBlock, height: Int) -> BandLayout? {
        guard b.index < keptFrom, let bandRows else { return nil }
        return BandLayout(height: height, bandRows: bandRows, halo: b.layers.count, alignment: 2)
    }

    public var description: String {
        let recomputed = keptFrom == 0 ? "none" : keptFrom == 1 ? "block 1" : "blocks 1–\(keptFrom)"
        return "checkpointed (\(recomputed) recomputed" + (bandRows.map { " in bands of \($0) rows" } ?? "") + ")"
    }
}

/// One image size's recomputing forward and backward: the blocks' kept inputs, kept blocks' tapes, the shared slab
/// storage.
public final class RecomputingTape {
    public let network: VGGNetwork
    public let imageShape: Shape
    public let plan: RecomputePlan
    let blocks: [VGGBlock]
    /// Per block: its input's rows, its bands (nil: whole), its tape.
    let heights: [Int]
    let layouts: [BandLayout?]
    let tapes: [BlockTape]
    /// Block b's whole input (b ≥ 1; a kept block's is its tape's input); after block b's backward, its gradient.
    let blockInputs: [BlockedTensor?]
    /// The first block's slab of the RGB image.
    let rgbSlab: BlockedTensor
    /// The backward's RGB gradient of a slab, and the gradient of the rows of a block's input that later slabs
    /// still add to (one input slab): made at the first backward (a forward-only tape, the painting's, has none).
    private lazy var gradients: (rgb: BlockedTensor, carry: BlockedTensor?) = (
        BlockedTensor(rgbSlab.shape),
        blocks.filter { layouts[$0.index] != nil && $0.index > 0 }.map { tapes[$0.index].input.shape }
            .map(BlockedTensor.floats).max().map(BlockedTensor.storage(floats:)))

    /// A tape for `height`×`width` images up to `deepest`.
    public init(network: VGGNetwork, height: Int, width: Int, deepest: VGGLayer, plan: RecomputePlan) {
        let a = network.architecture
        self.network = network
        self.plan = plan
        imageShape = Shape(channels: 3, height: height, width: width)
        precondition(a.index(of: deepest)! < network.depth,
                     "RecomputingTape: the network was packed only as far as layer \(network.depth)")
        let blocks = a.blocks(depth: a.index(of: deepest)! + 1)
        let sizes = Self.sizes(blocks, height: height, width: width)
        let layouts = Self.layouts(blocks, sizes, plan)
        (self.blocks, heights, self.layouts) = (blocks, sizes.map(\.height), layouts)
        let slabs = blocks.indices.map { layouts[$0]?.slabRows ?? sizes[$0].height }
        let recomputed = blocks.filter { $0.index < plan.keptFrom }
        // One storage for every recomputed block's slab: room for the largest of each map.
        let shared = recomputed.map { BlockTape.floats(a, $0, height: slabs[$0.index], width: sizes[$0.index].width) }
            .reduce(BlockStorage<Int>.empty) { $0.merged($1) }.map(BlockedTensor.storage(floats:))
        tapes = blocks.map { b in
            let (h, w) = (slabs[b.index], sizes[b.index].width)
            return b.index < plan.keptFrom ? BlockTape(network, b, height: h, width: w, storage: shared)
                : BlockTape(network, b, height: h, width: w)
        }
        blockInputs = blocks.map { b in
            guard b.index > 0 else { return nil }
            return b.index < plan.keptFrom ? BlockedTensor(Self.inputShape(a, b, sizes[b.index])) : nil
        }
        rgbSlab = BlockedTensor(Shape(channels: 3, height: slabs[0], width: width))
    }

    static func sizes(_ blocks: [VGGBlock], height: Int, width: Int) -> [(height: Int, width: Int)] {
        blocks.map { b in (height >> b.index, width >> b.index) }
    }

    static func inputShape(_ a: VGGArchitecture, _ b: VGGBlock, _ size: (height: Int, width: Int)) -> Shape {
        Shape(channels: a.layers[b.layers.lowerBound].inChannels, height: size.height, width: size.width)
    }

    static func layouts(_ blocks: [VGGBlock], _ sizes: [(height: Int, width: Int)], _ plan: RecomputePlan) -> [BandLayout?] {
        blocks.map { plan.layout($0, height: sizes[$0.index].height) }
    }

    /// Bytes the tape allocates for `height`×`width` images up to `deepest` (the blocks' inputs, the shared slab storage,
    /// kept blocks' tapes, argmaxes, the RGB slabs; with `backward`, the gradient's slabs).
    public static func bytes(architecture a: VGGArchitecture, pooling: Pooling, height: Int, width: Int,
                             deepest: VGGLayer, plan: RecomputePlan, backward: Bool = true) -> Int {
        let blocks = a.blocks(depth: a.index(of: deepest)! + 1)
        let sizes = Self.sizes(blocks, height: height, width: width)
        let layouts = Self.layouts(blocks, sizes, plan)
        var total = 0, shared = BlockStorage<Int>.empty, carry = 0
        for b in blocks {
            let (h, w) = (layouts[b.index]?.slabRows ?? sizes[b.index].height, sizes[b.index].width)
            let slots = BlockTape.floats(a, b, height: h, width: w)
            total += BlockTape.argmaxBytes(a, pooling, b, height: h, width: w)
            if b.index < plan.keptFrom {
                shared = shared.merged(slots)
                if b.index > 0 {
                    total += BlockedTensor.bytes(inputShape(a, b, sizes[b.index]))
                    if backward && layouts[b.index] != nil { carry = max(carry, slots.input) }
                }
            } else {
                total += 4 * slots.all.reduce(0, +)
            }
        }
        let rgb = (backward ? 2 : 1) * BlockedTensor.bytes(Shape(channels: 3, height: layouts[0]?.slabRows ?? height, width: width))
        return total + 4 * (shared.all.reduce(0, +) + carry) + rgb
    }

    /// Block b's own rows in its slab's map at `level` (0: the block's maps, 1: its pooled output), and the first of
    /// them in the whole map; all rows when the block is whole.
    func rows(_ b: Int, band: Int?, level: Int, slabMapRows: Int) -> (slab: Range<Int>, picture: Int) {
        guard let band, let layout = layouts[b] else { return (0..<slabMapRows, 0) }
        return layout.rows(band, level: level, slabMapRows: slabMapRows)
    }

    /// Runs the network forward on `rgb` (RGB 0…255): for every computed layer of `observed`, `visit(layer, map,
    /// rows, pictureRow)` gets the layer's map on a slab, the rows of it that are the band's own, and the first of
    /// them in the whole map; every row of the whole map is visited once, in order.
    package func forward(_ rgb: BlockedTensor, observed: Set<VGGLayer>, parallel: Parallel = .serial,
                        visit: (VGGLayer, BlockedTensor, Range<Int>, Int) -> Void) {
        precondition(rgb.shape == imageShape, "RecomputingTape.forward: image is \(rgb.shape), expected \(imageShape)")
        for b in blocks {
            eachBand(b.index, rgb, parallel) { band in
                let tape = tapes[b.index]
                for (j, i) in b.layers.enumerated() where observed.contains(network.architecture.layers[i].layer) {
                    let f = tape.activations[j]
                    let r = rows(b.index, band: band, level: 0, slabMapRows: f.shape.height)
                    visit(network.architecture.layers[i].layer, f, r.slab, r.picture)
                }
                guard let pooled = tape.pooled else { return }
                let next = blockInputs[b.index + 1] ?? tapes[b.index + 1].input
                let r = rows(b.index, band: band, level: 1, slabMapRows: pooled.shape.height)
                next.copyRows(from: pooled, r.slab.lowerBound, to: r.picture, count: r.slab.count)
            }
        }
    }

    /// After a `forward` of the same image: `gradient` = ∂L/∂rgb for the losses whose gradients `seed(layer, g,
    /// map, rows, pictureRow)` adds into `g` at the rows given (the band's own) of each layer of `seeded`.
    package func backward(_ rgb: BlockedTensor, seeded: Set<VGGLayer>, into gradient: BlockedTensor,
                         parallel: Parallel = .serial,
                         seed: (VGGLayer, BlockedTensor, BlockedTensor, Range<Int>, Int) -> Void) {
        precondition(gradient.shape == imageShape, "RecomputingTape.backward: gradient shape")
        gradient.zero()
        let (rgbGradient, carry) = gradients
        for b in blocks.reversed() {
            let tape = tapes[b.index], kept = b.index >= plan.keptFrom
            // Block b's input gradient summed over the slabs so far: rows from `carried` on are not final yet.
            let pending = layouts[b.index] != nil && b.index > 0 ? BlockedTensor(tape.input.shape, viewing: carry!) : nil
            pending?.zero()
            var carried = 0
            eachBand(b.index, rgb, parallel, recompute: !kept) { band in
                if let pg = tape.pooledGradient {
                    let r = rows(b.index, band: band, level: 1, slabMapRows: pg.shape.height)
                    if band != nil { pg.zero() }
                    let above = blockInputs[b.index + 1] ?? tapes[b.index + 1].inputGradient
                    pg.copyRows(from: above, r.picture, to: r.slab.lowerBound, count: r.slab.count)
                }
                network.backward(tape, parallel: parallel) { j, g in
                    let layer = network.architecture.layers[b.layers.lowerBound + j].layer
                    guard seeded.contains(layer) else { return }
                    let r = rows(b.index, band: band, level: 0, slabMapRows: g.shape.height)
                    seed(layer, g, tape.activations[j], r.slab, r.picture)
                }
                let start = band.map { layouts[b.index]!.bands[$0].slabStart } ?? 0
                if b.index == 0 {
                    network.denormalizeGradient(tape.inputGradient, into: rgbGradient)
                    return gradient.addRows(from: rgbGradient, 0, to: start, count: rgbGradient.shape.height)
                }
                guard let kept = blockInputs[b.index] else { return }   // kept: its tape holds the gradient
                guard let pending, let index = band, let layout = layouts[b.index] else {
                    return kept.copyRows(from: tape.inputGradient, 0, to: 0, count: heights[b.index])
                }
                // Rows above this slab are final, and no later slab reads their input: their gradient takes the
                // kept input's place.
                let (done, slab) = (start - carried, layout.slabRows)
                kept.copyRows(from: pending, 0, to: carried, count: done)
                pending.copyRows(from: pending, done, to: 0, count: slab - done)
                pending.zeroRows(slab - done..<slab)
                carried = start
                pending.addRows(from: tape.inputGradient, 0, to: 0, count: slab)
                if index == layout.bands.count - 1 { kept.copyRows(from: pending, 0, to: carried, count: slab) }
            }
        }
    }

    /// Runs `body(band)` after block b's forward on each band's slab (nil: the whole map); `recompute` false: only
    /// the body, on the tape the forward left (a kept block).
    private func eachBand(_ b: Int, _ rgb: BlockedTensor, _ parallel: Parallel, recompute: Bool = true,
                          _ body: (Int?) -> Void) {
        let tape = tapes[b]
        func load(_ start: Int, _ count: Int) {
            tape.clearBorders()
            if b == 0 {
                rgbSlab.copyRows(from: rgb, start, to: 0, count: count)
                network.normalize(rgbSlab, into: tape.input)
            } else if let kept = blockInputs[b] {
                tape.input.copyRows(from: kept, start, to: 0, count: count)
            }
            network.forward(tape, parallel: parallel)
        }
        guard let layout = layouts[b] else {
            if recompute { load(0, heights[b]) }
            return body(nil)
        }
        for band in layout.bands.indices {
            load(layout.bands[band].slabStart, layout.slabRows)
            body(band)
        }
    }
}
