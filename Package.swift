// swift-tools-version:6.2
// StyleLapse: Gatys neural style transfer in pure Swift, with a timelapse of the painting as it forms.
import PackageDescription

// Everything is built for the architecture's baseline (x86-64: SSE2; ARM64: NEON), so the program runs on any CPU
// of it, except the engine's kernels: written once (Kernels, generic and @inlinable) and compiled once more per
// instruction set, each copy with its own -target-cpu (Engine's InstructionSet picks one at start from CPUID).
// "haswell" is AVX2 + FMA (+ BMI2, F16C, MOVBE); "skylake-avx512" adds AVX-512 F/CD/BW/DQ/VL (clang rejects the names
// x86-64-v3 and -v4 here). Without FMA, `addingProduct` would be a call to `fmaf` per lane (about 28× slower), so the
// baseline copy multiplies and adds. Off x86-64 the two x86 copies compile to nothing.
#if arch(x86_64)
let avx2Flags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
let avx512Flags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512"])]
#else
let avx2Flags: [SwiftSetting] = []
let avx512Flags: [SwiftSetting] = []
#endif

let package = Package(
    name: "StyleLapse",
    products: [
        .executable(name: "stylelapse", targets: ["stylelapse"]),
        // The run as a library: StylizeSession, its events and sinks, settings, pictures, the timelapse writer.
        .library(name: "StyleLapse", targets: ["StyleLapse"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The live page's HTTP server: small, Swift concurrency and BSD sockets, no SwiftNIO (builds in seconds).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // C libraries at the edges: a modulemap and one shim header each.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        .systemLibrary(
            name: "CFFmpeg", pkgConfig: "libavformat libavcodec libavutil libswscale",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev"])]),

        // Image files in and out (PNG via libpng, the rest via FFmpeg), resampling.
        .target(name: "ImageFiles", dependencies: ["CPNG", "CFFmpeg"]),
        // The film's encoder: frames into MP4, WebM, GIF, WebP or APNG.
        .target(name: "Timelapse", dependencies: ["CFFmpeg", "ImageFiles"]),
        // Composed pictures: text in a real typeface (FreeType), fitting, placing and mixing pictures; contact sheets.
        .target(name: "Drawing", dependencies: ["CFreeType", "ImageFiles"]),
        // The finished film: frames stored on disk, paced by change, opening and closing cards.
        .target(name: "Film", dependencies: ["Drawing", "ImageFiles"]),
        // The kernels, written once: register-tiled products, Winograd transforms, row sums (generic, @inlinable).
        .target(name: "Kernels"),
        // …compiled per instruction set: any CPU of the architecture, AVX2 + FMA, AVX-512.
        .target(name: "KernelsBaseline", dependencies: ["Kernels"]),
        .target(name: "KernelsAVX2", dependencies: ["Kernels"], swiftSettings: avx2Flags),
        .target(name: "KernelsAVX512", dependencies: ["Kernels"], swiftSettings: avx512Flags),
        // What this CPU runs (CPUID, XGETBV), in C.
        .target(name: "CPUFeatures"),
        // Tensors, kernels and their gradients: pure Swift, SIMD and Dispatch only; the kernels chosen at start.
        .target(name: "Engine", dependencies: ["Kernels", "KernelsBaseline", "KernelsAVX2", "KernelsAVX512", "CPUFeatures"]),

        // VGG networks as data, their weights (safetensors), forward and backward.
        .target(name: "Network", dependencies: ["Engine"]),
        // Dense optical flow (DIS), warping and the forward–backward consistency check: pure Swift.
        .target(name: "OpticalFlow", dependencies: ["Engine"]),
        // The style-transfer objective: Gram style loss, content loss, total variation, with typed conventions.
        .target(name: "Objective", dependencies: ["Engine", "Network"]),

        // Optimisers over the image's pixels: the report's Adam (TF1 form) and projected L-BFGS.
        .target(name: "Optimization"),

        // One picture's stylization (named apart from the painting, the style picture): each pass's optimisation
        // (PassOptimizer: the optimiser, the best image, every iteration handed out), coarse-to-fine, the memory plan, colours.
        .target(name: "Stylization", dependencies: ["Engine", "Network", "Objective", "Optimization", "ImageFiles"]),

        // The session: one run as an object that emits events to sinks (film, frames, trace, checkpoints, plot).
        .target(name: "StyleLapse",
                dependencies: ["Engine", "Network", "Objective", "Optimization", "Stylization", "ImageFiles", "Timelapse",
                               "Drawing", "Film", "OpticalFlow"]),

        // The live page: an HTTP server (FlyingFox) showing and steering a run, one more sink of the session.
        .target(name: "Live", dependencies: ["StyleLapse", "Film", "ImageFiles", .product(name: "FlyingFox", package: "FlyingFox"),
                                             .product(name: "FlyingSocks", package: "FlyingFox")]),

        // The commands: each parses its options, lays them over the library's settings and delegates. The library's
        // products only: the engine stays below them.
        .target(
            name: "Commands",
            dependencies: ["StyleLapse", "Live", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // `stylelapse bench …`: the engine's kernels, an iteration and the optical flow measured — the one command
        // that reaches below the library.
        .target(
            name: "Benchmarks",
            dependencies: ["Commands", "StyleLapse", "Engine", "Network", "Objective", "Optimization", "Stylization", "OpticalFlow",
                           "ImageFiles", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The `stylelapse` executable: the commands and the benchmarks under one root command.
        .executableTarget(name: "stylelapse",
                          dependencies: ["Commands", "Benchmarks", "StyleLapse",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // The library's example: a picture in about twenty lines, each iteration's loss from the event stream.
        .executableTarget(name: "stylize-example", dependencies: ["StyleLapse"], path: "Examples/StylizeExample"),

        // libFuzzer target over image decoding; only tools/check/fuzz builds it (with -sanitize=fuzzer,address).
        .executableTarget(name: "ImageFuzz", dependencies: ["ImageFiles"],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),

        // What the tests share: fixtures, the naive twins of the engine's kernels, a film reader, a raw HTTP client.
        .target(name: "TestSupport", dependencies: ["ImageFiles", "Network", "Engine", "CFFmpeg"], path: "Tests/TestSupport"),
        .testTarget(name: "ImageFilesTests", dependencies: ["ImageFiles", "TestSupport"]),
        .testTarget(name: "TimelapseTests", dependencies: ["Timelapse", "ImageFiles", "TestSupport"]),
        .testTarget(name: "FilmTests", dependencies: ["Film", "Drawing", "ImageFiles", "TestSupport"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Kernels", "KernelsBaseline", "TestSupport"]),
        .testTarget(name: "NetworkTests", dependencies: ["Network", "Objective", "Engine", "Kernels", "TestSupport"]),
        .testTarget(name: "OpticalFlowTests", dependencies: ["OpticalFlow", "Engine", "ImageFiles", "Stylization", "TestSupport"]),
        .testTarget(name: "DrawingTests", dependencies: ["Drawing", "ImageFiles"]),
        .testTarget(name: "ObjectiveTests", dependencies: ["Objective", "Network", "Engine", "TestSupport"]),
        .testTarget(name: "OptimizationTests", dependencies: ["Optimization", "Objective", "Network", "Engine", "TestSupport"]),
        .testTarget(name: "StylizationTests",
                    dependencies: ["Stylization", "Optimization", "Objective", "Network", "Engine", "ImageFiles", "TestSupport"]),
        // Test-only C: counts heap allocations (interposes malloc and friends) for the allocation test.
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        .testTarget(name: "SessionTests", dependencies: ["StyleLapse", "Engine", "TestSupport", "AllocationCounter"]),
        .testTarget(name: "LiveTests", dependencies: ["Live", "StyleLapse", "TestSupport"]),
        .testTarget(name: "CommandTests",
                    dependencies: ["Commands", "stylelapse", "StyleLapse", "ImageFiles", "Timelapse", "Stylization", "Objective",
                                   "Network", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ],
    swiftLanguageModes: [.v6]
)
