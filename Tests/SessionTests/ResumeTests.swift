// Resume equals the uninterrupted run, bit for bit — the final and best images, the losses, the film and the
// trace — for every initial image, both optimisers, stopped in a coarse pass and in the final one. (Before typed
// checkpoints a resumed run lost --init: a noise run resumed from the photo.)

import Foundation
import StyleLapse
import TestSupport
import XCTest

final class ResumeTests: XCTestCase {
    /// A two-pass run (4 coarse steps at half size, then 5 at full size: iterations 0…4 and 5…10).
    func check(_ initialization: Initialization, _ optimizer: OptimizerChoice, stopAfter stop: Int,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = TemporaryFolder()
        let settings = try Demo.settings(maxSize: 64, iterations: 5, optimizer: optimizer, initialization: initialization,
                                         seed: 3, scales: 2, coarseIterations: 4)
        var recorders: [Recorder] = []   // the whole run's, the stopped run's, the resumed run's
        func attach(_ session: StylizeSession, _ name: String, checkpoint: String) throws -> TimelapseSink {
            let film = try TimelapseSink(path: dir.file(name + ".mp4"), width: session.plan.width,
                                         height: session.plan.height, settings: FilmEncoding(fps: 30, holdSeconds: 0))
            session.attach(film)
            session.attach(TraceSink(path: dir.file(name + ".jsonl")))
            session.attach(CheckpointSink(folder: checkpoint, every: 2))
            let recorder = Recorder(frames: true)
            session.attach(recorder)
            recorders.append(recorder)
            return film
        }
        try OutputFolder.prepare(dir.file("ckw"))
        try OutputFolder.prepare(dir.file("cks"))
        let whole = try StylizeSession(settings: settings)
        _ = try attach(whole, "whole", checkpoint: dir.file("ckw"))
        let a = try whole.run()

        let first = try StylizeSession(settings: settings, network: whole.network)
        _ = try attach(first, "split", checkpoint: dir.file("cks"))
        first.attach(StopAfter(stop, first))
        let stopped = try first.run()
        XCTAssertTrue(stopped.stopped, file: file, line: line)
        XCTAssertEqual(stopped.iterations, stop, file: file, line: line)
        let snapshot = try Checkpoint.load(dir.file("cks"))
        XCTAssertEqual(snapshot.pass.index, stop <= 4 ? 0 : 1, "stopped in the pass it was in", file: file, line: line)
        XCTAssertEqual(snapshot.settings, first.settings, "the settings are stored whole", file: file, line: line)

        let resumed = try StylizeSession(resuming: dir.file("cks"))
        _ = try attach(resumed, "split", checkpoint: dir.file("cks"))
        let b = try resumed.run()

        XCTAssertFalse(b.stopped, file: file, line: line)
        XCTAssertEqual([a.iterations, b.iterations], [10, 10], file: file, line: line)
        XCTAssertEqual(a.evaluations, b.evaluations, file: file, line: line)
        XCTAssertEqual(a.best, b.best, "the same best picture", file: file, line: line)
        XCTAssertEqual(a.bestLoss.total.bitPattern, b.bestLoss.total.bitPattern, file: file, line: line)
        let (sa, sb) = (try Checkpoint.load(dir.file("ckw")).state, try Checkpoint.load(dir.file("cks")).state)
        XCTAssertTrue(bitwiseEqual(sa.x, sb.x), "the same final image, bit for bit", file: file, line: line)
        XCTAssertTrue(bitwiseEqual(sa.best, sb.best), file: file, line: line)
        let (va, vb) = (try VideoFile.read(dir.file("whole.mp4")), try VideoFile.read(dir.file("split.mp4")))
        XCTAssertEqual(vb.frames.count, 11, "frames of iterations 0…10", file: file, line: line)
        // The film's pictures, bit for bit: the uninterrupted run's frames against the resumed one's (replayed from the
        // checkpoint, then new). (The encoded bytes are compared loosely: libx264 inside a test process that has run
        // other sessions does not always encode identical frames to identical bytes — see the README's notes.)
        let (fa, fb) = (recorders[0].frames, recorders[2].frames)
        XCTAssertEqual(fb.map(\.iteration), Array(0...10), file: file, line: line)
        XCTAssertEqual(fb.map(\.replayed), (0...10).map { $0 <= stop }, file: file, line: line)
        XCTAssertTrue(fa.map(\.picture) == fb.map(\.picture), "the same film, frame for frame", file: file, line: line)
        for (x, y) in zip(va.frames, vb.frames) {
            XCTAssertGreaterThan(psnr(x, y), 32, "the encoded films look the same", file: file, line: line)
        }
        let (ta, tb) = (TraceEntry.read(dir.file("whole.jsonl")), TraceEntry.read(dir.file("split.jsonl")))
        XCTAssertEqual(tb.map(\.iteration), Array(0...10), file: file, line: line)
        XCTAssertEqual(ta.map(\.total), tb.map(\.total), "the same losses", file: file, line: line)
        XCTAssertEqual(ta.map(\.width), tb.map(\.width), file: file, line: line)
    }

    func testContentInitLBFGS() throws {
        try check(.content, .lbfgs, stopAfter: 2)
        try check(.content, .lbfgs, stopAfter: 7)
    }

    func testNoiseInitLBFGS() throws {
        try check(.noise, .lbfgs, stopAfter: 2)
        try check(.noise, .lbfgs, stopAfter: 7)
    }

    func testPictureInitLBFGS() throws {
        try check(.image(path: Fixture.path("images/png_rgb8.png")), .lbfgs, stopAfter: 2)
        try check(.image(path: Fixture.path("images/png_rgb8.png")), .lbfgs, stopAfter: 7)
    }

    func testEveryInitAdam() throws {
        try check(.content, .adam, stopAfter: 3)
        try check(.noise, .adam, stopAfter: 3)
        try check(.noise, .adam, stopAfter: 8)
        try check(.image(path: Fixture.path("images/png_rgb8.png")), .adam, stopAfter: 8)
    }

    /// The film's moving average is part of the checkpoint.
    func testSmoothedFilmResumes() throws {
        let dir = TemporaryFolder()
        var settings = try Demo.settings(iterations: 6)
        settings.film = FilmSettings(every: 2, smooth: 0.3)
        try OutputFolder.prepare(dir.file("ck"))
        let whole = try StylizeSession(settings: settings)
        let a = Recorder(frames: true)
        whole.attach(a)
        try whole.run()
        let first = try StylizeSession(settings: settings, network: whole.network)
        first.attach(Recorder(frames: true))   // the film is made, so the checkpoint keeps its frames
        first.attach(CheckpointSink(folder: dir.file("ck"), every: 1))
        first.attach(StopAfter(3, first))
        try first.run()
        let resumed = try StylizeSession(resuming: dir.file("ck"))
        let b = Recorder(frames: true)
        resumed.attach(b)
        try resumed.run()
        XCTAssertEqual(a.frames.map(\.iteration), [0, 2, 4, 6])
        XCTAssertEqual(b.frames.map(\.iteration), [0, 2, 4, 6])
        XCTAssertEqual(b.frames.map(\.replayed), [true, true, false, false])
        XCTAssertEqual(a.frames.map(\.picture), b.frames.map(\.picture))
    }

    /// A run the finish rule ends, stopped a little before its end and resumed, finishes where the uninterrupted run
    /// did, with the same picture: the checkpoint keeps the rule's window (its reference step, loss and picture).
    func testAFinishedRunResumesToTheSameFinish() throws {
        let dir = TemporaryFolder()
        let rule = FinishRule(window: 4, lossFall: 0.01, levels: 3, minimum: 8)
        let settings = try Demo.settings(maxSize: 48, iterations: 80, finish: rule)
        let wholeSession = try StylizeSession(settings: settings)
        let whole = try wholeSession.run()
        let found = try XCTUnwrap(whole.finished, "the rule ends this run (else this test shows nothing)")
        XCTAssertLessThan(found.iteration, 80)
        XCTAssertNotEqual(found.iteration % rule.window, 2, "stopped mid-window below")
        try OutputFolder.prepare(dir.file("ck"))
        let first = try StylizeSession(settings: settings, network: wholeSession.network)
        first.attach(CheckpointSink(folder: dir.file("ck"), every: 3))
        first.attach(StopAfter(found.iteration - 2, first))
        XCTAssertTrue(try first.run().stopped)
        XCTAssertNotNil(try Checkpoint.load(dir.file("ck")).finish?.reference, "the window is in the checkpoint")
        let resumed = try StylizeSession(resuming: dir.file("ck")).run()
        XCTAssertEqual(resumed.finished, found)
        XCTAssertEqual(resumed.iterations, whole.iterations)
        XCTAssertTrue(resumed.best == whole.best, "the same picture")
    }

    func testResumeRefusesAChangedPicture() throws {
        let dir = TemporaryFolder()
        let photo = dir.write("photo.png", Fixture.bytes("demo/chelsea.png"))
        var settings = try Demo.settings(maxSize: 32, iterations: 1)
        settings.pictures.content = photo
        try OutputFolder.prepare(dir.file("ck"))
        let session = try StylizeSession(settings: settings)
        session.attach(CheckpointSink(folder: dir.file("ck")))
        try session.run()
        try PNGFile.write(RGBImage(width: 40, height: 30, filledWith: (1, 2, 3)), to: photo)
        XCTAssertThrowsError(try StylizeSession(resuming: dir.file("ck"))) { error in
            XCTAssertTrue("\(error)".contains("has changed since the checkpoint"), "\(error)")
        }
    }
}
