// BlockedTensor: the engine's activation layout, channel blocks of 8 with a one-pixel zero border.

/// A feature-map stack in the layout the fast kernels use: `[C/8][H+2][W+2][8]` Float32.
///
/// - Channels are grouped in blocks of 8 (one AVX2 vector); a last partial block is padded with zero channels.
/// - Every plane has a one-pixel border of zeros, so 3×3 convolutions with padding 1 read it without bounds checks.
///   Kernels write only the interior; the border and the padding channels stay zero.
/// - Allocated once (64-byte aligned) when a plan is built and reused across iterations.
public final class BlockedTensor: @unchecked Sendable {
    public static let blockWidth = 8

    public let shape: Shape
    /// ceil(channels / 8).
    public let blocks: Int
    /// Floats between vertically adjacent pixels: (width + 2) · 8.
    let rowStride: Int
    /// Floats between channel blocks: (height + 2) · rowStride.
    let blockStride: Int
    /// The first float of block 0, row −1, column −1 (the border's corner).
    let base: UnsafeMutablePointer<Float>
    /// Total floats allocated.
    let capacity: Int
    /// For a view: the tensor whose memory it uses (kept alive by the view).
    private let storage: BlockedTensor?

    /// A zero-filled tensor of `shape`.
    public init(_ shape: Shape) {
        self.shape = shape
        blocks = (shape.channels + 7) / 8
        rowStride = (shape.width + 2) * 8
        blockStride = (shape.height + 2) * rowStride
        capacity = blocks * blockStride
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: capacity)
        base.initialize(repeating: 0, count: capacity)
        storage = nil
    }

    /// Floats a tensor of `shape` holds, border and padding included.
    public static func floats(_ shape: Shape) -> Int { (shape.channels + 7) / 8 * 8 * (shape.height + 2) * (shape.width + 2) }

    /// A tensor of `shape` over the memory of `storage`, which must hold at least as many floats. Its border and
    /// padding channels hold whatever is there: call `clearBorder()` before a kernel that reads them.
    public init(_ shape: Shape, viewing storage: BlockedTensor) {
        self.shape = shape
        blocks = (shape.channels + 7) / 8
        rowStride = (shape.width + 2) * 8
        blockStride = (shape.height + 2) * rowStride
        capacity = blocks * blockStride
        precondition(capacity <= storage.capacity, "BlockedTensor: a view larger than its storage")
        base = storage.base
        self.storage = storage
    }

    deinit { if storage == nil { base.deallocate() } }

    /// Zeroes the border and the padding channels (the values kernels read but never write), leaving the interior.
    public func clearBorder() {
        let (h, w) = (shape.height, shape.width)
        for b in 0..<blocks {
            let plane = base + b * blockStride
            plane.update(repeating: 0, count: rowStride)
            (plane + (h + 1) * rowStride).update(repeating: 0, count: rowStride)
            for y in 1...h {
                (plane + y * rowStride).update(repeating: 0, count: 8)
                (plane + y * rowStride + (w + 1) * 8).update(repeating: 0, count: 8)
            }
        }
        let lanes = shape.channels % 8
        guard lanes != 0 else { return }
        for y in 0..<h {
            let row = pointer(block: blocks - 1, y: y, x: 0)
            for x in 0..<w { (row + 8 * x + lanes).update(repeating: 0, count: 8 - lanes) }
        }
    }

    /// Pointer to channel block `block`, interior pixel (`y`, `x`) (0-based, without the border), lane 0.
    @inline(__always) func pointer(block: Int, y: Int, x: Int) -> UnsafeMutablePointer<Float> {
        base + block * blockStride + (y + 1) * rowStride + (x + 1) * 8
    }

    /// The value of channel `c` at interior pixel (`y`, `x`).
    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { pointer(block: c / 8, y: y, x: x)[c % 8] }
        set { pointer(block: c / 8, y: y, x: x)[c % 8] = newValue }
    }

    /// The value of channel `c` at (`y`, `x`) of the padded map, −1…H × −1…W: the border is what a 3×3 convolution
    /// reads beyond the edge (see Padding.swift).
    public subscript(padded c: Int, y: Int, x: Int) -> Float {
        get { paddedPointer(c, y, x).pointee }
        set { paddedPointer(c, y, x).pointee = newValue }
    }

    private func paddedPointer(_ c: Int, _ y: Int, _ x: Int) -> UnsafeMutablePointer<Float> {
        precondition((0..<shape.channels).contains(c) && (-1...shape.height).contains(y) && (-1...shape.width).contains(x),
                     "BlockedTensor: (\(c), \(y), \(x)) is outside the padded map of \(shape)")
        return pointer(block: c / 8, y: y, x: x) + c % 8
    }

    /// Sets every value, border and padding included, to zero.
    public func zero() { base.update(repeating: 0, count: capacity) }

    /// Copies planar CHW values (`shape.count` of them) into the interior.
    public func load(chw values: [Float]) {
        precondition(values.count == shape.count, "BlockedTensor.load: expected \(shape.count) values")
        values.withUnsafeBufferPointer { v in
            eachPlanarRow { row, k in for x in 0..<shape.width { row[x * 8] = v[k + x] } }
        }
    }

    /// Calls `body(row, k)` for every channel's every row, in planar CHW order: `row` points at its first pixel
    /// (pixels 8 floats apart), `k` is the planar index of that pixel.
    @inline(__always)
    private func eachPlanarRow(_ body: (UnsafeMutablePointer<Float>, Int) -> Void) {
        for c in 0..<shape.channels {
            for y in 0..<shape.height { body(pointer(block: c / 8, y: y, x: 0) + c % 8, (c * shape.height + y) * shape.width) }
        }
    }

    /// Bytes the storage of a `shape` tensor takes.
    public static func bytes(_ shape: Shape) -> Int { 4 * floats(shape) }

    /// Copies `other` (the same shape) whole, border and padding included.
    public func copy(from other: BlockedTensor) {
        precondition(other.shape == shape, "BlockedTensor.copy: shapes differ")
        base.update(from: other.base, count: capacity)
    }

    /// self[k] = scale_k · source[channel_k] + offset_k on the interior, for each of `map`'s channels k (the
    /// network's input normalisation and its gradient); the border is left as it is.
    public func mapChannels(from source: BlockedTensor, _ map: [(channel: Int, scale: Float, offset: Float)]) {
        precondition(source.shape.height == shape.height && source.shape.width == shape.width, "mapChannels: sizes")
        let (h, w) = (shape.height, shape.width)
        for (k, m) in map.enumerated() {
            for y in 0..<h {
                let from = source.pointer(block: m.channel / 8, y: y, x: 0) + m.channel % 8
                let to = pointer(block: k / 8, y: y, x: 0) + k % 8
                for x in 0..<w { to[8 * x] = m.scale * from[8 * x] + m.offset }
            }
        }
    }

    /// The interior as planar CHW values.
    public func chw() -> [Float] {
        var out = [Float](repeating: 0, count: shape.count)
        chw(into: &out)
        return out
    }

    /// Writes the interior as planar CHW values into `out` (`shape.count` of them), allocating nothing.
    public func chw(into out: inout [Float]) {
        precondition(out.count == shape.count, "BlockedTensor.chw: expected room for \(shape.count) values")
        out.withUnsafeMutableBufferPointer { o in
            eachPlanarRow { row, k in for x in 0..<shape.width { o[k + x] = row[x * 8] } }
        }
    }

    /// A new tensor holding planar CHW `values`.
    public convenience init(_ shape: Shape, chw values: [Float]) {
        self.init(shape)
        load(chw: values)
    }
}
