// `--isa`: the benchmarks report the kernels they ran ("isa") and run the ones asked for; an unknown name is refused
// in one line.

import Foundation
import TestSupport
import XCTest

final class ISAOptionTests: XCTestCase {
    func testBenchEngineReportsAndRunsTheKernelsAskedFor() throws {
        for isa in ["baseline", "avx2"] {
            let r = try Command.run(["bench", "engine", "--json", "--sizes", "32", "--repeats", "1", "--isa", isa])
            #if arch(x86_64)
            XCTAssertEqual(r.status, 0, r.stderr)
            let rows = r.stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            XCTAssertGreaterThan(rows.count, 10, r.stdout)
            XCTAssertTrue(rows.allSatisfy { $0["isa"] as? String == isa }, r.stdout)
            #endif
        }
    }

    func testBenchIterationReportsTheKernels() throws {
        let weights = try RealWeights.require()
        let r = try Command.run(["bench", "iteration", "--size", "16", "--repeats", "1", "--json", "--weights", weights,
                                 "--isa", "baseline"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(object?["isa"] as? String, "baseline", r.stdout)
    }

    func testAnUnknownNameIsRefusedInOneLine() throws {
        let r = try Command.run(["bench", "engine", "--isa", "sse9"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertEqual(r.stdout, "")
        let lines = r.stderr.split(separator: "\n")
        // The parser's own words for an enum's value (`InstructionSet: ExpressibleByArgument`), every choice named.
        XCTAssertTrue(lines.first?.contains("'sse9' is invalid for '--isa <isa>'") ?? false, r.stderr)
        XCTAssertTrue(lines.first?.contains("'baseline', 'avx2' or 'avx512'") ?? false, r.stderr)
    }

    /// Size 16 left block 5 a 1×1 map and crashed pooling it; now refused.
    func testBenchEngineRefusesASizeTooSmallToPool() throws {
        let r = try Command.run(["bench", "engine", "--sizes", "16"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("--sizes must be multiples of 16 from 32 on"), r.stderr)
    }
}
