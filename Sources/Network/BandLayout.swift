// BandLayout: a picture cut into horizontal bands for evaluating VGG band by band in bounded memory. Each band owns
// rows of the picture and is computed on a slab of rows around it, the halo wide enough that every value its losses
// and gradient depend on equals the whole picture's.

import Engine

/// Horizontal bands of a `height`-row picture, each computed on a slab of `slabRows` rows.
///
/// A value of a layer depends on the picture within the layer's reach (`VGGArchitecture.reach`); a slab's rows near
/// its cut edges are wrong (the network pads there as at the picture's edge) up to that reach inside. The backward
/// from a band's own rows at layer L touches values at layer l at most reach(L) − reach(l) rows outside the band, and
/// those are exact when the halo is at least reach(L). Bands, halos and slab starts are multiples of 16 rows (VGG19
/// pools 4 times), so every 2×2 pooling window of a slab is one of the whole picture's and a band's rows at pooling
/// level k are whole rows there: (owned rows) / 2^k.
public struct BandLayout: Sendable, Equatable {
    public static let alignment = 16
    public let height: Int
    /// Rows each band owns (the last may own fewer).
    public let bandRows: Int
    /// Rows read beyond a band on each side (where the picture has them).
    public let halo: Int
    /// Rows of every slab: bandRows + 2·halo + height mod 16, so the last slab can end at the picture's last row
    /// from a start that is a multiple of 16.
    public let slabRows: Int
    /// Each band's rows of the picture and the first row of its slab.
    public let bands: [(owned: Range<Int>, slabStart: Int)]

    /// Bands of `bandRows` (rounded up to a multiple of 16) with a halo of `halo` (rounded up likewise); nil when
    /// one slab would cover the picture anyway (the whole picture is one band: no banding).
    public init?(height: Int, bandRows: Int, halo: Int) {
        let a = Self.alignment
        let b = max(a, (bandRows + a - 1) / a * a), h = (max(0, halo) + a - 1) / a * a
        let slab = b + 2 * h + height % a
        guard slab < height else { return nil }
        (self.height, self.bandRows, self.halo, slabRows) = (height, b, h, slab)
        bands = stride(from: 0, to: height, by: b).map { start in
            (start..<min(height, start + b), min(max(0, start - h), height - slab))
        }
    }

    public static func == (x: BandLayout, y: BandLayout) -> Bool {
        (x.height, x.bandRows, x.halo, x.slabRows) == (y.height, y.bandRows, y.halo, y.slabRows)
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
    /// How many picture rows beyond its own a value of `layer` can depend on, either side, counted generously: a
    /// convolution at pooling level k reaches 2^k rows further, a pooling into level k 2^k more.
    public func reach(upTo layer: VGGLayer) -> Int {
        var total = 0, level = 0
        for l in layers {
            if l.layer.conv == 1 && l.layer.block > 1 { level += 1; total += 1 << level }
            total += 1 << level
            if l.layer == layer { break }
        }
        return total
    }

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
