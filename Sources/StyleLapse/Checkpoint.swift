// Checkpoint: a session's whole state in a folder (state.bin, and the trace and film frames so far), written
// atomically, so a resumed session continues the same run bit for bit.
//
// state.bin, format version 2: "SLCK", u32 version, u32 header length, JSON header (a `CheckpointHeader`: the
// session's settings whole, the pictures' digests; its progress the pass, the scalar state and the list of arrays),
// then the arrays' raw little-endian values in that order (f4 or f8). Every read is checked: a damaged file is an error naming it.

import Foundation
import ImageFiles
import Objective
import Optimization
import Stylization

/// Where a coarse-to-fine run stands: which pass, and what the passes before it recorded.
public struct PassPosition: Codable, Sendable, Equatable {
    /// 0 for the first (coarsest) pass.
    public var index: Int
    /// The run-wide number of this pass's iteration 0 (every pass's iterations are numbered on from the last).
    public var firstIteration: Int
    /// Evaluations and seconds spent in the passes before.
    public var evaluationsBefore: Int, secondsBefore: Double

    /// The position of pass `index`, whose iteration 0 is run-wide `firstIteration`.
    public init(index: Int = 0, firstIteration: Int = 0, evaluationsBefore: Int = 0, secondsBefore: Double = 0) {
        (self.index, self.firstIteration) = (index, firstIteration)
        (self.evaluationsBefore, self.secondsBefore) = (evaluationsBefore, secondsBefore)
    }
}

/// Everything a resumed session needs: its settings, the digests of its pictures, the pass and the optimiser's
/// state in it, and the film's moving average.
public struct CheckpointSnapshot {
    /// The session's settings, coarse-to-fine resolved.
    public var settings: SessionSettings
    /// SHA-256 of the photo, then of each painting, then of each mask (`PictureSettings.masks`; a resumed run
    /// refuses changed pictures).
    public var digests: [String]
    /// The pass the state belongs to.
    public var pass: PassPosition
    /// The optimisation's state within that pass.
    public var state: RunState
    /// The film's moving average (`FilmSettings.smooth`), planar RGB at the photo's size.
    public var smoothed: [Float]?
    /// What the program that ran the session needs to go on (the CLI keeps its output options here), opaque to
    /// the library.
    public var application: Data?
    /// The finish rule's watch of the final pass (`StylizeSettings.finish`; nil before the final pass or without it).
    public var finish: FinishWatch?

    /// A snapshot of a session (the session makes them; `CheckpointSink` saves them).
    public init(settings: SessionSettings, digests: [String], pass: PassPosition, state: RunState, smoothed: [Float]?,
                application: Data? = nil, finish: FinishWatch? = nil) {
        (self.settings, self.digests, self.pass, self.state) = (settings, digests, pass, state)
        (self.smoothed, self.application, self.finish) = (smoothed, application, finish)
    }
}

/// A checkpoint that cannot be read.
public struct CheckpointError: Error, CustomStringConvertible {
    /// The file, and what is wrong with it.
    public let path: String, problem: String
    public var description: String { "\(path): \(problem)" }
}

/// How far a picture's run got: its pass, the optimisation's scalars, and the arrays that follow the header.
private struct PictureProgress: Codable, Sendable {
    var pass: PassPosition
    var iteration: Int, evaluations: Int, elapsed: Double
    var loss: LossBreakdown, bestIteration: Int, bestLoss: LossBreakdown
    var optimizer: OptimizerState
    /// The finish rule's watch (its reference picture is the array "finish_picture"); absent before the rule existed.
    var finish: FinishWatch.Mark?
    var arrays: [ArrayEntry]

    /// The optimiser's scalars; its vectors are arrays.
    enum OptimizerState: Codable, Sendable {
        case adam(step: Int, learningRate: Double)
        case lbfgs(value: Double, pairs: Int)
    }
    struct ArrayEntry: Codable, Sendable { var name: String; var dtype: String; var count: Int }
}

private typealias Header = CheckpointHeader<SessionSettings, PictureProgress>

/// Reading and writing checkpoint folders.
public enum Checkpoint {
    /// The format version this build writes and reads.
    public static let version = 2

    /// The state file inside a checkpoint folder.
    public static func statePath(_ folder: String) -> String { folder + "/state.bin" }
    /// The film frames kept in a checkpoint folder, `frame_NNNNNN.png`.
    public static func framesFolder(_ folder: String) -> String { folder + "/frames" }
    /// The trace kept in a checkpoint folder (JSON lines, `TraceEntry`).
    public static func tracePath(_ folder: String) -> String { folder + "/trace.jsonl" }
    static func framePath(_ folder: String, _ iteration: Int) -> String {
        framesFolder(folder) + String(format: "/frame_%06d.png", iteration)
    }

    /// Writes `snapshot` to `folder`/state.bin atomically (the folder must exist), an array at a time: nothing
    /// picture-sized is copied whole (at print size the state is gigabytes; spilled L-BFGS pairs are read back one
    /// by one).
    public static func save(_ snapshot: CheckpointSnapshot, to folder: String) throws {
        let state = snapshot.state
        // Each array's name, length and how to put its bytes.
        typealias Put = (UnsafeRawBufferPointer) -> Void
        func whole(_ name: String, _ v: [Float]) -> (String, Int, (Put) -> Void) { (name, v.count, { put in v.withUnsafeBytes(put) }) }
        var floats = [whole("x", state.x), whole("gradient", state.gradient), whole("best", state.best)]
        var doubles: [(String, [Double])] = []
        if let smoothed = snapshot.smoothed { floats.append(whole("smoothed", smoothed)) }
        if let picture = snapshot.finish?.reference?.picture { floats.append(whole("finish_picture", picture.map(Float.init))) }
        let optimizer: PictureProgress.OptimizerState
        switch state.optimizer {
        case .adam(let adam):
            floats += [whole("adam_m", adam.m), whole("adam_v", adam.v)]
            optimizer = .adam(step: adam.t, learningRate: adam.settings.learningRate)
        case .lbfgs(let lbfgs):
            floats += [whole("lbfgs_x", lbfgs.x), whole("lbfgs_gradient", lbfgs.gradient)]
            for i in 0..<lbfgs.pairCount {
                for (name, y) in [("lbfgs_s\(i)", false), ("lbfgs_y\(i)", true)] {
                    floats.append((name, lbfgs.x.count, { put in lbfgs.withPair(i, y: y) { put(UnsafeRawBufferPointer($0)) } }))
                }
            }
            doubles.append(("lbfgs_rho", lbfgs.pairRho))
            optimizer = .lbfgs(value: lbfgs.value, pairs: lbfgs.pairCount)
        }
        let progress = PictureProgress(
            pass: snapshot.pass, iteration: state.iteration, evaluations: state.evaluations, elapsed: state.elapsedBefore,
            loss: state.loss, bestIteration: state.bestIteration, bestLoss: state.bestLoss, optimizer: optimizer,
            finish: snapshot.finish?.mark, arrays: floats.map { .init(name: $0.0, dtype: "f4", count: $0.1) }
                + doubles.map { .init(name: $0.0, dtype: "f8", count: $0.1.count) })
        let header = Header(settings: snapshot.settings, digests: snapshot.digests, application: snapshot.application,
                            progress: progress)
        let json = [UInt8](try JSONEncoder().encode(header))
        var prefix = Array("SLCK".utf8)
        withUnsafeBytes(of: UInt32(version).littleEndian) { prefix += $0 }
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { prefix += $0 }
        try AtomicFile.write(to: statePath(folder)) { put in
            (prefix + json).withUnsafeBytes(put)
            for (_, _, write) in floats { write(put) }   // little-endian hosts only (x86_64, arm64)
            for (_, values) in doubles { values.withUnsafeBytes(put) }
        }
    }

    /// Reads a checkpoint folder. A missing, damaged, truncated or unknown-version file is a `CheckpointError`.
    public static func load(_ folder: String) throws -> CheckpointSnapshot {
        let path = statePath(folder)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError(path: folder, problem: "no checkpoint here (missing state.bin)")
        }
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("SLCK".utf8) else {
            throw CheckpointError(path: path, problem: "not a StyleLapse checkpoint")
        }
        guard u32(4) == version else {
            throw CheckpointError(path: path, problem: "checkpoint format version \(u32(4)); this build reads version "
                + "\(version) (start the run again)")
        }
        let length = u32(8)
        guard 12 + length <= bytes.count else { throw CheckpointError(path: path, problem: "truncated checkpoint header") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(bytes[12..<(12 + length)])) } catch {
            throw CheckpointError(path: path, problem: "damaged checkpoint header")
        }
        let progress = header.progress
        var offset = 12 + length
        var floats: [String: [Float]] = [:], doubles: [String: [Double]] = [:]
        for a in progress.arrays {
            let size = a.dtype == "f8" ? 8 : 4
            guard a.dtype == "f4" || a.dtype == "f8", a.count >= 0, a.count <= (bytes.count - offset) / size else {
                throw CheckpointError(path: path, problem: "truncated checkpoint (array \(a.name))")
            }
            bytes.withUnsafeBytes { raw in
                if size == 8 {
                    doubles[a.name] = (0..<a.count).map {
                        Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8 * $0, as: UInt64.self)))
                    }
                } else {
                    floats[a.name] = (0..<a.count).map {
                        Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * $0, as: UInt32.self)))
                    }
                }
            }
            offset += size * a.count
        }
        guard offset == bytes.count else { throw CheckpointError(path: path, problem: "damaged checkpoint (extra bytes)") }
        func array(_ name: String) throws -> [Float] {
            guard let a = floats[name] else { throw CheckpointError(path: path, problem: "checkpoint lacks \(name)") }
            return a
        }
        let settings = header.settings
        do { try settings.check() } catch let error as SettingsError {
            throw CheckpointError(path: path, problem: "damaged checkpoint (\(error.description))")
        }
        let x = try array("x")
        let n = x.count
        let optimizerState: OptimizerState
        switch progress.optimizer {
        case .adam(let step, let learningRate):
            var adamSettings = settings.run.adam
            adamSettings.learningRate = learningRate
            var a = Adam(count: n, settings: adamSettings)
            let (m, v) = (try array("adam_m"), try array("adam_v"))
            guard m.count == n, v.count == n, step >= 0 else {
                throw CheckpointError(path: path, problem: "damaged checkpoint (Adam's state)")
            }
            a.restore(m: m, v: v, t: step)
            optimizerState = .adam(a)
        case .lbfgs(let value, let pairs):
            guard (0...settings.run.lbfgs.historySize).contains(pairs), let rho = doubles["lbfgs_rho"], rho.count == pairs
            else { throw CheckpointError(path: path, problem: "damaged checkpoint (L-BFGS's state)") }
            let s = try (0..<pairs).map { try array("lbfgs_s\($0)") }, y = try (0..<pairs).map { try array("lbfgs_y\($0)") }
            let (lx, lg) = (try array("lbfgs_x"), try array("lbfgs_gradient"))
            // A run that took no step has no gradient yet (the resumed run computes it).
            guard ([lx] + s + y).allSatisfy({ $0.count == n }), lg.count == n || (lg.isEmpty && pairs == 0) else {
                throw CheckpointError(path: path, problem: "damaged checkpoint (L-BFGS's state)")
            }
            optimizerState = .lbfgs(ProjectedLBFGS(x: lx, value: value, gradient: lg, history: (s, y, rho), lower: 0,
                                                   upper: 255, settings: settings.run.lbfgs))
        }
        let (gradient, best) = (try array("gradient"), try array("best"))
        guard best.count == n, gradient.isEmpty || gradient.count == n, progress.iteration >= 0,
              progress.bestIteration <= progress.iteration, header.digests.count == 1 + settings.pictures.styles.count + settings.pictures.masks.count,
              progress.pass.index >= 0, floats["smoothed"].map({ $0.count > 0 }) ?? true else {
            throw CheckpointError(path: path, problem: "damaged checkpoint (inconsistent state)")
        }
        let state = RunState(iteration: progress.iteration, evaluations: progress.evaluations, elapsedBefore: progress.elapsed,
                             x: x, loss: progress.loss, gradient: gradient, best: best,
                             bestIteration: progress.bestIteration, bestLoss: progress.bestLoss, optimizer: optimizerState)
        var finish: FinishWatch?
        if let rule = settings.run.finish, let mark = progress.finish {
            let picture = floats["finish_picture"]
            guard (mark.referenceIteration == nil) == (picture == nil),
                  picture?.allSatisfy({ $0 >= 0 && $0 <= 255 && $0 == $0.rounded() }) ?? true else {
                throw CheckpointError(path: path, problem: "damaged checkpoint (the finish rule's state)")
            }
            finish = FinishWatch(rule: rule, mark: mark, picture: picture.map { $0.map { UInt8($0) } })
        }
        return CheckpointSnapshot(settings: settings, digests: header.digests, pass: progress.pass, state: state,
                                  smoothed: floats["smoothed"], application: header.application, finish: finish)
    }
}
