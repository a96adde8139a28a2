// CurvaturePairs: L-BFGS's history of steps s and gradient changes y, oldest first, with 1/sᵀy — held in memory,
// or spilled to a temporary file (unlinked at once: nothing is left behind) and read back one vector at a time, so
// a print-size run's 2 × 10 picture-sized vectors do not stay resident. The same numbers either way.

import Foundation

/// The curvature pairs of an L-BFGS run, at most `capacity`, the oldest dropped first.
public final class CurvaturePairs {
    public let capacity: Int
    /// Floats per vector.
    public let length: Int
    /// 1/sᵀy of each pair, oldest first.
    public private(set) var rho: [Double] = []
    /// In memory: the vectors, oldest first.
    private var s: [[Float]] = [], y: [[Float]] = []
    /// Spilled: the file, each pair's slot (oldest first), and the buffer one vector is read into.
    private let file: FileHandle?
    private var slots: [Int] = []
    private var scratch: [Float] = []

    /// Pairs of `length`-float vectors, in memory or (`spill`) in a temporary file.
    public init(capacity: Int, length: Int, spill: Bool) throws {
        (self.capacity, self.length) = (capacity, length)
        guard spill else { file = nil; return }
        let path = NSTemporaryDirectory() + "stylelapse-lbfgs-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forUpdatingAtPath: path)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        try? FileManager.default.removeItem(atPath: path)   // the open handle keeps the data until it is closed
        file = handle
        scratch = [Float](repeating: 0, count: length)
    }

    deinit { try? file?.close() }

    public var count: Int { rho.count }
    /// Whether the vectors live in a file.
    public var spilled: Bool { file != nil }

    /// Adds a pair, dropping the oldest when full.
    public func append(s newS: [Float], y newY: [Float], rho r: Double) throws {
        precondition(newS.count == length && newY.count == length, "CurvaturePairs: vector length")
        if let file {
            let slot = count == capacity ? slots.removeFirst() : count
            if count == capacity { rho.removeFirst() }
            try write(newS, at: 2 * slot, file)
            try write(newY, at: 2 * slot + 1, file)
            slots.append(slot)
        } else {
            s.append(newS); y.append(newY)
            if s.count > capacity { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
        }
        rho.append(r)
    }

    public func removeAll() { s = []; y = []; rho = []; slots = [] }

    /// Calls `body` with pair k's s (`isY` false) or y vector.
    public func withVector<R>(_ k: Int, y isY: Bool, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        guard let file else { return try (isY ? y[k] : s[k]).withUnsafeBufferPointer(body) }
        let offset = UInt64((2 * slots[k] + (isY ? 1 : 0)) * length * 4)
        scratch.withUnsafeMutableBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = pread(file.fileDescriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                precondition(n > 0, "CurvaturePairs: reading the spilled pairs failed (\(String(cString: strerror(errno))))")
                done += n
            }
        }
        return try scratch.withUnsafeBufferPointer(body)
    }

    /// Every pair as arrays, oldest first (for checkpoints).
    public var arrays: (s: [[Float]], y: [[Float]]) {
        guard file != nil else { return (s, y) }
        return ((0..<count).map { k in withVector(k, y: false) { Array($0) } },
                (0..<count).map { k in withVector(k, y: true) { Array($0) } })
    }

    private func write(_ v: [Float], at index: Int, _ file: FileHandle) throws {
        try v.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = pwrite(file.fileDescriptor, bytes.baseAddress! + done, bytes.count - done,
                               off_t(index * length * 4 + done))
                guard n > 0 else {
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey:
                        "writing L-BFGS's spilled pairs: \(String(cString: strerror(errno)))"])
                }
                done += n
            }
        }
    }
}
