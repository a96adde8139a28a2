// BandLayout: a map cut into horizontal bands for evaluating a VGG block band by band in bounded memory. Each band
// owns rows of the map and is computed on a slab of rows around it, the halo wide enough that every value its losses
// and gradient depend on equals the whole map's.

import Engine

/// Horizontal bands of a `height`-row map, each computed on a slab of `slabRows` rows.
///
/// A block of n 3×3 convolutions run on a slab is wrong up to n rows inside its cut edges (it pads there as at the
/// map's edge); the backward from a band's own rows reaches n rows outside the band at the block's input, so a halo
/// of n rows makes every value a band's losses and gradient depend on the whole map's. Bands, halos and slab starts
/// are multiples of `alignment` rows (2 for a block pooled once, 2^k through k poolings), so every 2×2 pooling
/// window of a slab is one of the whole map's and a band's rows after k poolings are whole rows there.
public struct BandLayout: Sendable, Equatable {
    public let alignment: Int
    public let height: Int
    /// Rows each band owns (the last may own fewer).
    public let bandRows: Int
    /// Rows read beyond a band on each side (where the picture has them).
    public let halo: Int
    /// Rows of every slab: bandRows + 2·halo + height mod alignment, so the last slab can end at the map's last row
    /// from a start that is a multiple of the alignment.
    public let slabRows: Int
    /// Each band's rows of the picture and the first row of its slab.
    public let bands: [(owned: Range<Int>, slabStart: Int)]

    /// Bands of `bandRows` (rounded up to a multiple of `alignment`) with a halo of `halo` (rounded up likewise);
    /// nil when one slab would cover the picture anyway (the whole picture is one band: no banding).
    public init?(height: Int, bandRows: Int, halo: Int, alignment a: Int = 2) {
        let b = max(a, (bandRows + a - 1) / a * a), h = (max(0, halo) + a - 1) / a * a
        let slab = b + 2 * h + height % a
        guard slab < height else { return nil }
        (alignment, self.height, self.bandRows, self.halo, slabRows) = (a, height, b, h, slab)
        bands = stride(from: 0, to: height, by: b).map { start in
            (start..<min(height, start + b), min(max(0, start - h), height - slab))
        }
    }

    public static func == (x: BandLayout, y: BandLayout) -> Bool {
        (x.alignment, x.height, x.bandRows, x.halo, x.slabRows) == (y.alignment, y.height, y.bandRows, y.halo, y.slabRows)
    }

    /// Band `band`'s own rows in its slab's map at pooling level `level` (the map after `level` poolings), whose
    /// slab map has `rows` rows; and the first of them in the whole picture's map.
    public func rows(_ band: Int, level: Int, slabMapRows rows: Int) -> (slab: Range<Int>, picture: Int) {
        let (owned, start) = bands[band]
        let low = (owned.lowerBound - start) >> level
        let high = owned.upperBound == height ? rows : (owned.upperBound - start) >> level
        return (low..<max(low, high), owned.lowerBound >> level)
    }
}

extension VGGArchitecture {
    /// The shape of every layer's map for a `height`×`width` picture.
    public func mapShapes(height: Int, width: Int) -> [VGGLayer: Shape] {
        var out: [VGGLayer: Shape] = [:]
        var (h, w) = (height, width)
        for l in layers {
            if l.layer.conv == 1 && l.layer.block > 1 { (h, w) = (h / 2, w / 2) }
            out[l.layer] = Shape(channels: l.outChannels, height: h, width: w)
        }
        return out
    }
}
