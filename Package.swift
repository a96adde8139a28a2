// swift-tools-version:6.2
// StyleLapse: Gatys neural style transfer in pure Swift, with a timelapse of the painting as it forms.
import PackageDescription

// The engine's SIMD16/SIMD8 arithmetic must compile to AVX2 + FMA instructions. Without this flag swiftc targets
// plain SSE2 on x86_64 and every `addingProduct` becomes a call to `fmaf` (about 28x slower). "haswell" is the
// Haswell-and-later level (AVX, AVX2, FMA, BMI2; clang rejects the name x86-64-v3 here); it needs no AVX-512, so it builds and runs on any such CPU.
#if arch(x86_64)
let cpuFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let cpuFlags: [SwiftSetting] = []
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
        .target(name: "ImageFiles", dependencies: ["CPNG", "CFFmpeg"], swiftSettings: cpuFlags),
        // The film's encoder: frames into MP4, WebM, GIF, WebP or APNG.
        .target(name: "Timelapse", dependencies: ["CFFmpeg", "ImageFiles"], swiftSettings: cpuFlags),
        // Composed pictures: text in a real typeface (FreeType), fitting, placing and mixing pictures.
        .target(name: "Drawing", dependencies: ["CFreeType", "ImageFiles"], swiftSettings: cpuFlags),
        // The finished film: frames stored on disk, paced by change, opening and closing cards.
        .target(name: "Film", dependencies: ["Drawing", "ImageFiles"], swiftSettings: cpuFlags),
        // Tensors, kernels and their gradients: pure Swift, SIMD and Dispatch only.
        .target(name: "Engine", swiftSettings: cpuFlags),

        // VGG networks as data, their weights (safetensors), forward and backward.
        .target(name: "Network", dependencies: ["Engine"], swiftSettings: cpuFlags),
        // The style-transfer objective: Gram style loss, content loss, total variation, with typed conventions.
        .target(name: "Objective", dependencies: ["Engine", "Network"], swiftSettings: cpuFlags),

        // Optimisers over the image's pixels: the report's Adam (TF1 form) and projected L-BFGS.
        .target(name: "Optimization", swiftSettings: cpuFlags),

        // One picture's painting: each pass's optimisation (PassOptimizer: the optimiser, the best image, every
        // iteration handed out), coarse-to-fine, the memory plan, colour preservation, the contact sheet, the loss plot.
        .target(name: "Painting", dependencies: ["Engine", "Network", "Objective", "Optimization", "ImageFiles", "Drawing"],
                swiftSettings: cpuFlags),

        // The session: one run as an object that emits events to sinks (film, frames, trace, checkpoints, plot).
        .target(name: "StyleLapse",
                dependencies: ["Engine", "Network", "Objective", "Optimization", "Painting", "ImageFiles", "Timelapse",
                               "Drawing", "Film"],
                swiftSettings: cpuFlags),

        // The live page: an HTTP server (FlyingFox) showing and steering a run, one more sink of the session.
        .target(name: "Live", dependencies: ["StyleLapse", "Film", "ImageFiles", .product(name: "FlyingFox", package: "FlyingFox")],
                swiftSettings: cpuFlags),

        // Compiled for the baseline CPU: tells a CPU without AVX2/FMA so before any of the Haswell code runs.
        .target(name: "CPUCheck"),

        // The commands: each parses its options, lays them over the library's settings and delegates.
        .target(
            name: "Commands",
            dependencies: [
                "StyleLapse", "Live", "ImageFiles", "Timelapse", "Engine", "Network", "Objective", "Optimization", "Painting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: cpuFlags),
        // The `stylelapse` executable: CPUCheck first, then the commands.
        .executableTarget(name: "stylelapse", dependencies: ["CPUCheck", "Commands"], swiftSettings: cpuFlags),

        // The library's example: a picture in about twenty lines, each iteration's loss from the event stream.
        .executableTarget(name: "stylize-example", dependencies: ["StyleLapse"], path: "Examples/StylizeExample"),

        // libFuzzer target over image decoding; only tools/fuzz builds it (with -sanitize=fuzzer,address).
        .executableTarget(name: "ImageFuzz", dependencies: ["ImageFiles"],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),

        // What the tests share: fixtures, the naive twins of the engine's kernels, a film reader, a raw HTTP client.
        .target(name: "TestSupport", dependencies: ["ImageFiles", "Network", "Engine", "CFFmpeg"], path: "Tests/TestSupport",
                swiftSettings: cpuFlags),
        .testTarget(name: "ImageFilesTests", dependencies: ["ImageFiles", "TestSupport"]),
        .testTarget(name: "TimelapseTests", dependencies: ["Timelapse", "ImageFiles", "TestSupport"]),
        .testTarget(name: "FilmTests", dependencies: ["Film", "Drawing", "ImageFiles", "TestSupport"], swiftSettings: cpuFlags),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"], swiftSettings: cpuFlags),
        .testTarget(name: "NetworkTests", dependencies: ["Network", "Objective", "Engine", "TestSupport"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "DrawingTests", dependencies: ["Drawing", "ImageFiles"], swiftSettings: cpuFlags),
        .testTarget(name: "ObjectiveTests", dependencies: ["Objective", "Network", "Engine", "TestSupport"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "OptimizationTests", dependencies: ["Optimization", "Objective", "Network", "Engine", "TestSupport"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "PaintingTests",
                    dependencies: ["Painting", "Optimization", "Objective", "Network", "Engine", "Drawing", "TestSupport"],
                    swiftSettings: cpuFlags),
        // Test-only C: counts heap allocations (interposes malloc and friends) for the allocation test.
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        .testTarget(name: "SessionTests", dependencies: ["StyleLapse", "Engine", "TestSupport", "AllocationCounter"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "LiveTests", dependencies: ["Live", "StyleLapse", "TestSupport"], swiftSettings: cpuFlags),
        .testTarget(name: "CommandTests",
                    dependencies: ["Commands", "stylelapse", "StyleLapse", "ImageFiles", "Timelapse", "Painting", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
