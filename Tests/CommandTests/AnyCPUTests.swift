// Any x86-64 runs StyleLapse: under qemu's user-mode emulation of a Nehalem (SSE4.2; no AVX, AVX2 or FMA) the engine
// picks its baseline kernels, a short `stylize` finishes with status 0, and its picture matches the AVX2 kernels'
// run on this machine; `--isa avx2` there is refused in one line. (Before #25 the binary refused such a CPU.)

import Foundation
import ImageFiles
import TestSupport
import XCTest

final class AnyCPUTests: XCTestCase {
    func qemu(_ cpu: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let emulator = ["/usr/bin/qemu-x86_64", "/usr/bin/qemu-x86_64-static"]
            .first(where: FileManager.default.isExecutableFile) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("qemu-x86_64 is missing (tools/setup/install-deps --tests installs qemu-user)")
            }
            throw XCTSkip("needs qemu-user (tools/setup/install-deps --tests)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: emulator)
        process.arguments = ["-cpu", cpu, Command.productsFolder.appendingPathComponent("stylelapse").path] + arguments
        let out = Pipe(), err = Pipe()
        (process.standardOutput, process.standardError) = (out, err)
        try process.run()
        let (o, e) = (out.fileHandleForReading.readDataToEndOfFile(), err.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testANehalemPaintsThePictureTheAVX2KernelsPaint() throws {
        #if arch(x86_64)
        let weights = try RealWeights.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anycpu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func stylize(_ output: String) -> [String] {
            ["stylize", "--preset", "report", "--iterations", "3", "--max-size", "32", "--weights", weights,
             "--content", Fixture.path("demo/chelsea.png"), "--style", Fixture.path("demo/starry_night.jpg"),
             "--output", folder.appendingPathComponent(output).path]
        }
        let old = try qemu("Nehalem", stylize("nehalem.png"))
        XCTAssertEqual(old.status, 0, old.stderr)
        let native = try Command.run(stylize("avx2.png") + ["--isa", "avx2"])
        XCTAssertEqual(native.status, 0, native.stderr)
        let a = try ImageFile.read(folder.appendingPathComponent("nehalem.png").path)
        let b = try ImageFile.read(folder.appendingPathComponent("avx2.png").path)
        XCTAssertEqual(a.width, b.width)
        XCTAssertEqual(a.height, b.height)
        // Multiply-then-add against fused multiply-add: the float pictures differ in the last bits, so an 8-bit
        // level may round the other way, never more.
        let differences = zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }
        let largest = differences.max() ?? 0, count = differences.filter { $0 > 0 }.count
        print("Nehalem (baseline kernels) against AVX2: largest difference \(largest) level(s), \(count) of "
            + "\(differences.count) samples differ")
        XCTAssertLessThanOrEqual(largest, 1)
        XCTAssertLessThan(count, differences.count / 20)

        let refused = try qemu("Nehalem", stylize("refused.png") + ["--isa", "avx2"])
        XCTAssertEqual(refused.status, 64, refused.stderr)
        let ours = refused.stderr.split(separator: "\n").filter { $0.contains("--isa") }
        XCTAssertEqual(ours.count, 1, refused.stderr)
        XCTAssertTrue(ours.first?.contains("this CPU does not run the avx2 kernels (it runs: baseline)") ?? false, refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("refused.png").path))
        #else
        throw XCTSkip("qemu-x86_64 emulates x86-64 CPUs")
        #endif
    }
}
