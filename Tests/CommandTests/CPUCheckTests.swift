// A CPU the build cannot use is told so: under qemu's user-mode emulation of a Nehalem (no AVX, AVX2 or FMA) the
// binary prints one line naming what is missing and exits 1 (it died with "Illegal instruction", status 132);
// emulating a Haswell it runs as usual.

import Foundation
import TestSupport
import XCTest

final class CPUCheckTests: XCTestCase {
    func qemu(_ cpu: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let emulator = ["/usr/bin/qemu-x86_64", "/usr/bin/qemu-x86_64-static"]
            .first(where: FileManager.default.isExecutableFile) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("qemu-x86_64 is missing (tools/install-deps --tests installs qemu-user)")
            }
            throw XCTSkip("needs qemu-user (tools/install-deps --tests)")
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

    func testACPUWithoutAVX2IsToldSo() throws {
        #if arch(x86_64)
        let old = try qemu("Nehalem", ["info", Fixture.path("images/png_rgb8.png")])
        XCTAssertEqual(old.status, 1, old.stderr)
        XCTAssertEqual(old.stdout, "")
        // qemu itself warns about CPU features it does not emulate; StyleLapse says one line.
        let ours = old.stderr.split(separator: "\n").filter { $0.hasPrefix("stylelapse:") }
        XCTAssertEqual(ours, ["stylelapse: this CPU has no AVX2 and FMA, which this build of StyleLapse needs (an x86-64 "
                                + "from 2013 on: Intel Haswell, AMD Zen or later)"], old.stderr)
        let new = try qemu("Haswell", ["info", Fixture.path("images/png_rgb8.png")])
        XCTAssertEqual(new.status, 0, new.stderr)
        XCTAssertTrue(new.stdout.contains("PNG 24×16"), new.stdout)
        #else
        throw XCTSkip("the AVX2/FMA build is x86_64's")
        #endif
    }
}
