// KernelSet: the kernels as one instruction set's module offers them to the engine. Each requirement's
// implementation is the generic code of this module; a module that conforms (KernelsAVX2.AVX2Kernels, …) gets its
// own copy compiled for its target. The engine holds one `any KernelSet.Type`, chosen at start.

public protocol KernelSet {
    associatedtype Target: KernelTarget

    /// A row of `count` pixels of a convolution-shaped product (see `TileOperands`).
    static func convRow(_ operands: TileOperands, count: Int)
    /// The same over 3 lanes of each input block (a first layer's RGB; weights `[K][K][3][16]` a block).
    static func convRowThreeLanes(_ operands: TileOperands, count: Int)
    /// Winograd F(m×m, 3×3): the input transform of tile row `tileRow` of one channel block.
    static func winogradInput(_ kernel: WinogradKernel, _ plane: PaddedPlane, tileRow: Int, tilesX: Int,
                              into: UnsafeMutablePointer<Float>, xiStride: Int)
    /// Winograd F(m×m, 3×3): the output transform of tile row `tileRow` of one output block.
    static func winogradOutput(_ kernel: WinogradKernel, _ products: UnsafePointer<Float>, xiStride: Int, tileRow: Int, tilesX: Int,
                               _ out: OutputPlane)
    /// One row's Gram sums (see `gramRow`).
    static func gramRow(p0: UnsafePointer<Float>, p1: UnsafePointer<Float>, pc: UnsafePointer<Float>, width: Int,
                        into: UnsafeMutablePointer<SIMD8<Double>>)
    /// Σ (a − b)² per lane over `count` pixels.
    static func squaredDifferences(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Vec8
    /// One row of total variation (see `totalVariationRow`).
    static func totalVariationRow(_ p: UnsafePointer<Float>, rowStride: Int, width: Int, below: Bool) -> Vec8
    /// sum[b] += g · row[b] over `blocks` blocks of 8.
    static func scaledAdd(_ sum: UnsafeMutablePointer<Vec8>, _ g: Float, _ row: UnsafePointer<Float>, blocks: Int)
    /// The FMA peak's loop; FLOPs = `peakFlops(iterations:)`.
    static func multiplyAddChains(iterations: Int, seed: Float) -> Float
    /// Rows i0…i0+count−1 of a dense Double product (see `denseRows`).
    static func denseRows(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>,
                          n: Int, rows: Int, count: Int, rowStep: Int, columnStep: Int)
    /// The eigendecomposition's loops (DenseDouble.swift): Σ a·b; a plane rotation; y − (f·e + g·d); y + x·f.
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double
    static func rotate(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, count: Int, c: Double,
                       s: Double)
    static func subtractTwo(_ y: UnsafeMutablePointer<Double>, _ e: UnsafePointer<Double>, _ f: Double,
                            _ d: UnsafePointer<Double>, _ g: Double, count: Int)
    static func addScaled(_ y: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>, _ f: Double, count: Int)
}

extension KernelSet {
    @inlinable public static func convRow(_ operands: TileOperands, count: Int) {
        Kernels.convRow(Target.self, EightLanes.self, operands, count: count)
    }

    @inlinable public static func convRowThreeLanes(_ operands: TileOperands, count: Int) {
        Kernels.convRow(Target.self, ThreeLanes.self, operands, count: count)
    }

    @inlinable public static func winogradInput(_ kernel: WinogradKernel, _ plane: PaddedPlane, tileRow: Int,
                                                tilesX: Int, into out: UnsafeMutablePointer<Float>, xiStride: Int) {
        if kernel.handWritten {
            winograd2Input(plane, tileRow: tileRow, tilesX: tilesX, into: out, xiStride: xiStride)
        } else if let f = kernel.symmetric {
            winograd4Input(f, plane, tileRow: tileRow, tilesX: tilesX, into: out, xiStride: xiStride)
        } else {
            Kernels.winogradInput(kernel.bt, plane, tileRow: tileRow, tilesX: tilesX, into: out, xiStride: xiStride)
        }
    }

    @inlinable public static func winogradOutput(_ kernel: WinogradKernel, _ products: UnsafePointer<Float>,
                                                 xiStride: Int, tileRow: Int, tilesX: Int, _ out: OutputPlane) {
        if kernel.handWritten {
            winograd2Output(products, xiStride: xiStride, tileRow: tileRow, tilesX: tilesX, out)
        } else if let f = kernel.symmetric {
            winograd4Output(f, products, xiStride: xiStride, tileRow: tileRow, tilesX: tilesX, out)
        } else {
            Kernels.winogradOutput(kernel.at, products, xiStride: xiStride, tileRow: tileRow, tilesX: tilesX, out)
        }
    }

    @inlinable public static func gramRow(p0: UnsafePointer<Float>, p1: UnsafePointer<Float>, pc: UnsafePointer<Float>,
                                          width: Int, into t: UnsafeMutablePointer<SIMD8<Double>>) {
        Kernels.gramRow(Target.self, p0: p0, p1: p1, pc: pc, width: width, into: t)
    }

    @inlinable public static func squaredDifferences(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                                     count: Int) -> Vec8 {
        Kernels.squaredDifferences(Target.self, a, b, count: count)
    }

    @inlinable public static func totalVariationRow(_ p: UnsafePointer<Float>, rowStride: Int, width: Int,
                                                    below: Bool) -> Vec8 {
        Kernels.totalVariationRow(Target.self, p, rowStride: rowStride, width: width, below: below)
    }

    @inlinable public static func scaledAdd(_ sum: UnsafeMutablePointer<Vec8>, _ g: Float, _ row: UnsafePointer<Float>,
                                            blocks: Int) {
        Kernels.scaledAdd(Target.self, sum, g, row, blocks: blocks)
    }

    @inlinable public static func multiplyAddChains(iterations: Int, seed: Float) -> Float {
        Kernels.multiplyAddChains(Target.self, iterations: iterations, seed: seed)
    }

    @inlinable public static func denseRows(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                                            _ out: UnsafeMutablePointer<Double>, n: Int, rows: Int, count: Int,
                                            rowStep: Int, columnStep: Int) {
        Kernels.denseRows(a, b, out, n: n, rows: rows, count: count, rowStep: rowStep, columnStep: columnStep)
    }

    @inlinable public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        Kernels.dot(a, b, count: count)
    }

    @inlinable public static func rotate(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>,
                                         count: Int, c: Double, s: Double) {
        Kernels.rotate(a, b, count: count, c: c, s: s)
    }

    @inlinable public static func subtractTwo(_ y: UnsafeMutablePointer<Double>, _ e: UnsafePointer<Double>,
                                              _ f: Double, _ d: UnsafePointer<Double>, _ g: Double, count: Int) {
        Kernels.subtractTwo(y, e, f, d, g, count: count)
    }

    @inlinable public static func addScaled(_ y: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>, _ f: Double,
                                            count: Int) {
        Kernels.addScaled(y, x, f, count: count)
    }

    /// FLOPs of `multiplyAddChains(iterations:)`.
    public static func peakFlops(iterations: Int) -> Double { 2 * 16 * Double(Target.Chains.count * iterations) }
}
