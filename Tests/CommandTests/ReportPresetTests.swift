// `--preset report` is the origin report's run, end to end at the command line: an independent float64 PyTorch
// run of the report (tools/fixtures/make_fixtures.py report: each picture at its own size, TF1 Adam, the pixel box after
// every step) gives every iteration's loss and the best image; the command must reproduce them. (Before the fix the
// painting was resized to the photo's longer side and iteration 0's loss was off by 5.8 %.)

import Foundation
import ImageFiles
import TestSupport
import XCTest

final class ReportPresetTests: XCTestCase {
    struct Run: Decodable {
        var format: String, version: Int, iterations: Int
        var losses: [Double]
        var best_iteration: Int
        var tolerance: [String: Double]
    }

    func testTenStepsAsTheReportRanThem() throws {
        _ = try RealWeights.require()
        let run = try JSONDecoder().decode(Run.self, from: Data(Fixture.bytes("report/run.json")))
        XCTAssertEqual([run.format, "\(run.version)"], ["stylelapse-report-run", "1"],
                       "regenerate with: python3 tools/fixtures/make_fixtures.py report")
        let dir = TemporaryFolder()
        let result = try Command.run(["stylize", "--preset", "report", "--iterations", "\(run.iterations)",
                                      "--content", Fixture.path("report/photo.png"),
                                      "--style", Fixture.path("report/painting.png"),
                                      "--output", dir.file("best.png"), "--trace", dir.file("trace.jsonl")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let trace = try Trace.read(dir.file("trace.jsonl"))
        XCTAssertEqual(trace.map { $0["iteration"] as! Int }, Array(0...run.iterations))
        XCTAssertEqual(trace.map { $0["width"] as! Int }, Array(repeating: 88, count: run.iterations + 1))
        var worst = 0.0
        for (k, (line, reference)) in zip(trace, run.losses).enumerated() {
            let error = abs(line["total"] as! Double - reference) / reference
            worst = max(worst, error)
            XCTAssertLessThanOrEqual(error, run.tolerance["loss_rel"]!, "iteration \(k): \(line["total"]!) vs \(reference)")
        }
        print("report preset: largest relative loss error over \(run.iterations) steps \(worst)")
        XCTAssertTrue(result.stdout.contains("at iteration \(run.best_iteration) "), result.stdout)
        let (best, reference) = (try ImageFile.read(dir.file("best.png")), try ImageFile.read(Fixture.path("report/best.png")))
        XCTAssertEqual([best.width, best.height], [reference.width, reference.height])
        let largest = zip(best.pixels, reference.pixels).map { abs(Int($0) - Int($1)) }.max()!
        XCTAssertLessThanOrEqual(Double(largest), run.tolerance["pixel_abs"]!, "the best image, pixel by pixel")
    }

    /// With --style-scale the painting is sized as asked, so the losses leave the report's.
    func testStyleScaleStillResizesThePainting() throws {
        _ = try RealWeights.require()
        let run = try JSONDecoder().decode(Run.self, from: Data(Fixture.bytes("report/run.json")))
        let dir = TemporaryFolder()
        let result = try Command.run(["stylize", "--preset", "report", "--iterations", "0", "--style-scale", "1",
                                      "--content", Fixture.path("report/photo.png"),
                                      "--style", Fixture.path("report/painting.png"),
                                      "--output", dir.file("best.png"), "--trace", dir.file("trace.jsonl")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let line = try XCTUnwrap(try Trace.read(dir.file("trace.jsonl")).first, "iteration 0")
        XCTAssertGreaterThan(abs(line["total"] as! Double - run.losses[0]) / run.losses[0], 1e-3)
    }
}
