// PictureOutput: the run's best picture as a file — PNG (8 or 16 bits), JPEG or lossless WebP by the extension —
// written when the run ends, however it ends: a failure after the start still saves the best picture so far, and
// a picture that cannot be written where asked is saved in the temporary folder instead.

import Foundation
import ImageFiles

public struct PictureOutput: Codable, Sendable, Equatable {
    /// The file; its extension names the format (`PictureFile.extensions`).
    public var path: String
    /// Bits per sample of a PNG: 8 or 16 (the optimised values between the 8-bit levels kept, for print).
    public var bitDepth: Int
    /// JPEG quality 1…100 of a `.jpg`.
    public var jpegQuality: Int

    public static let defaultBitDepth = 8
    public static let defaultJPEGQuality = 95

    public init(path: String, bitDepth: Int = defaultBitDepth, jpegQuality: Int = defaultJPEGQuality) {
        (self.path, self.bitDepth, self.jpegQuality) = (path, bitDepth, jpegQuality)
    }

    var format: String { (path as NSString).pathExtension.lowercased() }

    /// Throws `SettingsError` for a bit depth or quality the format does not take.
    public func check() throws {
        guard bitDepth == 8 || bitDepth == 16 else { throw SettingsError(key: "output.bitDepth", "must be 8 or 16") }
        guard bitDepth == 8 || format == "png" else { throw SettingsError(key: "output.bitDepth", "goes with a .png picture") }
        guard (1...100).contains(jpegQuality) else { throw SettingsError(key: "output.jpegQuality", "must be 1…100") }
    }

    /// Writes the best picture (`samples`: its values before rounding, planar RGB 0…255, for a 16-bit PNG).
    public func write(_ best: RGBImage, samples: [Float]?) throws {
        if bitDepth == 16, format == "png", let samples {
            try PNGFile.write16(width: best.width, height: best.height, srgb: Self.interleaved(samples), to: path)
        } else {
            try PictureFile.write(best, to: path, jpegQuality: jpegQuality)
        }
    }

    /// Writes the run's best picture; when its place fails, saves it in the temporary folder and throws the
    /// `ImageFileError` saying where.
    func save(_ outcome: StylizeOutcome) throws {
        do { try write(outcome.best, samples: outcome.bestSamples) } catch let error as ImageFileError {
            throw ImageFileError(path, error.problem + "; the best image "
                + (Self.rescue(outcome.best).map { "is saved at \($0)" } ?? "could not be saved either"))
        }
    }

    /// Saves `best` of a failed run here, or else in the temporary folder; returns where, or nil.
    func saveAfterFailure(_ best: RGBImage) -> String? {
        (try? PictureFile.write(best, to: path, jpegQuality: jpegQuality)) != nil ? path : Self.rescue(best)
    }

    /// Writes `best` to the temporary folder when its own place failed; returns where, or nil.
    static func rescue(_ best: RGBImage) -> String? {
        let path = NSTemporaryDirectory() + "stylelapse-best-\(getpid()).png"
        return (try? PNGFile.write(best, to: path)) != nil ? path : nil
    }

    /// Planar RGB 0…255 as interleaved samples in 0…1 (a 16-bit PNG's).
    static func interleaved(_ planar: [Float]) -> [Float] {
        let n = planar.count / 3
        var out = [Float](repeating: 0, count: planar.count)
        for p in 0..<n { for c in 0..<3 { out[3 * p + c] = planar[c * n + p] / 255 } }
        return out
    }
}
