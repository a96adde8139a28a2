// ImageFuzz: the libFuzzer entry point over StyleLapse's image decoding (header parsing, libpng, FFmpeg).
// tools/check/fuzz builds it with -sanitize=fuzzer,address -DFUZZING, and libFuzzer supplies main(). Built normally, it is
// a small program that decodes the files it is given: how a crash file is replayed.

import ImageFiles

/// Decodes arbitrary bytes; every outcome but a crash, a leak or a hang is fine (errors are the expected result).
@_cdecl("LLVMFuzzerTestOneInput")
public func imageFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // A 4-megapixel cap keeps each input's work bounded; the cap itself is part of what is exercised.
    _ = try? ImageFile.decode(bytes, path: "fuzz-input", pixelCap: 4_000_000)
    return 0
}

#if FUZZING
/// libFuzzer's driver, called from our own entry point: SwiftPM links every executable with `main` defined as
/// `ImageFuzz_main`, so libFuzzer's own `main` is not used.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("ImageFuzz_main")
func imageFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in imageFuzzTestOneInput(data, size) }
}
#else
import Foundation

@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
            do {
                let image = try ImageFile.decode(bytes, path: path, pixelCap: 4_000_000)
                print("\(path): decoded \(image.width)×\(image.height)")
            } catch {
                print("\(error)")
            }
        }
    }
}
#endif
