// Rows: row ranges of BlockedTensors, for evaluating a network band by band (a band's rows copied in, its gradient
// added back, rows cleared).

import Kernels

extension BlockedTensor {
    /// Copies `count` interior rows of `source` (the same channels and width) starting at its row `from` into this
    /// tensor's rows starting at `to`.
    public func copyRows(from source: BlockedTensor, _ from: Int, to: Int, count: Int) {
        precondition(source.blocks == blocks && source.shape.width == shape.width && from >= 0 && to >= 0
            && from + count <= source.shape.height && to + count <= shape.height, "BlockedTensor.copyRows: out of range")
        guard count > 0 else { return }
        for b in 0..<blocks {
            for y in 0..<count {
                pointer(block: b, y: to + y, x: 0).update(from: source.pointer(block: b, y: from + y, x: 0),
                                                          count: 8 * shape.width)
            }
        }
    }

    /// Adds `count` interior rows of `source` starting at its row `from` to this tensor's rows starting at `to`.
    public func addRows(from source: BlockedTensor, _ from: Int, to: Int, count: Int) {
        precondition(source.blocks == blocks && source.shape.width == shape.width && from >= 0 && to >= 0
            && from + count <= source.shape.height && to + count <= shape.height, "BlockedTensor.addRows: out of range")
        for b in 0..<blocks {
            for y in 0..<count {
                let (s, d) = (source.pointer(block: b, y: from + y, x: 0), pointer(block: b, y: to + y, x: 0))
                for i in stride(from: 0, to: 8 * shape.width, by: 8) { store8(load8(d + i) + load8(s + i), d + i) }
            }
        }
    }

    /// Sets the interior rows `rows` to zero.
    public func zeroRows(_ rows: Range<Int>) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= shape.height, "BlockedTensor.zeroRows: out of range")
        for b in 0..<blocks {
            for y in rows { pointer(block: b, y: y, x: 0).update(repeating: 0, count: 8 * shape.width) }
        }
    }
}
