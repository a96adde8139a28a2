// tools/clip-slurm on a real Slurm: a one-node cluster on the loopback (tools/slurm/local-cluster: Debian's
// slurm-wlm and munge, started by the test, stopped at its end) paints a clip in 3 segments — the keyframes' job, the
// array, the join — with one segment's task killed with SIGKILL; the command run again finishes the clip, and its
// frames are those of the same segments painted by hand, uninterrupted, in order.

import Foundation
import ImageFiles
import TestSupport
import XCTest

final class SlurmTests: XCTestCase {
    static let tools = Fixture.root + "/tools"

    func testClipSlurmPaintsTheSegmentsByHandsFramesAndFinishesAKilledTaskWhenRunAgain() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        let cluster = folder.file("cluster")
        defer { _ = try? Command.run(executable: "/bin/bash", [Self.tools + "/slurm/local-cluster", "stop", cluster]) }
        let started = try Command.run(executable: "/bin/bash", [Self.tools + "/slurm/local-cluster", "start", cluster])
        XCTAssertEqual(started.status, 0, "the cluster did not start: \(started.stderr)")
        guard started.status == 0 else { return }
        let environment = ["SLURM_CONF": cluster + "/slurm.conf",
                           "STYLELAPSE": Command.productsFolder.appendingPathComponent("stylelapse").path]
        // 9 frames: segments of 3, each its keyframe and 2 frames of 12 steps (slow enough to be killed in one).
        let clip = try TestClips.pan(folder.file("pan.mp4"), frames: 9)
        let style = Fixture.path("demo/starry_night.jpg")
        let painting = ["--max-size", "48", "--iterations", "6", "--frame-iterations", "12", "--tolerance", "0"]

        let byHand = folder.file("by-hand")
        for k in 1...3 {
            let result = try Command.run(["clip", "--content", clip, "--style", style, "--segment", "\(k)/3",
                                          "--work", byHand, "--quiet"] + painting)
            XCTAssertEqual(result.status, 0, result.stderr)
        }

        func submit(_ work: String, _ output: String) throws -> [String: String] {
            let result = try Command.run(executable: Self.tools + "/clip-slurm",
                                         [clip, style, output, "--segments", "3", "--work", work] + painting,
                                         environment: environment)
            XCTAssertEqual(result.status, 0, result.stderr)
            // "keyframes: job 5", "segments: job 6 (array 1-3)", "join: job 7, writes …"
            var jobs: [String: String] = [:]
            for line in result.stdout.split(separator: "\n") {
                let words = line.split(separator: " ")
                if words.count >= 3, words[1] == "job" {
                    jobs[String(words[0].dropLast())] = String(words[2].prefix { $0.isNumber })
                }
            }
            XCTAssertEqual(Set(jobs.keys), ["keyframes", "segments", "join"], result.stdout)
            return jobs
        }
        func queue() throws -> String {
            try Command.run(executable: "/usr/bin/squeue", ["-h", "-o", "%i %T %r"], environment: environment).stdout
        }
        func waitUntil(_ seconds: Double, _ done: () throws -> Bool) throws -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline { if try done() { return true }; usleep(50_000) }
            return false
        }
        func sameFrames(_ work: String) {
            for index in 0..<9 {
                let name = String(format: "/segment-%03d/frames/frame_%06d.png", index / 3 + 1, index)
                XCTAssertNotNil(Fixture.bytesAt(work + name), "\(work): frame \(index)")
                XCTAssertEqual(Fixture.bytesAt(work + name), Fixture.bytesAt(byHand + name), "\(work): frame \(index)")
            }
        }

        // Segment 2's task killed once its keyframe is in (two frames to paint); the join then waits for ever.
        let (killed, again) = (folder.file("killed"), folder.file("killed.mp4"))
        let jobs = try submit(killed, again)
        let state = killed + "/segment-002/clip.json"
        let going = try waitUntil(240) {
            (try? String(contentsOfFile: state, encoding: .utf8))?.contains("\"framesDone\" : 4") ?? false
        }
        XCTAssertTrue(going, "segment 2 never got going: \((try? queue()) ?? "")")
        let kill = try Command.run(executable: "/usr/bin/pkill", ["-KILL", "-f", "work \(killed) .*--segment 2/3"])
        XCTAssertEqual(kill.status, 0, "no task of segment 2 to kill")
        let waiting = try waitUntil(120) { try queue().split(separator: "\n").count == 1 }
        let left = try queue()
        XCTAssertTrue(waiting, left)
        XCTAssertTrue(left.hasPrefix(jobs["join"]! + " PENDING"), "only the join is left, waiting: \(left)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: again))
        _ = try Command.run(executable: "/usr/bin/scancel", [jobs["join"]!], environment: environment)
        _ = try submit(killed, again)
        let finished = try waitUntil(240) { FileManager.default.fileExists(atPath: again) }
        XCTAssertTrue(finished, "no clip: \((try? queue()) ?? "")")
        XCTAssertEqual(try VideoFile.read(again).frames.count, 9)
        sameFrames(killed)   // segments 1 and 3 as Slurm ran them once, segment 2 killed and run again
    }
}
