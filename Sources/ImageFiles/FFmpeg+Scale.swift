// FFmpeg.scale: 8-bit RGB samples into an AVFrame's planes through swscale, the one call both the JPEG writer and
// the film's encoder make.

import CFFmpeg

extension FFmpeg {
    /// Converts `height` rows of packed RGB24 `rgb` (`width` pixels a row) into `frame`'s planes with `scaler`.
    /// `rgb` must hold at least 64 bytes after the last pixel: swscale's SIMD loads read up to 16 bytes past it
    /// (valgrind: "invalid read of size 16"), and heap bytes there would change the result.
    public static func scale(_ scaler: OpaquePointer, rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                             into frame: UnsafeMutablePointer<AVFrame>) {
        precondition(rgb.count >= width * height * 3 + 64, "FFmpeg.scale: the RGB buffer needs 64 bytes of slack")
        var planes: [UnsafePointer<UInt8>?] = [rgb.baseAddress, nil, nil, nil]
        var strides: [Int32] = [Int32(width * 3), 0, 0, 0]
        withUnsafeMutablePointer(to: &frame.pointee.data) { data in
            withUnsafeMutablePointer(to: &frame.pointee.linesize) { lines in
                data.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { d in
                    lines.withMemoryRebound(to: Int32.self, capacity: 8) { l in
                        _ = sws_scale(scaler, &planes, &strides, 0, Int32(height), d, l)
                    }
                }
            }
        }
    }
}
