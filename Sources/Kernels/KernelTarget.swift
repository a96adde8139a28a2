// KernelTarget: what the engine's kernels are written over — the instruction set a kernel module is compiled for,
// told by its register tile and whether it has fused multiply-add. The kernels themselves (this module) are
// `@inlinable` and generic; each of KernelsBaseline, KernelsAVX2 and KernelsAVX512 is compiled with its own
// `-target-cpu` and instantiates them (KernelSet), so one source becomes one machine-code copy per instruction set.
//
// Every kernel here works on 16 output channels at once as a SIMD16<Float> (two AVX2 registers, one AVX-512
// register, four SSE2 or NEON registers: the compiler splits it to the target's width), so a tile of P pixels
// holds P such accumulators.

/// A register tile: one 16-channel accumulator per pixel, as a type (one `Pixel`, or two tiles side by side), so
/// the accumulators are plain fields the compiler keeps in registers — no array, no loop it might not unroll.
public protocol PixelTile {
    static var count: Int { get }
    /// Every pixel's accumulator = `v`.
    init(repeating v: Vec16)
    /// Pixel p's accumulator = channels 0…7 at `out0 + 8p`, 8…15 at `out1 + 8p`.
    init(out0: UnsafePointer<Float>, out1: UnsafePointer<Float>)
    /// acc[p] += x[8p] · w for every pixel p (x: one input lane of the tile's first pixel).
    mutating func multiplyAdd<T: KernelTarget>(_: T.Type, _ x: UnsafePointer<Float>, _ w: Vec16)
    /// acc[p] += acc[p] · m (the peak's dependent chains).
    mutating func chain<T: KernelTarget>(_: T.Type, _ m: Vec16)
    /// Stores pixel p's channels 0…7 at `out0 + 8p` and 8…15 at `out1 + 8p`, values below `floor` as 0.
    func store(_ out0: UnsafeMutablePointer<Float>, _ out1: UnsafeMutablePointer<Float>, floor: Vec16)
    /// Σ of every lane of every accumulator.
    var total: Float { get }
}

/// One pixel's accumulator.
public struct Pixel: PixelTile {
    @usableFromInline var v: Vec16
    @inlinable public static var count: Int { 1 }
    @inlinable @inline(__always) public init(repeating v: Vec16) { self.v = v }
    @inlinable @inline(__always) public init(out0: UnsafePointer<Float>, out1: UnsafePointer<Float>) {
        v = Vec16(lowHalf: load8(out0), highHalf: load8(out1))
    }
    @inlinable @inline(__always)
    public mutating func multiplyAdd<T: KernelTarget>(_: T.Type, _ x: UnsafePointer<Float>, _ w: Vec16) {
        v = T.madd(v, Vec16(repeating: x[0]), w)
    }
    @inlinable @inline(__always) public mutating func chain<T: KernelTarget>(_: T.Type, _ m: Vec16) {
        v = T.madd(v, v, m)
    }
    @inlinable @inline(__always)
    public func store(_ out0: UnsafeMutablePointer<Float>, _ out1: UnsafeMutablePointer<Float>, floor: Vec16) {
        let r = v.replacing(with: 0, where: v .< floor)
        store8(r.lowHalf, out0)
        store8(r.highHalf, out1)
    }
    @inlinable public var total: Float { v.sum() }
}

/// Tile A's pixels, then tile B's.
public struct Tiles<A: PixelTile, B: PixelTile>: PixelTile {
    @usableFromInline var a: A
    @usableFromInline var b: B
    @inlinable public static var count: Int { A.count + B.count }
    @inlinable @inline(__always) public init(repeating v: Vec16) { a = A(repeating: v); b = B(repeating: v) }
    @inlinable @inline(__always) public init(out0: UnsafePointer<Float>, out1: UnsafePointer<Float>) {
        a = A(out0: out0, out1: out1)
        b = B(out0: out0 + 8 * A.count, out1: out1 + 8 * A.count)
    }
    @inlinable @inline(__always)
    public mutating func multiplyAdd<T: KernelTarget>(_ t: T.Type, _ x: UnsafePointer<Float>, _ w: Vec16) {
        a.multiplyAdd(t, x, w)
        b.multiplyAdd(t, x + 8 * A.count, w)
    }
    @inlinable @inline(__always) public mutating func chain<T: KernelTarget>(_ t: T.Type, _ m: Vec16) {
        a.chain(t, m)
        b.chain(t, m)
    }
    @inlinable @inline(__always)
    public func store(_ out0: UnsafeMutablePointer<Float>, _ out1: UnsafeMutablePointer<Float>, floor: Vec16) {
        a.store(out0, out1, floor: floor)
        b.store(out0 + 8 * A.count, out1 + 8 * A.count, floor: floor)
    }
    @inlinable public var total: Float { a.total + b.total }
}

public typealias Pixels1 = Pixel
public typealias Pixels2 = Tiles<Pixel, Pixel>
public typealias Pixels3 = Tiles<Pixels2, Pixel>
public typealias Pixels4 = Tiles<Pixels2, Pixels2>
public typealias Pixels6 = Tiles<Pixels3, Pixels3>
public typealias Pixels8 = Tiles<Pixels4, Pixels4>
public typealias Pixels12 = Tiles<Pixels8, Pixels4>

/// An instruction set the kernels are instantiated for.
public protocol KernelTarget {
    /// The widest tile whose accumulators (count × 16 floats) and operands fit the register file.
    associatedtype Tile: PixelTile
    /// Independent 16-wide multiply-add chains that cover the FMA latency on every FMA pipe (the peak's loop).
    associatedtype Chains: PixelTile
    /// Whether `a + b·c` is one fused multiply-add (rounded once). Without hardware FMA (x86-64 before Haswell)
    /// the kernels multiply and add (rounded twice): a call to `fmaf` per lane would be about 28× slower.
    static var fused: Bool { get }
}

public typealias Vec8 = SIMD8<Float>
public typealias Vec16 = SIMD16<Float>

extension KernelTarget {
    /// a + b·c: fused where the target has FMA.
    @inlinable @inline(__always)
    static func madd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar == Float {
        fused ? a.addingProduct(b, c) : a + b * c
    }
}

@inlinable @inline(__always) public func load8(_ p: UnsafePointer<Float>) -> Vec8 {
    UnsafeRawPointer(p).loadUnaligned(as: Vec8.self)
}

@inlinable @inline(__always) public func store8(_ v: Vec8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec8.self)
}

@inlinable @inline(__always) func load16(_ p: UnsafePointer<Float>) -> Vec16 {
    UnsafeRawPointer(p).loadUnaligned(as: Vec16.self)
}

/// max(v, 0) per lane (the generic pointwiseMax is not inlined).
@inlinable @inline(__always) public func relu8(_ v: Vec8) -> Vec8 { v.replacing(with: 0, where: v .< 0) }
