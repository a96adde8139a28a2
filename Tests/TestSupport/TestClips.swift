// TestClips: short clips made for the tests by the ffmpeg program (installed by tools/setup/install-deps --tests): a pan
// across the demo photo, with the awkward variants a clip command must take (a variable frame rate, 10-bit 4:2:2,
// odd sizes, rotation metadata, sound).

import Foundation

public enum TestClips {
    /// Runs /usr/bin/ffmpeg with `arguments`; throws with its error output when it fails.
    public static func ffmpeg(_ arguments: [String]) throws {
        try run("/usr/bin/ffmpeg", ["-v", "error", "-y"] + arguments)
    }

    /// /usr/bin/ffprobe's compact output of `entries` (e.g. "stream=codec_type,width") for `path`.
    public static func probe(_ path: String, _ entries: String, extra: [String] = []) throws -> String {
        try run("/usr/bin/ffprobe", ["-v", "error"] + extra + ["-show_entries", entries, "-of", "compact", path])
    }

    /// A pan across the demo photo: `frames` frames of `width`×`height` at `rate` per second, moving 4 photo pixels
    /// a frame; `sound` adds a 440 Hz tone as long as the pictures; `select` keeps only the frames its expression
    /// selects (ffmpeg's select filter); `rotate` tags it to be shown turned (degrees counter-clockwise, as ffprobe's
    /// display matrix rotation); `codec` and `extra` are ffmpeg's output options.
    @discardableResult
    public static func pan(_ path: String, frames: Int, width: Int = 64, height: Int = 40, rate: Int = 10,
                           sound: Bool = false, pixelFormat: String = "yuv420p", codec: [String] = ["-c:v", "libx264"],
                           select: String? = nil, rotate: Int? = nil, extra: [String] = []) throws -> String {
        let seconds = String(format: "%.3f", Double(frames) / Double(rate))
        var args = ["-loop", "1", "-framerate", "\(rate)", "-i", Fixture.path("demo/chelsea.png")]
        if sound { args += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=\(seconds)"] }
        let keep = select.map { ",select='\($0)'" } ?? ""
        args += ["-filter_complex", "[0:v]crop=180:112:'20+4*n':60,scale=\(width):\(height),format=\(pixelFormat)\(keep)[v]",
                 "-map", "[v]"] + (sound ? ["-map", "1:a", "-c:a", "aac"] : [])
        args += ["-frames:v", "\(frames)"] + codec + extra
        guard let rotate else {
            try ffmpeg(args + [path])
            return path
        }
        // ffmpeg 5 writes the display matrix of a `rotate` tag only when it copies the stream: encode, then remux.
        let plain = path + ".plain." + (path as NSString).pathExtension
        try ffmpeg(args + [plain])
        try ffmpeg(["-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=\(rotate)", path])
        try? FileManager.default.removeItem(atPath: plain)
        return path
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "TestClips", code: Int(process.terminationStatus), userInfo: [
                NSLocalizedDescriptionKey: "\(executable) \(arguments.joined(separator: " ")): "
                    + String(decoding: errors, as: UTF8.self)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
