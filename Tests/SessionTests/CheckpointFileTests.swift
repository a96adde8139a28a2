// Typed checkpoints: the settings stored whole and read back equal; a damaged, truncated or unknown-version file
// is a CheckpointError naming it, never a crash. (Needs no weights: the states are made here.)

import Foundation
import StyleLapse
import TestSupport
import XCTest

final class CheckpointFileTests: XCTestCase {
    /// `spilled`: L-BFGS's pairs in a temporary file, written to the checkpoint a vector at a time.
    func snapshot(_ optimizer: OptimizerChoice, spilled: Bool = false) -> CheckpointSnapshot {
        let n = 3 * 20 * 16
        let x = (0..<n).map { Float($0 % 256) }, g = (0..<n).map { Float($0) * 0.25 - 7 }
        let loss = LossBreakdown(total: 12.5, style: 3, content: 4, tv: 0, styleLayers: [1, 2, 3, 4, 5])
        let state: OptimizerState
        if optimizer == .adam {
            var a = Adam(count: n, settings: .report)
            var y = x
            a.step(&y, gradient: g, lower: 0, upper: 255)
            state = .adam(a)
        } else {
            let lbfgs = ProjectedLBFGS(x: x, value: 12.5, gradient: g, history: ([g, x], [x, g], [0.5, 0.25]),
                                       lower: 0, upper: 255)
            state = .lbfgs(spilled ? lbfgs.moving(to: try! CurvaturePairs(capacity: 10, length: n, spill: true)) : lbfgs)
        }
        let run = RunState(iteration: 7, evaluations: 9, elapsedBefore: 1.5, x: x, loss: loss, gradient: g, best: x,
                           bestIteration: 6, bestLoss: loss, optimizer: state)
        var runSettings = optimizer == .adam ? StylizeSettings.report : StylizeSettings.standard
        runSettings.initialization = .image(path: "/pictures/start.png")
        runSettings.seed = 42
        runSettings.objective.balance = .strength(0.7)
        let settings = SessionSettings(
            pictures: PictureSettings(content: "/a.png", styles: ["/b.png", "/c.jpg"], styleBlend: [0.7, 0.3],
                                      styleScale: nil, maxSize: 300, upscale: true, preserveColor: .luminance),
            run: runSettings, pooling: .average, scales: 3, coarseIterations: 11, film: FilmSettings(every: 4, smooth: 0.2),
            weights: "/w.safetensors", memoryLimit: 1 << 30)
        return CheckpointSnapshot(settings: settings, digests: ["aa", "bb", "cc"],
                                  pass: PassPosition(index: 1, firstIteration: 12, evaluationsBefore: 14, secondsBefore: 2),
                                  state: run, smoothed: x, application: Data("{\"output\":\"o.png\"}".utf8))
    }

    func testRoundTripKeepsEverything() throws {
        for (optimizer, spilled) in [(OptimizerChoice.adam, false), (.lbfgs, false), (.lbfgs, true)] {
            let dir = TemporaryFolder()
            let a = snapshot(optimizer, spilled: spilled)
            if case .lbfgs(let l) = a.state.optimizer { XCTAssertEqual(l.spilled, spilled) }
            try Checkpoint.save(a, to: dir.path)
            let b = try Checkpoint.load(dir.path)
            XCTAssertEqual(b.settings, a.settings)
            XCTAssertEqual(b.settings.run.initialization, .image(path: "/pictures/start.png"))
            XCTAssertEqual([b.digests, [b.application.map { String(decoding: $0, as: UTF8.self) } ?? ""]],
                           [a.digests, ["{\"output\":\"o.png\"}"]])
            XCTAssertEqual(b.pass, a.pass)
            XCTAssertEqual(b.state.x, a.state.x)
            XCTAssertEqual(b.state.gradient, a.state.gradient)
            XCTAssertEqual(b.smoothed, a.smoothed)
            switch (a.state.optimizer, b.state.optimizer) {
            case (.adam(let x), .adam(let y)):
                XCTAssertEqual([x.m, x.v], [y.m, y.v])
                XCTAssertEqual(x.t, y.t)
            case (.lbfgs(let x), .lbfgs(let y)):
                XCTAssertEqual([x.history.s, x.history.y], [y.history.s, y.history.y])
                XCTAssertEqual(y.history.s, [a.state.gradient, a.state.x], "the pairs as they were made")
                XCTAssertEqual(x.history.rho, y.history.rho)
                XCTAssertEqual(x.value, y.value)
            default: XCTFail("the optimiser changed")
            }
        }
    }

    func load(_ bytes: [UInt8]) -> Error? {
        let dir = TemporaryFolder()
        _ = dir.write("state.bin", bytes)
        do { _ = try Checkpoint.load(dir.path); return nil } catch { return error }
    }

    func testTruncatedAnywhereIsAnError() throws {
        let dir = TemporaryFolder()
        try Checkpoint.save(snapshot(.lbfgs), to: dir.path)
        let bytes = try XCTUnwrap(Fixture.bytesAt(Checkpoint.statePath(dir.path)))
        for length in Array(0..<64) + Array(stride(from: 64, to: bytes.count, by: 97)) + [bytes.count - 1] {
            let error = load(Array(bytes[0..<length]))
            XCTAssertTrue(error is CheckpointError, "cut at \(length): \(String(describing: error))")
            XCTAssertTrue("\(error!)".contains("state.bin"), "the message names the file: \(error!)")
        }
    }

    func testDamagedBytesNeverCrash() throws {
        let dir = TemporaryFolder()
        try Checkpoint.save(snapshot(.adam), to: dir.path)
        let bytes = try XCTUnwrap(Fixture.bytesAt(Checkpoint.statePath(dir.path)))
        let headerEnd = 12 + Int(bytes[8]) + Int(bytes[9]) << 8
        var errors = 0
        // Every byte of the header, and some of the arrays, set to characters that break or bend JSON.
        for offset in Array(4..<headerEnd) + Array(stride(from: headerEnd, to: bytes.count, by: 331)) {
            for value: UInt8 in [0x00, 0x39, 0x2D, 0x7D, 0xFF] where bytes[offset] != value {
                var damaged = bytes
                damaged[offset] = value
                if let error = load(damaged) {
                    XCTAssertTrue(error is CheckpointError, "byte \(offset) = \(value): \(error)")
                    errors += 1
                }
            }
        }
        XCTAssertGreaterThan(errors, headerEnd, "most header damage is detected")
    }

    func testOtherVersionsAndFilesAreRefused() throws {
        let dir = TemporaryFolder()
        try Checkpoint.save(snapshot(.lbfgs), to: dir.path)
        var bytes = try XCTUnwrap(Fixture.bytesAt(Checkpoint.statePath(dir.path)))
        bytes[4] = 1
        XCTAssertTrue("\(load(bytes)!)".contains("checkpoint format version 1; this build reads version 2"))
        XCTAssertTrue("\(load(Array("not a checkpoint at all".utf8))!)".contains("not a StyleLapse checkpoint"))
        XCTAssertThrowsError(try Checkpoint.load(TemporaryFolder().path)) {
            XCTAssertTrue("\($0)".contains("missing state.bin"), "\($0)")
        }
    }
}
